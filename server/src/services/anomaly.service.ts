// The anomaly lifecycle: open → acknowledged → resolved (resolving needs a note),
// assignable to an inspector. Inspectors act (within their district, or the city);
// admins may too. Operators and dispatchers read what is in their scope. Every
// action is an anomaly_event row and is announced live.
import type { AnomalyView, Page } from '@haulproof/contracts';
import { conflict, forbidden, notFound, unprocessable } from '../http/errors.js';
import type { LivePublisher } from '../live/publisher.js';
import { scopeOf } from '../reconciliation/worker.js';
import type { AnomalyEventRow, AnomalyFilter, AnomalyRepository } from '../repositories/reconciliation/anomaly.repository.js';
import type { UserRepository } from '../repositories/user.repository.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { canSee, scopeFilter, type Principal } from './principal.js';

export interface AnomalyDetail extends AnomalyView {
  events: { kind: string; actor: string | null; note: string | null; details: unknown; at: string }[];
}

export class AnomalyService {
  constructor(
    private readonly anomalies: AnomalyRepository,
    private readonly users: Pick<UserRepository, 'findPrincipal'>,
    private readonly live: LivePublisher,
  ) {}

  async list(p: Principal, q: Omit<AnomalyFilter, 'after'> & { cursor?: string | undefined }): Promise<Page<AnomalyView>> {
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await this.anomalies.list({ ...q, after: after && { serviceDay: after.weighedAt.slice(0, 10), id: after.id }, limit: q.limit + 1 }, scopeFilter(p));
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor({ weighedAt: `${last.serviceDay}T00:00:00.000Z`, id: last.id }) : null };
  }

  async get(p: Principal, id: string): Promise<AnomalyDetail> {
    const a = await this.visible(p, id);
    const events = await this.anomalies.events(id);
    return { ...a, events: events.map((e: AnomalyEventRow) => ({ ...e, at: e.at.toISOString() })) };
  }

  async acknowledge(p: Principal, id: string, note: string | null): Promise<AnomalyView> {
    await this.actionable(p, id);
    if (!(await this.anomalies.transition(id, { from: ['OPEN'], to: 'ACKNOWLEDGED', event: 'ACKNOWLEDGED', actorUserId: p.userId, note }))) throw conflict('only an open anomaly can be acknowledged');
    return this.announce(id);
  }

  async resolve(p: Principal, id: string, note: string): Promise<AnomalyView> {
    await this.actionable(p, id);
    if (note.trim().length < 3) throw unprocessable('resolving an anomaly needs a note saying what was found', [{ path: 'note', message: 'at least 3 characters' }]);
    if (!(await this.anomalies.transition(id, { from: ['ACKNOWLEDGED'], to: 'RESOLVED', event: 'RESOLVED', actorUserId: p.userId, note }))) throw conflict('acknowledge an anomaly before resolving it; a resolved one stays resolved');
    return this.announce(id);
  }

  /** Assigns to an active inspector who can see the anomaly. */
  async assign(p: Principal, id: string, assigneeUserId: string, note: string | null): Promise<AnomalyView> {
    const a = await this.actionable(p, id);
    const assignee = await this.users.findPrincipal(assigneeUserId);
    if (!assignee || assignee.role !== 'INSPECTOR') throw unprocessable('an anomaly is assigned to an active inspector', [{ path: 'assigneeUserId', message: 'not an active inspector' }]);
    if (!canSee(assignee, scopeOf(a))) throw unprocessable(`${assignee.username} cannot see this anomaly (outside their district)`, [{ path: 'assigneeUserId', message: 'outside the inspector’s scope' }]);
    if (!(await this.anomalies.transition(id, { from: ['OPEN', 'ACKNOWLEDGED'], to: null, event: 'ASSIGNED', actorUserId: p.userId, note, assigneeUserId, details: { assignee: assignee.username } }))) throw conflict('a resolved anomaly cannot be reassigned');
    return this.announce(id);
  }

  private async visible(p: Principal, id: string): Promise<AnomalyView> {
    const [a] = await this.anomalies.byIds([id]);
    if (!a) throw notFound(`no anomaly ${id}`);
    if (!canSee(p, scopeOf(a))) throw forbidden('this anomaly is outside your scope');
    return a;
  }

  // Inspectors audit and act; admins may stand in. Operators and dispatchers only read.
  private async actionable(p: Principal, id: string): Promise<AnomalyView> {
    if (p.role !== 'INSPECTOR' && p.role !== 'ADMIN') throw forbidden(`a ${p.role} reads anomalies; inspectors act on them`);
    return this.visible(p, id);
  }

  private async announce(id: string): Promise<AnomalyView> {
    const [a] = await this.anomalies.byIds([id]);
    this.live.publish('anomaly.updated', a!, scopeOf(a!));
    return a!;
  }
}
