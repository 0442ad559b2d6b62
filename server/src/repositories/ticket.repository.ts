import type pg from 'pg';
import { Where } from './sql-where.js';
import type { EstimateBasis, Provenance, StreamCode, TicketBody, WeightSource } from '@haulproof/contracts';
import type { ScopeFilter } from '../services/principal.js';

export interface TicketFilter {
  siteId?: string | undefined;
  districtId?: string | undefined;
  stream?: StreamCode | undefined;
  vehicleId?: string | undefined;
  plate?: string | undefined;
  direction?: 'IN' | 'OUT' | undefined;
  provenance?: Provenance | undefined;
  from?: string | undefined;
  to?: string | undefined;
  includeVoided?: boolean | undefined;
  after?: { weighedAt: string; id: string } | undefined;
  limit: number;
}

export interface TicketRow {
  id: string;
  deviceCode: string;
  seq: number;
  siteId: string;
  siteCode: string;
  siteTimezone: string;
  districtId: string;
  laneCode: string;
  vehicleId: string;
  plate: string;
  carrierId: string;
  cardUid: string | null;
  stream: StreamCode;
  direction: 'IN' | 'OUT';
  grossKg: number;
  tareKg: number;
  netKg: number;
  grossSource: TicketBody['grossSource'];
  tareSource: WeightSource;
  provenance: Provenance;
  estimate: EstimateBasis | null;
  firstWeighedAt: Date;
  secondWeighedAt: Date | null;
  weighedAt: Date;
  receivedAt: Date;
  routeId: string | null;
  permitId: string | null;
  originSiteId: string | null;
  operator: string | null;
  flags: string[];
  softwareVersion: string;
  hash: string;
  voided: boolean;
  corrected: boolean;
}

export interface TicketEventRow {
  ticketId: string;
  kind: 'VOID' | 'CORRECTION';
  reason: string;
  at: Date;
  actor: string;
  changes: unknown;
}

const SELECT = `
  SELECT te.id, d.code AS "deviceCode", te.seq, te.site_id AS "siteId", s.code AS "siteCode", s.timezone AS "siteTimezone",
         s.district_id AS "districtId", sc.code AS "laneCode", te.vehicle_id AS "vehicleId", v.plate, v.carrier_id AS "carrierId",
         cd.uid AS "cardUid", te.stream_code AS stream, te.direction, te.gross_kg AS "grossKg", te.tare_kg AS "tareKg", te.net_kg AS "netKg",
         te.gross_source AS "grossSource", te.tare_source AS "tareSource", te.provenance, te.estimate,
         te.first_weighed_at AS "firstWeighedAt", te.second_weighed_at AS "secondWeighedAt", te.weighed_at AS "weighedAt",
         te.received_at AS "receivedAt", te.route_id AS "routeId", te.permit_id AS "permitId", te.origin_site_id AS "originSiteId",
         te.operator, te.flags, te.software_version AS "softwareVersion", r.hash, te.voided, te.corrected
    FROM ticket_effective te
    JOIN station_device d ON d.id = te.device_id
    JOIN site s ON s.id = te.site_id
    JOIN scale sc ON sc.id = te.scale_id
    JOIN vehicle v ON v.id = te.vehicle_id
    JOIN device_record r ON r.id = te.record_id
    LEFT JOIN card cd ON cd.id = te.card_id`;

/** Read side of the ledger: tickets as they stand after voids and corrections. */
export class TicketRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(f: TicketFilter, scope: ScopeFilter): Promise<TicketRow[]> {
    const w = new Where();
    if (scope.siteId) w.add('te.site_id = ?', scope.siteId);
    if (scope.carrierId) w.add('v.carrier_id = ?', scope.carrierId);
    if (scope.districtId) w.add('s.district_id = ?', scope.districtId);
    if (f.siteId) w.add('te.site_id = ?', f.siteId);
    if (f.districtId) w.add('s.district_id = ?', f.districtId);
    if (f.stream) w.add('te.stream_code = ?', f.stream);
    if (f.vehicleId) w.add('te.vehicle_id = ?', f.vehicleId);
    if (f.plate) w.add('v.plate = ?', f.plate);
    if (f.direction) w.add('te.direction = ?::direction', f.direction);
    if (f.provenance) w.add('te.provenance = ?', f.provenance);
    if (f.from) w.add('te.weighed_at >= ?::timestamptz', f.from);
    if (f.to) w.add('te.weighed_at < ?::timestamptz', f.to);
    if (!f.includeVoided) w.add('NOT te.voided');
    if (f.after) w.add('(te.weighed_at, te.id) < (?::timestamptz, ?::uuid)', f.after.weighedAt, f.after.id);
    const sql = `${SELECT} ${w.sql} ORDER BY te.weighed_at DESC, te.id DESC LIMIT ${w.param(f.limit)}`;
    const { rows } = await this.pool.query<TicketRow>(sql, w.params);
    return rows;
  }

  async byIds(ids: string[]): Promise<TicketRow[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<TicketRow>(`${SELECT} WHERE te.id = ANY($1::uuid[])`, [ids]);
    return rows;
  }

  async events(ticketIds: string[]): Promise<TicketEventRow[]> {
    if (ticketIds.length === 0) return [];
    const { rows } = await this.pool.query<TicketEventRow>(
      `SELECT e.ticket_id AS "ticketId", e.kind, e.reason, e.at, COALESCE(u.username, d.code, '?') AS actor, e.changes
         FROM ticket_event e
         LEFT JOIN app_user u ON u.id = e.actor_user_id
         LEFT JOIN station_device d ON d.id = e.actor_device_id
        WHERE e.ticket_id = ANY($1::uuid[])
        ORDER BY e.at, e.id`,
      [ticketIds],
    );
    return rows;
  }

  async insertEvent(e: { ticketId: string; kind: 'VOID' | 'CORRECTION'; reason: string; actorUserId: string; changes: Record<string, unknown> | null }): Promise<void> {
    await this.pool.query('INSERT INTO ticket_event (ticket_id, kind, reason, actor_user_id, changes) VALUES ($1, $2, $3, $4, $5)', [
      e.ticketId,
      e.kind,
      e.reason,
      e.actorUserId,
      e.changes ? JSON.stringify(e.changes) : null,
    ]);
  }

  /** Do the ids a correction refers to exist? Returns the names of those that do not. */
  async missingReferences(c: { vehicleId?: string | undefined; routeId?: string | null | undefined; permitId?: string | null | undefined; originSiteId?: string | null | undefined }): Promise<string[]> {
    const { rows } = await this.pool.query<{ vehicle: boolean; route: boolean; permit: boolean; origin: boolean }>(
      `SELECT ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM vehicle WHERE id = $1)) AS vehicle,
              ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM collection_route WHERE id = $2)) AS route,
              ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM permit WHERE id = $3)) AS permit,
              ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM site WHERE id = $4)) AS origin`,
      [c.vehicleId ?? null, c.routeId ?? null, c.permitId ?? null, c.originSiteId ?? null],
    );
    const r = rows[0]!;
    return [!r.vehicle && 'vehicleId', !r.route && 'routeId', !r.permit && 'permitId', !r.origin && 'originSiteId'].filter((x): x is string => Boolean(x));
  }
}
