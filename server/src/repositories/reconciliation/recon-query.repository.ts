// Read side of reconciliation: rollups from the pre-aggregated daily tables, and
// the rows a load's trace is made of. Scope arrives as a filter and becomes SQL.
import type pg from 'pg';
import { Where } from '../sql-where.js';
import type { CustodyLegView, DistrictFigureRow, Period, ProvenanceTotals, RouteRunView, StationBalanceView, TotalsRow, TraceTicket } from '@haulproof/contracts';
import type { AtSite, Everything, InDistrict, OfCarrier } from '../../services/principal.js';
import type { TargetRow } from '../../services/target-progress.js';

export type QueryScope = Everything | InDistrict | AtSite | OfCarrier;

const PERIOD: Record<Period, string> = { day: `'YYYY-MM-DD'`, month: `'YYYY-MM'`, year: `'YYYY'` };
const DIMS = { site: 'site_id', district: 'district_id', stream: 'stream_code', direction: 'direction' } as const;
export type TotalsDim = keyof typeof DIMS;


const prov = (col: string, cond = 'true') =>
  `sum(${col}) FILTER (WHERE ${cond})::float8 AS total, coalesce(sum(${col}) FILTER (WHERE ${cond} AND provenance = 'WEIGHED'), 0)::float8 AS weighed,
   coalesce(sum(${col}) FILTER (WHERE ${cond} AND provenance = 'STORED_TARE'), 0)::float8 AS stored, coalesce(sum(${col}) FILTER (WHERE ${cond} AND provenance = 'KEYED'), 0)::float8 AS keyed`;
const totals = (r: { total: number | null; weighed: number; stored: number; keyed: number }, prefix = ''): ProvenanceTotals => {
  const x = r as unknown as Record<string, number | null>;
  return { total: x[`${prefix}total`] ?? 0, WEIGHED: x[`${prefix}weighed`] ?? 0, STORED_TARE: x[`${prefix}stored`] ?? 0, KEYED: x[`${prefix}keyed`] ?? 0 };
};

export class ReconQueryRepository {
  constructor(private readonly pool: pg.Pool) {}

  async siteDistrict(siteId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ districtId: string }>('SELECT district_id AS "districtId" FROM site WHERE id = $1', [siteId]);
    return rows[0]?.districtId ?? null;
  }

  async totals(q: { from: string; to: string; period: Period; groupBy: TotalsDim[]; siteId?: string | undefined; districtId?: string | undefined; stream?: string | undefined; direction?: 'IN' | 'OUT' | undefined }, scope: QueryScope): Promise<TotalsRow[]> {
    const w = new Where().add('service_day BETWEEN ?::date AND ?::date', q.from, q.to);
    if (scope.kind === 'site') w.add('site_id = ?', scope.siteId);
    if (scope.kind === 'district') w.add('district_id = ?', scope.districtId);
    if (q.siteId) w.add('site_id = ?', q.siteId);
    if (q.districtId) w.add('district_id = ?', q.districtId);
    if (q.stream) w.add('stream_code = ?', q.stream);
    if (q.direction) w.add('direction = ?::direction', q.direction);
    const dims = q.groupBy.map((d) => DIMS[d]);
    const cols = ['period', ...dims];
    const { rows } = await this.pool.query(
      `SELECT to_char(service_day, ${PERIOD[q.period]}) AS period${dims.map((d) => `, ${d}::text AS ${d}`).join('')}, sum(tickets)::int AS tickets,
              sum(net_kg)::float8 AS total, coalesce(sum(net_kg) FILTER (WHERE provenance = 'WEIGHED'), 0)::float8 AS weighed,
              coalesce(sum(net_kg) FILTER (WHERE provenance = 'STORED_TARE'), 0)::float8 AS stored, coalesce(sum(net_kg) FILTER (WHERE provenance = 'KEYED'), 0)::float8 AS keyed
         FROM recon_site_day ${w.sql} GROUP BY ${cols.join(', ')} ORDER BY ${cols.join(', ')}`,
      w.params,
    );
    return rows.map((r) => ({
      period: r.period,
      ...(r.site_id !== undefined ? { siteId: r.site_id } : {}),
      ...(r.district_id !== undefined ? { districtId: r.district_id } : {}),
      ...(r.stream_code !== undefined ? { stream: r.stream_code } : {}),
      ...(r.direction !== undefined ? { direction: r.direction } : {}),
      tickets: r.tickets,
      kg: totals(r),
    }));
  }

  async districtFigures(q: { from: string; to: string; period: Period; districtId?: string | undefined; stream?: string | undefined }, scope: QueryScope): Promise<DistrictFigureRow[]> {
    const w = new Where().add('service_day BETWEEN ?::date AND ?::date', q.from, q.to);
    if (scope.kind === 'district') w.add('district_id = ?', scope.districtId);
    if (q.districtId) w.add('district_id = ?', q.districtId);
    if (q.stream) w.add('stream_code = ?', q.stream);
    const { rows } = await this.pool.query(
      `SELECT to_char(service_day, ${PERIOD[q.period]}) AS period, district_id AS "districtId", stream_code AS stream,
              ${prov('kg', `measure = 'COLLECTED'`).replaceAll(' AS ', ' AS c_')},
              ${prov('kg', `measure = 'DISPOSED'`).replaceAll(' AS ', ' AS d_')},
              coalesce(sum(kg) FILTER (WHERE measure = 'DISPOSED' AND basis = 'STATION_MIX'), 0)::float8 AS apportioned
         FROM recon_district_day ${w.sql} GROUP BY 1, 2, 3 ORDER BY 1, 2 NULLS LAST, 3`,
      w.params,
    );
    return rows.map((r) => ({ period: r.period, districtId: r.districtId, stream: r.stream, collected: totals(r, 'c_'), disposed: totals(r, 'd_'), apportionedKg: r.apportioned }));
  }

  /** Targets whose period contains the day. */
  async targetsOn(day: string, scope: QueryScope, districtId?: string): Promise<TargetRow[]> {
    const w = new Where().add(
      `t.period_start <= ?::date AND ?::date < t.period_start + CASE t.period_kind WHEN 'DAY' THEN interval '1 day' WHEN 'MONTH' THEN interval '1 month' WHEN 'QUARTER' THEN interval '3 months' ELSE interval '1 year' END`,
      day,
      day,
    );
    if (scope.kind === 'district') w.add('t.district_id = ?', scope.districtId);
    if (districtId) w.add('t.district_id = ?', districtId);
    const { rows } = await this.pool.query<TargetRow & { value: string }>(
      `SELECT t.id, t.district_id AS "districtId", t.metric, t.period_kind AS "periodKind", to_char(t.period_start, 'YYYY-MM-DD') AS "periodStart", t.value, t.unit
         FROM target t ${w.sql} ORDER BY t.metric, t.period_start, t.district_id`,
      w.params,
    );
    return rows.map((r) => ({ ...r, value: Number(r.value) }));
  }

  /** Permits in scope with the trips and kg counted against them up to a day. */
  async permitUsage(asOf: string, scope: QueryScope, permitId?: string): Promise<{ id: string; permitNo: string; stream: string; originSiteId: string; disposalSiteId: string; carrierId: string; validFrom: string; validTo: string; approvedKg: number | null; approvedM3: number; trips: number; usedKg: number }[]> {
    const w = new Where();
    if (scope.kind === 'site') w.add('(p.origin_site_id = ? OR p.disposal_site_id = ?)', scope.siteId, scope.siteId);
    if (scope.kind === 'district') w.add('EXISTS (SELECT 1 FROM site s WHERE s.id IN (p.origin_site_id, p.disposal_site_id) AND s.district_id = ?)', scope.districtId);
    if (scope.kind === 'carrier') w.add('p.carrier_id = ?', scope.carrierId);
    if (permitId) w.add('p.id = ?', permitId);
    const asOfParam = w.param(asOf);
    const { rows } = await this.pool.query(
      `SELECT p.id, p.permit_no AS "permitNo", p.stream_code AS stream, p.origin_site_id AS "originSiteId", p.disposal_site_id AS "disposalSiteId", p.carrier_id AS "carrierId",
              to_char(p.valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(p.valid_to, 'YYYY-MM-DD') AS "validTo", p.approved_kg AS "approvedKg", p.approved_volume_m3 AS "approvedM3",
              coalesce(sum(u.trips), 0)::int AS trips, coalesce(sum(u.net_kg), 0)::float8 AS "usedKg"
         FROM permit p LEFT JOIN recon_permit_day u ON u.permit_id = p.id AND u.service_day <= ${asOfParam}::date
         ${w.sql} GROUP BY p.id ORDER BY p.permit_no`,
      w.params,
    );
    return rows;
  }

  async populations(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ id: string; population: number }>('SELECT id, population FROM district');
    return new Map(rows.map((r) => [r.id, r.population]));
  }

  async routeRuns(q: { from: string; to: string; routeId?: string | undefined; districtId?: string | undefined; status?: string | undefined; limit: number }, scope: QueryScope): Promise<RouteRunView[]> {
    const w = new Where().add('rr.service_day BETWEEN ?::date AND ?::date', q.from, q.to);
    if (scope.kind === 'district') w.add('rr.district_id = ?', scope.districtId);
    if (scope.kind === 'site') w.add('rr.destination_site_id = ?', scope.siteId);
    if (scope.kind === 'carrier') w.add('EXISTS (SELECT 1 FROM route_vehicle rv JOIN vehicle v ON v.id = rv.vehicle_id WHERE rv.route_id = rr.route_id AND v.carrier_id = ?)', scope.carrierId);
    if (q.routeId) w.add('rr.route_id = ?', q.routeId);
    if (q.districtId) w.add('rr.district_id = ?', q.districtId);
    if (q.status) w.add('rr.status = ?', q.status);
    const { rows } = await this.pool.query(
      `SELECT rr.*, r.code AS route_code, to_char(rr.service_day, 'YYYY-MM-DD') AS day FROM recon_route_run rr JOIN collection_route r ON r.id = rr.route_id ${w.sql}
        ORDER BY rr.service_day DESC, r.code LIMIT ${w.param(q.limit)}`,
      w.params,
    );
    return rows.map((r) => ({
      routeId: r.route_id, routeCode: r.route_code, serviceDay: r.day, districtId: r.district_id, stream: r.stream_code, destinationSiteId: r.destination_site_id, scheduled: r.scheduled,
      plannedTrips: r.planned_trips, plannedKg: r.planned_kg, trips: r.trips, kg: { total: r.net_kg, WEIGHED: r.weighed_kg, STORED_TARE: r.stored_tare_kg, KEYED: r.keyed_kg }, unplannedSiteTrips: r.unplanned_site_trips, status: r.status,
    }));
  }

  async legs(q: { from: string; to: string; siteId?: string | undefined; vehicleId?: string | undefined; status?: string | undefined; outTicketIds?: string[]; inTicketId?: string; limit: number }, scope: QueryScope): Promise<CustodyLegView[]> {
    const w = new Where().add('l.service_day BETWEEN ?::date AND ?::date', q.from, q.to);
    if (scope.kind === 'site') w.add('(l.from_site_id = ? OR l.to_site_id = ?)', scope.siteId, scope.siteId);
    if (scope.kind === 'district') w.add('(fs.district_id = ? OR ts.district_id = ?)', scope.districtId, scope.districtId);
    if (scope.kind === 'carrier') w.add('v.carrier_id = ?', scope.carrierId);
    if (q.siteId) w.add('(l.from_site_id = ? OR l.to_site_id = ?)', q.siteId, q.siteId);
    if (q.vehicleId) w.add('l.vehicle_id = ?', q.vehicleId);
    if (q.status) w.add('l.status = ?::custody_leg_status', q.status);
    if (q.outTicketIds) w.add('l.out_ticket_id = ANY(?::uuid[])', q.outTicketIds);
    if (q.inTicketId) w.add('l.in_ticket_id = ?', q.inTicketId);
    const { rows } = await this.pool.query(
      `SELECT l.*, to_char(l.service_day, 'YYYY-MM-DD') AS day, v.plate FROM recon_custody_leg l JOIN vehicle v ON v.id = l.vehicle_id
         JOIN site fs ON fs.id = l.from_site_id LEFT JOIN site ts ON ts.id = l.to_site_id ${w.sql}
        ORDER BY l.departed_at DESC, l.out_ticket_id LIMIT ${w.param(q.limit)}`,
      w.params,
    );
    return rows.map(legView);
  }

  async balances(q: { from: string; to: string; siteId?: string | undefined; stream?: string | undefined; limit: number }, scope: QueryScope): Promise<StationBalanceView[]> {
    const w = new Where().add('b.service_day BETWEEN ?::date AND ?::date', q.from, q.to);
    if (scope.kind === 'site') w.add('b.site_id = ?', scope.siteId);
    if (scope.kind === 'district') w.add('s.district_id = ?', scope.districtId);
    if (q.siteId) w.add('b.site_id = ?', q.siteId);
    if (q.stream) w.add('b.stream_code = ?', q.stream);
    const { rows } = await this.pool.query(
      `SELECT b.*, to_char(b.service_day, 'YYYY-MM-DD') AS day FROM recon_station_balance b JOIN site s ON s.id = b.site_id ${w.sql}
        ORDER BY b.service_day DESC, s.code, b.stream_code LIMIT ${w.param(q.limit)}`,
      w.params,
    );
    return rows.map((b) => ({
      siteId: b.site_id, serviceDay: b.day, stream: b.stream_code, openingKg: { min: b.opening_min_kg, max: b.opening_max_kg }, inKg: b.in_kg, outKg: b.out_kg, lossAllowanceKg: b.loss_allowance_kg,
      closingKg: { min: b.closing_min_kg, max: b.closing_max_kg }, carriedKg: { min: b.carried_min_kg, max: b.carried_max_kg }, toleranceKg: b.tolerance_kg, imbalanceKg: b.imbalance_kg, provenance: b.provenance, mix: b.mix,
    }));
  }

  // ── trace pieces ──
  async traceTickets(ids: string[]): Promise<TraceTicket[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<TraceTicket & { weighedAt: Date }>(
      `SELECT te.id, d.code || '-' || te.seq AS "ticketNo", te.site_id AS "siteId", s.code AS "siteCode", te.direction, te.stream_code AS stream, te.net_kg AS "netKg",
              te.provenance, te.weighed_at AS "weighedAt", v.plate
         FROM ticket_effective te JOIN site s ON s.id = te.site_id JOIN station_device d ON d.id = te.device_id JOIN vehicle v ON v.id = te.vehicle_id
        WHERE te.id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map((r) => ({ ...r, weighedAt: r.weighedAt.toISOString() }));
  }

  async runOf(ticketId: string): Promise<{ routeId: string; routeCode: string; serviceDay: string; status: RouteRunView['status']; plannedTrips: number; trips: number; plannedKg: number; netKg: number } | null> {
    const { rows } = await this.pool.query(
      `SELECT rr.route_id AS "routeId", r.code AS "routeCode", to_char(rr.service_day, 'YYYY-MM-DD') AS "serviceDay", rr.status, rr.planned_trips AS "plannedTrips", rr.trips, rr.planned_kg AS "plannedKg", rr.net_kg AS "netKg"
         FROM recon_run_ticket rt JOIN recon_route_run rr ON rr.route_id = rt.route_id AND rr.service_day = rt.service_day JOIN collection_route r ON r.id = rr.route_id
        WHERE rt.ticket_id = $1`,
      [ticketId],
    );
    return rows[0] ?? null;
  }

  /** The legs leaving a station's pile on a day, by stream. */
  async legsFromPile(siteId: string, day: string, stream: string): Promise<CustodyLegView[]> {
    const { rows } = await this.pool.query(
      `SELECT l.*, to_char(l.service_day, 'YYYY-MM-DD') AS day, v.plate FROM recon_custody_leg l JOIN vehicle v ON v.id = l.vehicle_id
        WHERE l.service_day = $2::date AND l.from_site_id = $1 AND l.stream_code = $3 ORDER BY l.departed_at, l.out_ticket_id`,
      [siteId, day, stream],
    );
    return rows.map(legView);
  }

  /** The route runs that tipped into a station's pile on a day. */
  async runsIntoPile(siteId: string, day: string, stream: string): Promise<{ routeId: string; routeCode: string; districtId: string; trips: number; netKg: number }[]> {
    const { rows } = await this.pool.query(
      `SELECT r.id AS "routeId", r.code AS "routeCode", r.district_id AS "districtId", count(*)::int AS trips, sum(t.net_kg)::int AS "netKg"
         FROM site s
         JOIN ticket_effective t ON t.site_id = s.id AND t.weighed_at >= ($2::date::timestamp AT TIME ZONE s.timezone) AND t.weighed_at < (($2::date + 1)::timestamp AT TIME ZONE s.timezone)
         JOIN recon_run_ticket rt ON rt.ticket_id = t.id
         JOIN collection_route r ON r.id = rt.route_id
        WHERE s.id = $1 AND t.direction = 'IN' AND t.stream_code = $3 AND NOT t.voided
        GROUP BY r.id, r.code, r.district_id ORDER BY r.code`,
      [siteId, day, stream],
    );
    return rows;
  }

  async pileMix(siteId: string, day: string, stream: string): Promise<Record<string, number>> {
    const { rows } = await this.pool.query<{ mix: Record<string, number> }>('SELECT mix FROM recon_station_balance WHERE site_id = $1 AND service_day = $2::date AND stream_code = $3', [siteId, day, stream]);
    return rows[0]?.mix ?? {};
  }

  async anomalyIdsForTickets(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<{ id: string }>('SELECT DISTINCT anomaly_id AS id FROM anomaly_ticket WHERE ticket_id = ANY($1::uuid[])', [ids]);
    return rows.map((r) => r.id);
  }

  async ticketDay(ticketId: string): Promise<{ day: string; siteKind: string } | null> {
    const { rows } = await this.pool.query<{ day: string; siteKind: string }>(
      `SELECT to_char(t.weighed_at AT TIME ZONE s.timezone, 'YYYY-MM-DD') AS day, s.kind AS "siteKind" FROM ticket t JOIN site s ON s.id = t.site_id WHERE t.id = $1`,
      [ticketId],
    );
    return rows[0] ?? null;
  }
}

function legView(l: Record<string, any>): CustodyLegView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    outTicketId: l.out_ticket_id, serviceDay: l.day, vehicleId: l.vehicle_id, plate: l.plate, fromSiteId: l.from_site_id, stream: l.stream_code, outKg: l.out_kg,
    departedAt: l.departed_at.toISOString(), deadlineAt: l.deadline_at.toISOString(), status: l.status, inTicketId: l.in_ticket_id, toSiteId: l.to_site_id, inKg: l.in_kg,
    arrivedAt: iso(l.arrived_at), explanation: l.explanation,
  };
}
