// The rows one load's trace is made of: its tickets, its run, the legs it travelled, the station
// pile it was shared from (inbound tickets with their runs), the permit, and the findings on
// the way. Each row says whether the asker's scope covers it; the service lists or counts it.
import type pg from 'pg';
import type { CustodyLegView, RouteRunView, TracePermit, TraceTicket, TraceView } from '@haulproof/contracts';

type TraceRun = TraceView['run'];
import { Where } from '../sql-where.js';
import type { QueryScope } from './recon-query.repository.js';
import { inLegScope, inPermitScope, inRunScope, LEG_PROVENANCE_COLUMNS, LEG_PROVENANCE_JOINS, legView, scopeExpr } from './recon-sql.js';

/** A ticket with what the trace decides by: its scope facts, local service day and site kind. */
export interface TraceRow extends TraceTicket {
  districtId: string;
  carrierId: string;
  permitId: string | null;
  siteKind: string;
  day: string;
}
export interface TraceLeg {
  view: CustodyLegView;
  fromSiteKind: string;
  visible: boolean;
}
export interface PileTicket extends TraceRow {
  routeId: string | null;
  routeCode: string | null;
  routeDistrictId: string | null;
  runStatus: RouteRunView['status'] | null;
  runVisible: boolean;
}
export interface PileKey {
  siteId: string;
  day: string;
  stream: string;
}

const TICKET = `te.id, d.code || '-' || te.seq AS "ticketNo", te.site_id AS "siteId", s.code AS "siteCode", te.direction, te.stream_code AS stream, te.net_kg AS "netKg",
  te.provenance, te.weighed_at AS "weighedAt", v.plate, s.district_id AS "districtId", v.carrier_id AS "carrierId", te.permit_id AS "permitId", s.kind AS "siteKind",
  to_char(te.weighed_at AT TIME ZONE s.timezone, 'YYYY-MM-DD') AS day`;
const TICKET_JOINS = 'JOIN site s ON s.id = te.site_id JOIN station_device d ON d.id = te.device_id JOIN vehicle v ON v.id = te.vehicle_id';
const LEG = `SELECT l.*, to_char(l.service_day, 'YYYY-MM-DD') AS day, v.plate, fs.kind AS from_kind, ${LEG_PROVENANCE_COLUMNS}
  FROM recon_custody_leg l JOIN vehicle v ON v.id = l.vehicle_id JOIN site fs ON fs.id = l.from_site_id LEFT JOIN site ts ON ts.id = l.to_site_id ${LEG_PROVENANCE_JOINS}`;
const iso = <T extends { weighedAt: Date | string }>(r: T) => ({ ...r, weighedAt: (r.weighedAt as Date).toISOString() });
const traceLeg = (r: Record<string, any>): TraceLeg => ({ view: legView(r), fromSiteKind: r.from_kind, visible: r.visible });

export class ReconTraceRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Named (prepared) statements: planning a query over the ticket_effective view costs more than
   * running it for one load (≈2.5 ms against ≈3 ms for a 200-ticket pile), and a trace runs the
   * same handful of statements every time. A name is per statement text: scope kinds get their own.
   */
  private run(name: string, text: string, values: unknown[]) {
    return this.pool.query({ name: `trace-${name}`, text, values });
  }

  async tickets(ids: string[]): Promise<TraceRow[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.run('tickets', `SELECT ${TICKET} FROM ticket_effective te ${TICKET_JOINS} WHERE te.id = ANY($1::uuid[])`, [ids]);
    return rows.map(iso);
  }

  /** The run a ticket counted towards, and whether the asker may see that run (as GET /route-runs would show it). */
  async runOf(ticketId: string, runScope: QueryScope | null): Promise<(NonNullable<TraceRun> & { visible: boolean }) | null> {
    const w = new Where();
    const visible = scopeExpr(w, runScope, (x, sc) => inRunScope(x, sc, 'rr', 'rr.route_id'));
    w.add('rt.ticket_id = ?', ticketId);
    const { rows } = await this.run(
      `run-of-${runScope?.kind}`,
      `SELECT rr.route_id AS "routeId", r.code AS "routeCode", to_char(rr.service_day, 'YYYY-MM-DD') AS "serviceDay", rr.status, rr.planned_trips AS "plannedTrips", rr.trips, rr.planned_kg AS "plannedKg", rr.net_kg AS "netKg", ${visible} AS visible
         FROM recon_run_ticket rt JOIN recon_route_run rr ON rr.route_id = rt.route_id AND rr.service_day = rt.service_day JOIN collection_route r ON r.id = rr.route_id
        ${w.sql}`,
      w.params,
    );
    return rows[0] ?? null;
  }

  /** The legs a ticket is the departure or the arrival of. */
  async legsOf(ticketId: string, scope: QueryScope | null): Promise<TraceLeg[]> {
    const w = new Where();
    const visible = scopeExpr(w, scope, inLegScope);
    const { rows } = await this.run(`legs-of-${scope?.kind}`, `${LEG.replace('SELECT l.*', `SELECT l.*, ${visible} AS visible`)} WHERE l.out_ticket_id = ${w.param(ticketId)} OR l.in_ticket_id = ${w.param(ticketId)}`, w.params);
    return rows.map(traceLeg);
  }

  /** The legs leaving a station's pile on its service day. */
  async legsFromPile(k: PileKey, scope: QueryScope | null): Promise<TraceLeg[]> {
    const w = new Where();
    const visible = scopeExpr(w, scope, inLegScope);
    w.add('l.service_day = ?::date AND l.from_site_id = ? AND l.stream_code = ?', k.day, k.siteId, k.stream);
    const { rows } = await this.run(`legs-from-pile-${scope?.kind}`, `${LEG.replace('SELECT l.*', `SELECT l.*, ${visible} AS visible`)} ${w.sql} ORDER BY l.departed_at, l.out_ticket_id`, w.params);
    return rows.map(traceLeg);
  }

  /** Every ticket that tipped into the pile on its service day (the site's calendar), with the run it counted towards. */
  async pileInbound(k: PileKey, runScope: QueryScope | null): Promise<PileTicket[]> {
    const w = new Where();
    const runVisible = scopeExpr(w, runScope, (x, sc) => inRunScope(x, sc, 'rr', 'rr.route_id'));
    w.add('p.id = ? AND te.direction = ? AND te.stream_code = ? AND NOT te.voided', k.siteId, 'IN', k.stream);
    const day = w.param(k.day);
    const { rows } = await this.run(
      `pile-inbound-${runScope?.kind}`,
      `SELECT ${TICKET}, rt.route_id AS "routeId", r.code AS "routeCode", r.district_id AS "routeDistrictId", rr.status AS "runStatus", (rr.route_id IS NOT NULL AND ${runVisible}) AS "runVisible"
         FROM site p
         JOIN ticket_effective te ON te.site_id = p.id AND te.weighed_at >= (${day}::date::timestamp AT TIME ZONE p.timezone) AND te.weighed_at < ((${day}::date + 1)::timestamp AT TIME ZONE p.timezone)
         ${TICKET_JOINS}
         LEFT JOIN recon_run_ticket rt ON rt.ticket_id = te.id LEFT JOIN collection_route r ON r.id = rt.route_id
         LEFT JOIN recon_route_run rr ON rr.route_id = rt.route_id AND rr.service_day = rt.service_day
        ${w.sql} ORDER BY te.weighed_at, te.id`,
      w.params,
    );
    return rows.map(iso);
  }

  async pileMix(k: PileKey): Promise<Record<string, number>> {
    const { rows } = await this.run('pile-mix', 'SELECT mix FROM recon_station_balance WHERE site_id = $1 AND service_day = $2::date AND stream_code = $3', [k.siteId, k.day, k.stream]);
    return rows[0]?.mix ?? {};
  }

  /** A permit with its usage up to and including a day, and whether the scope covers it. */
  async permit(id: string, day: string, scope: QueryScope | null): Promise<(TracePermit & { visible: boolean }) | null> {
    const w = new Where();
    const visible = scopeExpr(w, scope, inPermitScope);
    const d = w.param(day);
    const { rows } = await this.run(
      `permit-${scope?.kind}`,
      `SELECT p.id, p.permit_no AS "permitNo", p.stream_code AS stream, p.origin_site_id AS "originSiteId", p.disposal_site_id AS "disposalSiteId", p.carrier_id AS "carrierId",
              to_char(p.valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(p.valid_to, 'YYYY-MM-DD') AS "validTo", ${d}::date BETWEEN p.valid_from AND p.valid_to AS "validOnDay",
              coalesce(u.trips, 0)::int AS "tripsToDate", coalesce(u.kg, 0)::float8 AS "usedKgToDate", p.approved_kg AS "approvedKg", p.approved_volume_m3 AS "approvedM3", ${visible} AS visible
         FROM permit p LEFT JOIN LATERAL (SELECT sum(trips) AS trips, sum(net_kg) AS kg FROM recon_permit_day WHERE permit_id = p.id AND service_day <= ${d}::date) u ON true
        WHERE p.id = ${w.param(id)}`,
      w.params,
    );
    return rows[0] ?? null;
  }

  /** Findings on the way: of these tickets (as evidence), of these runs (ROUTE_* on the run's day), and of the pile's balance. */
  async anomalyIds(on: { ticketIds: string[]; runs: { routeId: string; day: string }[]; pile: PileKey | null }): Promise<string[]> {
    const { rows } = await this.run(
      'anomaly-ids',
      `SELECT anomaly_id AS id FROM anomaly_ticket WHERE ticket_id = ANY($1::uuid[])
       UNION SELECT a.id FROM anomaly a JOIN unnest($2::uuid[], $3::date[]) AS x(route_id, day) ON a.route_id = x.route_id AND a.service_day = x.day WHERE a.kind LIKE 'ROUTE\\_%'
       UNION SELECT a.id FROM anomaly a WHERE a.kind = 'STATION_IMBALANCE' AND a.site_id = $4 AND a.service_day = $5::date AND a.stream_code = $6`,
      [on.ticketIds, on.runs.map((r) => r.routeId), on.runs.map((r) => r.day), on.pile?.siteId ?? null, on.pile?.day ?? null, on.pile?.stream ?? null],
    );
    return rows.map((r) => r.id);
  }
}
