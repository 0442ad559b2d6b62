// Anomalies as people see and handle them. The engine writes findings (anomaly-sync.ts);
// this reads them and records what people do, each change with its ledger event.
import type pg from 'pg';
import { Where } from '../sql-where.js';
import type { ScopeFilter } from '../../services/principal.js';
import type { AnomalyEventKind, AnomalyKind, AnomalyStatus, AnomalyView } from '@haulproof/contracts';


export interface AnomalyFilter {
  kind?: AnomalyKind | undefined;
  status?: AnomalyStatus | undefined;
  active?: boolean | undefined;
  siteId?: string | undefined;
  districtId?: string | undefined;
  stream?: string | undefined;
  assigneeUserId?: string | undefined;
  from?: string | undefined; // service day, inclusive
  to?: string | undefined;
  after?: { serviceDay: string; id: string } | undefined;
  limit: number;
}

export interface AnomalyEventRow {
  kind: AnomalyEventKind;
  actor: string | null; // username; null = the reconciliation engine
  note: string | null;
  details: unknown;
  at: Date;
}

const SELECT = `
  SELECT a.id, a.natural_key AS "naturalKey", a.kind, to_char(a.service_day, 'YYYY-MM-DD') AS "serviceDay", a.site_id AS "siteId", a.district_id AS "districtId",
         a.carrier_id AS "carrierId", a.vehicle_id AS "vehicleId", a.route_id AS "routeId", a.permit_id AS "permitId", a.stream_code AS stream,
         a.summary, a.details, a.status, a.active, a.assignee_user_id AS "assigneeUserId", a.raised_at AS "raisedAt", a.updated_at AS "updatedAt",
         ARRAY(SELECT t.ticket_id::text FROM anomaly_ticket t WHERE t.anomaly_id = a.id ORDER BY t.ticket_id) AS "evidenceTicketIds"
    FROM anomaly a`;

type Row = Omit<AnomalyView, 'raisedAt' | 'updatedAt'> & { raisedAt: Date; updatedAt: Date };
const view = (r: Row): AnomalyView => ({ ...r, raisedAt: r.raisedAt.toISOString(), updatedAt: r.updatedAt.toISOString() });

export class AnomalyRepository {
  constructor(private readonly pool: pg.Pool) {}

  async byIds(ids: readonly string[]): Promise<AnomalyView[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<Row>(`${SELECT} WHERE a.id = ANY($1::uuid[]) ORDER BY a.service_day, a.natural_key`, [ids]);
    return rows.map(view);
  }

  async list(f: AnomalyFilter, scope: ScopeFilter): Promise<AnomalyView[]> {
    const w = new Where();
    if (scope.siteId) w.add('a.site_id = ?', scope.siteId);
    if (scope.carrierId) w.add('a.carrier_id = ?', scope.carrierId);
    if (scope.districtId) w.add('a.district_id = ?', scope.districtId);
    if (f.kind) w.add('a.kind = ?', f.kind);
    if (f.status) w.add('a.status = ?::anomaly_status', f.status);
    if (f.active !== undefined) w.add('a.active = ?', f.active);
    if (f.siteId) w.add('a.site_id = ?', f.siteId);
    if (f.districtId) w.add('a.district_id = ?', f.districtId);
    if (f.stream) w.add('a.stream_code = ?', f.stream);
    if (f.assigneeUserId) w.add('a.assignee_user_id = ?', f.assigneeUserId);
    if (f.from) w.add('a.service_day >= ?::date', f.from);
    if (f.to) w.add('a.service_day <= ?::date', f.to);
    if (f.after) w.add('(a.service_day, a.id) < (?::date, ?::uuid)', f.after.serviceDay, f.after.id);
    const { rows } = await this.pool.query<Row>(`${SELECT} ${w.sql} ORDER BY a.service_day DESC, a.id DESC LIMIT ${w.param(f.limit)}`, w.params);
    return rows.map(view);
  }

  async events(anomalyId: string): Promise<AnomalyEventRow[]> {
    const { rows } = await this.pool.query<AnomalyEventRow>(
      `SELECT e.kind, u.username AS actor, e.note, e.details, e.at FROM anomaly_event e LEFT JOIN app_user u ON u.id = e.actor_user_id WHERE e.anomaly_id = $1 ORDER BY e.at, e.id`,
      [anomalyId],
    );
    return rows;
  }

  /**
   * Moves an anomaly from one of `from` to `to` (or only records the event, when `to` is null),
   * setting the assignee when given. Returns false when its status was not one of `from`.
   */
  async transition(id: string, change: { from: AnomalyStatus[]; to: AnomalyStatus | null; event: AnomalyEventKind; actorUserId: string; note: string | null; assigneeUserId?: string; details?: Record<string, unknown> }): Promise<boolean> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const { rows } = await c.query<{ status: AnomalyStatus }>('SELECT status FROM anomaly WHERE id = $1 FOR UPDATE', [id]);
      if (!rows[0] || !change.from.includes(rows[0].status)) {
        await c.query('ROLLBACK');
        return false;
      }
      await c.query(
        `UPDATE anomaly SET status = COALESCE($2::anomaly_status, status), assignee_user_id = CASE WHEN $3::boolean THEN $4::uuid ELSE assignee_user_id END, updated_at = now() WHERE id = $1`,
        [id, change.to, change.assigneeUserId !== undefined, change.assigneeUserId ?? null],
      );
      await c.query('INSERT INTO anomaly_event (anomaly_id, kind, actor_user_id, note, details) VALUES ($1, $2, $3, $4, $5)', [id, change.event, change.actorUserId, change.note, change.details ? JSON.stringify(change.details) : null]);
      await c.query('COMMIT');
      return true;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }
}
