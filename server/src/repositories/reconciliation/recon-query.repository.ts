// Read side of reconciliation: figures that are sums, from the pre-aggregated daily tables
// (tonnes weighed, district figures, targets, permit usage). Paged lists: recon-list.repository.ts;
// one load's trace: recon-trace.repository.ts. Scope arrives as a filter and becomes SQL.
import type pg from 'pg';
import { Where } from '../sql-where.js';
import type { DistrictFigureRow, Period, PermitTerms, ProvenanceTotals, TotalsRow } from '@haulproof/contracts';
import type { AtSite, Everything, InDistrict, OfCarrier } from '../../services/principal.js';
import type { TargetRow } from '../../services/target-progress.js';
import { inPermitScope } from './recon-sql.js';

export type QueryScope = Everything | InDistrict | AtSite | OfCarrier;

const PERIOD: Record<Period, string> = { day: `'YYYY-MM-DD'`, month: `'YYYY-MM'`, year: `'YYYY'` };
const DIMS = { site: 'site_id', district: 'district_id', stream: 'stream_code', direction: 'direction' } as const;
export type TotalsDim = keyof typeof DIMS;


const prov = (col: string, cond = 'true') =>
  `sum(${col}) FILTER (WHERE ${cond})::float8 AS total, coalesce(sum(${col}) FILTER (WHERE ${cond} AND provenance = 'WEIGHED'), 0)::float8 AS weighed,
   coalesce(sum(${col}) FILTER (WHERE ${cond} AND provenance = 'STORED_TARE'), 0)::float8 AS stored, coalesce(sum(${col}) FILTER (WHERE ${cond} AND provenance = 'KEYED'), 0)::float8 AS keyed,
   coalesce(sum(${col}) FILTER (WHERE ${cond} AND provenance = 'ESTIMATED'), 0)::float8 AS estimated`;
const totals = (r: { total: number | null; weighed: number; stored: number; keyed: number; estimated: number }, prefix = ''): ProvenanceTotals => {
  const x = r as unknown as Record<string, number | null>;
  return { total: x[`${prefix}total`] ?? 0, WEIGHED: x[`${prefix}weighed`] ?? 0, STORED_TARE: x[`${prefix}stored`] ?? 0, KEYED: x[`${prefix}keyed`] ?? 0, ESTIMATED: x[`${prefix}estimated`] ?? 0 };
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
              coalesce(sum(net_kg) FILTER (WHERE provenance = 'STORED_TARE'), 0)::float8 AS stored, coalesce(sum(net_kg) FILTER (WHERE provenance = 'KEYED'), 0)::float8 AS keyed,
              coalesce(sum(net_kg) FILTER (WHERE provenance = 'ESTIMATED'), 0)::float8 AS estimated
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

  async districtFigures(q: { from: string; to: string; period: Period; districtId?: string | undefined; siteId?: string | undefined; stream?: string | undefined }, scope: QueryScope): Promise<DistrictFigureRow[]> {
    const w = new Where().add('service_day BETWEEN ?::date AND ?::date', q.from, q.to);
    if (scope.kind === 'district') w.add('district_id = ?', scope.districtId);
    if (q.districtId) w.add('district_id = ?', q.districtId);
    if (q.siteId) w.add('site_id = ?', q.siteId);
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

  /**
   * Permits in scope with the trips and kg counted against them over from … to: one row per permit
   * (none used: zeros), or with `period` one row per permit and period that had any.
   */
  async permitUsage(q: { from?: string | undefined; to: string; period?: Period | undefined; permitId?: string | undefined; siteId?: string | undefined; districtId?: string | undefined; stream?: string | undefined }, scope: QueryScope): Promise<PermitUsageRow[]> {
    const w = inPermitScope(new Where(), scope);
    if (q.permitId) w.add('p.id = ?', q.permitId);
    if (q.siteId) w.add('(p.origin_site_id = ? OR p.disposal_site_id = ?)', q.siteId, q.siteId);
    if (q.districtId) w.add('EXISTS (SELECT 1 FROM site s WHERE s.id IN (p.origin_site_id, p.disposal_site_id) AND s.district_id = ?)', q.districtId);
    if (q.stream) w.add('p.stream_code = ?', q.stream);
    const on = `u.permit_id = p.id AND u.service_day <= ${w.param(q.to)}::date${q.from ? ` AND u.service_day >= ${w.param(q.from)}::date` : ''}`;
    const { rows } = await this.pool.query(
      `SELECT ${q.period ? `to_char(u.service_day, ${PERIOD[q.period]}) AS period, ` : ''}p.id, p.permit_no AS "permitNo", p.stream_code AS stream, p.origin_site_id AS "originSiteId", p.disposal_site_id AS "disposalSiteId", p.carrier_id AS "carrierId",
              to_char(p.valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(p.valid_to, 'YYYY-MM-DD') AS "validTo", p.approved_kg AS "approvedKg", p.approved_volume_m3 AS "approvedM3",
              coalesce(sum(u.trips), 0)::int AS trips, coalesce(sum(u.net_kg), 0)::float8 AS total, coalesce(sum(u.weighed_kg), 0)::float8 AS weighed,
              coalesce(sum(u.stored_tare_kg), 0)::float8 AS stored, coalesce(sum(u.keyed_kg), 0)::float8 AS keyed, coalesce(sum(u.estimated_kg), 0)::float8 AS estimated
         FROM permit p ${q.period ? 'JOIN' : 'LEFT JOIN'} recon_permit_day u ON ${on}
         ${w.sql} GROUP BY ${q.period ? '1, ' : ''}p.id ORDER BY p.permit_no${q.period ? ', 1' : ''}`,
      w.params,
    );
    return rows.map(({ total, weighed, stored, keyed, estimated, ...r }) => ({ ...r, usedKg: total, usedKgByProvenance: totals({ total, weighed, stored, keyed, estimated }) }));
  }

  async populations(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ id: string; population: number }>('SELECT id, population FROM district');
    return new Map(rows.map((r) => [r.id, r.population]));
  }
}

export interface PermitUsageRow extends PermitTerms {
  period?: string;
  trips: number;
  usedKg: number;
  usedKgByProvenance: ProvenanceTotals;
}
