// Reconciliation lists a page at a time: route runs, custody legs and station balances (per day,
// or summed per month or year). Keyset paging: each page asks for the rows after the last one's
// sort key, so a page is as fast at the end of a year as at its start and nothing is skipped.
import type pg from 'pg';
import type { CustodyLegView, Period, RouteRunView, StationBalancePeriodView, StationBalanceView } from '@haulproof/contracts';
import { Where } from '../sql-where.js';
import type { QueryScope } from './recon-query.repository.js';
import { balanceProvenance, balanceView, inLegScope, inRunScope, LEG_PROVENANCE_COLUMNS, LEG_PROVENANCE_JOINS, legView, runView } from './recon-sql.js';

type Opt<T> = T | undefined;
export interface Slice<T, K> {
  items: T[];
  /** The last item's sort key when more rows follow, else null. */
  next: K | null;
}
export type RunKey = { d: string; c: string; id: string };
export type LegKey = { at: string; id: string };
export type BalanceKey = { p: string; c: string; s: string };

const PERIOD: Record<Period, string> = { day: `'YYYY-MM-DD'`, month: `'YYYY-MM'`, year: `'YYYY'` };

/** Asks for limit + 1 rows: the extra one says whether another page follows. */
function slice<R, T, K>(rows: R[], limit: number, view: (r: R) => T, key: (r: R) => K): Slice<T, K> {
  const page = rows.slice(0, limit);
  return { items: page.map(view), next: rows.length > limit ? key(page[page.length - 1]!) : null };
}

export class ReconListRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Newest day first, then route code. */
  async routeRuns(q: { from: string; to: string; routeId?: Opt<string>; districtId?: Opt<string>; siteId?: Opt<string>; stream?: Opt<string>; status?: Opt<string>; after?: Opt<RunKey>; limit: number }, scope: QueryScope): Promise<Slice<RouteRunView, RunKey>> {
    const w = inRunScope(new Where().add('rr.service_day BETWEEN ?::date AND ?::date', q.from, q.to), scope, 'rr', 'rr.route_id');
    if (q.routeId) w.add('rr.route_id = ?', q.routeId);
    if (q.districtId) w.add('rr.district_id = ?', q.districtId);
    if (q.siteId) w.add('rr.destination_site_id = ?', q.siteId);
    if (q.stream) w.add('rr.stream_code = ?', q.stream);
    if (q.status) w.add('rr.status = ?', q.status);
    if (q.after) w.add('(rr.service_day < ?::date OR (rr.service_day = ?::date AND (r.code, rr.route_id) > (?, ?::uuid)))', q.after.d, q.after.d, q.after.c, q.after.id);
    const { rows } = await this.pool.query(
      `SELECT rr.*, r.code AS route_code, to_char(rr.service_day, 'YYYY-MM-DD') AS day FROM recon_route_run rr JOIN collection_route r ON r.id = rr.route_id ${w.sql}
        ORDER BY rr.service_day DESC, r.code, rr.route_id LIMIT ${w.param(q.limit + 1)}`,
      w.params,
    );
    return slice(rows, q.limit, runView, (r) => ({ d: r.day, c: r.route_code, id: r.route_id }));
  }

  /** Whether a route's runs lie in the scope (as routeRuns narrows them); null when there is no such route. */
  async routeInScope(routeId: string, scope: QueryScope): Promise<boolean | null> {
    const w = inRunScope(new Where(), scope, 'r', 'r.id');
    const { rows } = await this.pool.query<{ inScope: boolean }>(`SELECT (${w.parts.join(' AND ') || 'true'}) AS "inScope" FROM collection_route r WHERE r.id = ${w.param(routeId)}`, w.params);
    return rows[0]?.inScope ?? null;
  }

  /** Latest departure first. A district matches a leg at either end. */
  async legs(q: { from: string; to: string; siteId?: Opt<string>; districtId?: Opt<string>; stream?: Opt<string>; vehicleId?: Opt<string>; status?: Opt<string>; after?: Opt<LegKey>; limit: number }, scope: QueryScope): Promise<Slice<CustodyLegView, LegKey>> {
    const w = inLegScope(new Where().add('l.service_day BETWEEN ?::date AND ?::date', q.from, q.to), scope);
    if (q.siteId) w.add('(l.from_site_id = ? OR l.to_site_id = ?)', q.siteId, q.siteId);
    if (q.districtId) w.add('(fs.district_id = ? OR ts.district_id = ?)', q.districtId, q.districtId);
    if (q.stream) w.add('l.stream_code = ?', q.stream);
    if (q.vehicleId) w.add('l.vehicle_id = ?', q.vehicleId);
    if (q.status) w.add('l.status = ?::custody_leg_status', q.status);
    if (q.after) w.add('(l.departed_at, l.out_ticket_id) < (?::timestamptz, ?::uuid)', q.after.at, q.after.id);
    const { rows } = await this.pool.query(
      // The page is cut first; only its legs are then joined to their tickets' provenance.
      `SELECT l.*, ${LEG_PROVENANCE_COLUMNS} FROM (
         SELECT l.*, to_char(l.service_day, 'YYYY-MM-DD') AS day, v.plate FROM recon_custody_leg l JOIN vehicle v ON v.id = l.vehicle_id
           JOIN site fs ON fs.id = l.from_site_id LEFT JOIN site ts ON ts.id = l.to_site_id ${w.sql}
          ORDER BY l.departed_at DESC, l.out_ticket_id DESC LIMIT ${w.param(q.limit + 1)}
       ) l ${LEG_PROVENANCE_JOINS}
        ORDER BY l.departed_at DESC, l.out_ticket_id DESC`,
      w.params,
    );
    return slice(rows, q.limit, legView, (r) => ({ at: (r.departed_at as Date).toISOString(), id: r.out_ticket_id }));
  }

  /** Newest day first, then site code and stream. */
  async balances(q: BalanceFilter & { after?: Opt<BalanceKey>; limit: number }, scope: QueryScope): Promise<Slice<StationBalanceView, BalanceKey>> {
    const w = balanceWhere(q, scope);
    if (q.after) w.add('(b.service_day < ?::date OR (b.service_day = ?::date AND (s.code, b.stream_code) > (?, ?)))', q.after.p, q.after.p, q.after.c, q.after.s);
    const { rows } = await this.pool.query(
      `SELECT b.*, s.code AS site_code, to_char(b.service_day, 'YYYY-MM-DD') AS day FROM recon_station_balance b JOIN site s ON s.id = b.site_id ${w.sql}
        ORDER BY b.service_day DESC, s.code, b.stream_code LIMIT ${w.param(q.limit + 1)}`,
      w.params,
    );
    return slice(rows, q.limit, balanceView, (r) => ({ p: r.day, c: r.site_code, s: r.stream_code }));
  }

  /** A station's month or year: flows summed, the first day's opening and the last day's closing. Newest period first. */
  async balancePeriods(q: BalanceFilter & { period: Exclude<Period, 'day'>; after?: Opt<BalanceKey>; limit: number }, scope: QueryScope): Promise<Slice<StationBalancePeriodView, BalanceKey>> {
    const w = balanceWhere(q, scope);
    const sum = (dir: 'in' | 'out', k: string) => `coalesce(sum((b.provenance->'${dir}'->>'${k}')::bigint), 0)::float8`;
    const prov = (dir: 'in' | 'out') => `jsonb_build_object('WEIGHED', ${sum(dir, 'WEIGHED')}, 'STORED_TARE', ${sum(dir, 'STORED_TARE')}, 'KEYED', ${sum(dir, 'KEYED')}, 'ESTIMATED', ${sum(dir, 'ESTIMATED')})`;
    const grouped = `SELECT to_char(b.service_day, ${PERIOD[q.period]}) AS period, b.site_id, s.code, b.stream_code AS stream, count(*)::int AS days,
              (array_agg(b.opening_min_kg ORDER BY b.service_day))[1] AS opening_min, (array_agg(b.opening_max_kg ORDER BY b.service_day))[1] AS opening_max,
              (array_agg(b.closing_min_kg ORDER BY b.service_day DESC))[1] AS closing_min, (array_agg(b.closing_max_kg ORDER BY b.service_day DESC))[1] AS closing_max,
              sum(b.in_kg)::float8 AS in_kg, sum(b.out_kg)::float8 AS out_kg, sum(b.loss_allowance_kg)::float8 AS loss_kg,
              count(*) FILTER (WHERE b.imbalance_kg <> 0)::int AS imbalanced_days, coalesce((array_agg(b.imbalance_kg ORDER BY abs(b.imbalance_kg) DESC, b.service_day))[1], 0) AS worst,
              ${prov('in')} AS prov_in, ${prov('out')} AS prov_out
         FROM recon_station_balance b JOIN site s ON s.id = b.site_id ${w.sql} GROUP BY 1, 2, 3, 4`;
    const after = q.after ? `WHERE (g.period < ${w.param(q.after.p)} OR (g.period = ${w.param(q.after.p)} AND (g.code, g.stream) > (${w.param(q.after.c)}, ${w.param(q.after.s)})))` : '';
    const { rows } = await this.pool.query(`SELECT g.* FROM (${grouped}) g ${after} ORDER BY g.period DESC, g.code, g.stream LIMIT ${w.param(q.limit + 1)}`, w.params);
    return slice(
      rows,
      q.limit,
      (g): StationBalancePeriodView => ({
        siteId: g.site_id, period: g.period, stream: g.stream, days: g.days, openingKg: { min: g.opening_min, max: g.opening_max }, inKg: g.in_kg, outKg: g.out_kg, lossAllowanceKg: g.loss_kg,
        closingKg: { min: g.closing_min, max: g.closing_max }, imbalancedDays: g.imbalanced_days, worstImbalanceKg: g.worst, provenance: balanceProvenance({ in: g.prov_in, out: g.prov_out }),
      }),
      (g) => ({ p: g.period, c: g.code, s: g.stream }),
    );
  }
}

interface BalanceFilter {
  from: string;
  to: string;
  siteId?: Opt<string>;
  districtId?: Opt<string>;
  stream?: Opt<string>;
}

function balanceWhere(q: BalanceFilter, scope: QueryScope): Where {
  const w = new Where().add('b.service_day BETWEEN ?::date AND ?::date', q.from, q.to);
  if (scope.kind === 'site') w.add('b.site_id = ?', scope.siteId);
  if (scope.kind === 'district') w.add('s.district_id = ?', scope.districtId);
  if (q.siteId) w.add('b.site_id = ?', q.siteId);
  if (q.districtId) w.add('s.district_id = ?', q.districtId);
  if (q.stream) w.add('b.stream_code = ?', q.stream);
  return w;
}
