import { normalisePlate, type Page, type TicketQuery, type TicketView } from '@haulproof/contracts';
import { conflict, forbidden, notFound, unprocessable } from '../http/errors.js';
import type { LivePublisher } from '../live/publisher.js';
import type { TicketEventRow, TicketRepository, TicketRow } from '../repositories/ticket.repository.js';
import { canSee, scopeFilter, type Principal } from './principal.js';
import { decodeCursor, encodeCursor } from './cursor.js';

export function mapTicket(t: TicketRow, events: TicketEventRow[]): TicketView {
  return {
    ...t,
    ticketNo: `${t.deviceCode}-${t.seq}`,
    firstWeighedAt: t.firstWeighedAt.toISOString(),
    secondWeighedAt: t.secondWeighedAt?.toISOString() ?? null,
    weighedAt: t.weighedAt.toISOString(),
    receivedAt: t.receivedAt.toISOString(),
    events: events.map((e) => ({ kind: e.kind, reason: e.reason, at: e.at.toISOString(), actor: e.actor, changes: e.changes })),
  };
}

type CorrectionChanges = { stream?: string | undefined; routeId?: string | null | undefined; permitId?: string | null | undefined; originSiteId?: string | null | undefined; vehicleId?: string | undefined };

/** Ticket queries, voids and corrections, always within the asker's scope; announces changes live. */
export class TicketService {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly live: LivePublisher,
  ) {}

  async list(p: Principal, q: TicketQuery): Promise<Page<TicketView>> {
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await this.tickets.list(
      { ...q, plate: q.plate ? normalisePlate(q.plate) : undefined, after, limit: q.limit + 1 },
      scopeFilter(p),
    );
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: await this.withEvents(page),
      nextCursor: rows.length > q.limit && last ? encodeCursor({ weighedAt: last.weighedAt.toISOString(), id: last.id }) : null,
    };
  }

  async get(p: Principal, id: string): Promise<TicketView> {
    const row = await this.visibleRow(p, id);
    return (await this.withEvents([row]))[0]!;
  }

  async void(p: Principal, id: string, reason: string): Promise<TicketView> {
    const row = await this.modifiableRow(p, id);
    if (row.voided) throw conflict(`ticket ${row.deviceCode}-${row.seq} is already void`);
    try {
      await this.tickets.insertEvent({ ticketId: id, kind: 'VOID', reason, actorUserId: p.userId, changes: null });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw conflict(`ticket ${row.deviceCode}-${row.seq} is already void`);
      throw err;
    }
    return this.announce('ticket.voided', id);
  }

  async correct(p: Principal, id: string, reason: string, changes: CorrectionChanges): Promise<TicketView> {
    const row = await this.modifiableRow(p, id);
    if (row.voided) throw conflict(`ticket ${row.deviceCode}-${row.seq} is void; a void ticket cannot be corrected`);
    const missing = await this.tickets.missingReferences(changes);
    if (missing.length) throw unprocessable('a correction refers to something that does not exist', missing.map((path) => ({ path: `changes.${path}`, message: 'no such record' })));
    await this.tickets.insertEvent({ ticketId: id, kind: 'CORRECTION', reason, actorUserId: p.userId, changes });
    return this.announce('ticket.corrected', id);
  }

  /** Called by ingestion after a batch commits. */
  async announceAccepted(ticketIds: string[], voidedIds: string[]): Promise<void> {
    const views = await this.withEvents(await this.tickets.byIds([...ticketIds, ...voidedIds]));
    const voided = new Set(voidedIds);
    for (const v of views) this.live.publish(voided.has(v.id) ? 'ticket.voided' : 'ticket.accepted', v, v);
  }

  private async announce(event: 'ticket.voided' | 'ticket.corrected', id: string): Promise<TicketView> {
    const [row] = await this.tickets.byIds([id]);
    const view = (await this.withEvents([row!]))[0]!;
    this.live.publish(event, view, view);
    return view;
  }

  private async visibleRow(p: Principal, id: string): Promise<TicketRow> {
    const [row] = await this.tickets.byIds([id]);
    if (!row) throw notFound(`no ticket ${id}`);
    if (!canSee(p, row)) throw forbidden(`ticket ${row.deviceCode}-${row.seq} is outside your scope`);
    return row;
  }

  // Operators handle exceptions at their own site; admins anywhere. Inspectors audit, they do not edit.
  private async modifiableRow(p: Principal, id: string): Promise<TicketRow> {
    if (p.role !== 'ADMIN' && p.role !== 'OPERATOR') throw forbidden(`a ${p.role} cannot void or correct tickets`);
    return this.visibleRow(p, id);
  }

  private async withEvents(rows: TicketRow[]): Promise<TicketView[]> {
    const events = await this.tickets.events(rows.filter((r) => r.voided || r.corrected).map((r) => r.id));
    return rows.map((r) => mapTicket(r, events.filter((e) => e.ticketId === r.id)));
  }
}
