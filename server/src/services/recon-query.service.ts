// Reconciliation figures for the API: rollups, district figures with the bureau's
// metrics (kg per resident per day, separation rate 分出率, year-on-year other,
// 三增一减), and route runs, custody legs and station balances a page at a time
// (one load's trace: recon-trace.service.ts).
import type { BalanceQuery, CustodyLegView, DistrictFigureRow, DistrictFigures, DistrictFiguresQuery, DistrictMetrics, LegQuery, Page, Period, PermitUsage, PermitUsageQuery, RouteRunQuery, RouteRunView, StationBalancePeriodView, StationBalanceView, TargetProgress, TargetProgressQuery, TotalsQuery } from '@haulproof/contracts';
import { HOUSEHOLD_STREAMS } from '@haulproof/contracts';
import { addDays } from '../reconciliation/calendar.js';
import type { ReconListRepository, Slice } from '../repositories/reconciliation/recon-list.repository.js';
import type { ReconQueryRepository, TotalsDim } from '../repositories/reconciliation/recon-query.repository.js';
import { forbidden, notFound } from '../http/errors.js';
import { decodeKey, encodeCursor } from './cursor.js';
import type { Principal } from './principal.js';
import { checkFilters, districtFigureScope, legScope, permitUsageScope, runScope, siteFigureScope } from './recon-scope.js';
import { collectedBy, dailyByDistrict, periodEnd, progress, projectTotals, rank, type ProgressInputs } from './target-progress.js';

import { yearBefore } from './bureau-figures.js';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Za-z0-9_-]{1,32}$/;
const UUID = /^[0-9a-f-]{36}$/;
const RUN_KEY = { d: DAY, c: CODE, id: UUID };
const LEG_KEY = { at: /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/, id: UUID };
const BALANCE_KEY = { p: /^\d{4}(-\d{2}(-\d{2})?)?$/, c: CODE, s: /^[A-Z_]{2,32}$/ };
const page = <T, K extends Record<string, string>>(s: Slice<T, K>): Page<T> => ({ items: s.items, nextCursor: s.next ? encodeCursor(s.next) : null });
const shiftPeriod = (period: string) => `${Number(period.slice(0, 4)) + 1}${period.slice(4)}`;

/** The first and last day of a period written YYYY-MM-DD, YYYY-MM or YYYY. */
export function bounds(period: string): [string, string] {
  if (period.length === 10) return [period, period];
  if (period.length === 4) return [`${period}-01-01`, `${period}-12-31`];
  const [y, m] = period.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return [`${period}-01`, addDays(next, -1)];
}

/** How many days of [from, to] fall in the period. */
function daysIn(period: string, from: string, to: string): number {
  const [start, end] = bounds(period);
  const lo = start > from ? start : from;
  const hi = end < to ? end : to;
  return lo > hi ? 0 : Math.round((Date.parse(hi) - Date.parse(lo)) / 86_400_000) + 1;
}

export class ReconQueryService {
  constructor(
    private readonly repo: ReconQueryRepository,
    private readonly lists: ReconListRepository,
    private readonly muckKgPerM3 = 1_800,
  ) {}

  async totals(p: Principal, q: TotalsQuery) {
    const scope = siteFigureScope(p);
    await checkFilters(scope, q, (id) => this.repo.siteDistrict(id));
    return { rows: await this.repo.totals({ ...q, groupBy: (q.groupBy?.split(',') ?? []) as TotalsDim[] }, scope) };
  }

  async districts(p: Principal, q: DistrictFiguresQuery): Promise<DistrictFigures> {
    const scope = districtFigureScope(p);
    // rows belong to districts, not sites: a site filter narrows the district's rows wherever the site lies
    await checkFilters(scope, { districtId: q.districtId }, (id) => this.repo.siteDistrict(id));
    const [rows, lastYear, population] = await Promise.all([
      this.repo.districtFigures(q, scope),
      this.repo.districtFigures({ ...q, from: yearBefore(q.from), to: yearBefore(q.to), stream: undefined, siteId: undefined }, scope),
      this.repo.populations(),
    ]);
    // the metrics are the whole district's, whatever the rows were narrowed to
    const household = q.stream || q.siteId ? await this.repo.districtFigures({ ...q, stream: undefined, siteId: undefined }, scope) : rows;
    return { rows, metrics: metrics(household, lastYear, population, q.period, q.from, q.to) };
  }

  /** Every target whose period contains `asOf`: progress to date, projection, ranking. */
  async targets(p: Principal, q: Pick<TargetProgressQuery, 'asOf' | 'districtId'>): Promise<{ items: TargetProgress[] }> {
    const scope = districtFigureScope(p);
    await checkFilters(scope, q, (id) => this.repo.siteDistrict(id));
    // the ranking compares districts, so it reads every district's figures; the answer keeps to the scope
    const [targets, population] = await Promise.all([this.repo.targetsOn(q.asOf, { kind: 'all' }), this.repo.populations()]);
    const spans = new Map<string, ProgressInputs>();
    for (const t of targets) {
      const key = `${t.periodKind}|${t.periodStart}`;
      if (spans.has(key)) continue;
      const end = periodEnd(t.periodKind, t.periodStart);
      const to = q.asOf < end ? q.asOf : end;
      const [now, before, beforeWhole, daily] = await Promise.all([
        this.repo.districtFigures({ from: t.periodStart, to, period: 'year' }, { kind: 'all' }),
        this.repo.districtFigures({ from: yearBefore(t.periodStart), to: yearBefore(to), period: 'year' }, { kind: 'all' }),
        this.repo.districtFigures({ from: yearBefore(t.periodStart), to: yearBefore(end), period: 'year' }, { kind: 'all' }),
        this.repo.districtFigures({ from: t.periodStart, to, period: 'day' }, { kind: 'all' }),
      ]);
      const projected = new Map<string, Record<string, number>>();
      for (const [districtId, days] of dailyByDistrict(daily)) projected.set(districtId, projectTotals(days, t.periodStart, q.asOf, end));
      spans.set(key, { now: collectedBy(now), yearBefore: collectedBy(before), projected: (d) => projected.get(d) ?? {}, yearBeforeWhole: collectedBy(beforeWhole), population: (d) => population.get(d) ?? 0 });
    }
    const ranked = rank(targets.map((t) => progress(t, q.asOf, spans.get(`${t.periodKind}|${t.periodStart}`)!)));
    const visible = (districtId: string) => (scope.kind !== 'district' || districtId === scope.districtId) && (!q.districtId || districtId === q.districtId);
    return { items: ranked.filter((t) => visible(t.districtId)) };
  }

  /** Usage over from … to (every permit: they are few, nothing is cut off); with `period`, split by day, month or year. */
  async permits(p: Principal, q: Omit<PermitUsageQuery, 'format'>): Promise<{ items: PermitUsage[] }> {
    const scope = permitUsageScope(p);
    await checkFilters(scope, q, (id) => this.repo.siteDistrict(id));
    const to = (q.to ?? q.asOf)!;
    const rows = await this.repo.permitUsage({ ...q, to }, scope);
    return {
      items: rows.map((r) => {
        const usedM3 = Math.round(r.usedKg / this.muckKgPerM3);
        return { ...r, expired: to > r.validTo, usedM3, usedShare: Math.max(r.approvedKg ? r.usedKg / r.approvedKg : 0, r.approvedM3 > 0 ? r.usedKg / this.muckKgPerM3 / r.approvedM3 : 0) };
      }),
    };
  }

  async routeRuns(p: Principal, q: RouteRunQuery): Promise<Page<RouteRunView>> {
    const scope = runScope(p);
    // A run's district is its route's: runs to an operator's site or of a carrier's trucks come
    // from any district, so only a district scope refuses another district. A district's runs
    // deliver anywhere, so there siteId only narrows them; an operator names their own site.
    if (scope.kind === 'district') await checkFilters(scope, { districtId: q.districtId }, (id) => this.repo.siteDistrict(id));
    if (scope.kind === 'site') await checkFilters(scope, { siteId: q.siteId }, (id) => this.repo.siteDistrict(id));
    if (q.routeId) {
      const inScope = await this.lists.routeInScope(q.routeId, scope);
      if (inScope === null) throw notFound(`no route ${q.routeId}`);
      if (!inScope) throw forbidden('that route is outside your scope');
    }
    return page(await this.lists.routeRuns({ ...q, after: q.cursor ? decodeKey(q.cursor, RUN_KEY) : undefined }, scope));
  }

  async legs(p: Principal, q: LegQuery): Promise<Page<CustodyLegView>> {
    const scope = legScope(p);
    if (scope.kind !== 'carrier') await checkFilters(scope, q, (id) => this.repo.siteDistrict(id));
    return page(await this.lists.legs({ ...q, after: q.cursor ? decodeKey(q.cursor, LEG_KEY) : undefined }, scope));
  }

  async balances(p: Principal, q: BalanceQuery): Promise<Page<StationBalanceView> | Page<StationBalancePeriodView>> {
    const scope = siteFigureScope(p);
    await checkFilters(scope, q, (id) => this.repo.siteDistrict(id));
    const after = q.cursor ? decodeKey(q.cursor, BALANCE_KEY) : undefined;
    if (q.period === 'day') return page(await this.lists.balances({ ...q, after }, scope));
    return page(await this.lists.balancePeriods({ ...q, period: q.period, after }, scope));
  }
}

/** Household metrics per district and period, from COLLECTED tonnes (where each district's routes first weighed them). */
export function metrics(rows: DistrictFigureRow[], lastYear: DistrictFigureRow[], population: Map<string, number>, period: Period, from: string, to: string): DistrictMetrics[] {
  const key = (r: { period: string; districtId: string | null }) => `${r.period}|${r.districtId}`;
  const sum = (list: DistrictFigureRow[]) => {
    const m = new Map<string, { period: string; districtId: string; byStream: Record<string, number>; keyed: number; estimated: number }>();
    for (const r of list) {
      if (!r.districtId || !HOUSEHOLD_STREAMS.includes(r.stream as never)) continue;
      const e = m.get(key(r)) ?? { period: r.period, districtId: r.districtId, byStream: {}, keyed: 0, estimated: 0 };
      e.byStream[r.stream] = (e.byStream[r.stream] ?? 0) + r.collected.total;
      e.keyed += r.collected.KEYED;
      e.estimated += r.collected.ESTIMATED;
      m.set(key(r), e);
    }
    return m;
  };
  const now = sum(rows);
  const before = new Map([...sum(lastYear).values()].map((e) => [key({ period: shiftPeriod(e.period), districtId: e.districtId }), e]));
  void period;
  return [...now.values()].map((e) => {
    const days = daysIn(e.period, from, to);
    const s = e.byStream;
    const household = HOUSEHOLD_STREAMS.reduce((t, k) => t + (s[k] ?? 0), 0);
    const sorted = (s.KITCHEN ?? 0) + (s.RECYCLABLE ?? 0) + (s.HAZARDOUS ?? 0);
    const pop = population.get(e.districtId) ?? 0;
    const prior = before.get(key(e));
    const change = (k: string) => (prior && (prior.byStream[k] ?? 0) > 0 ? ((s[k] ?? 0) - prior.byStream[k]!) / prior.byStream[k]! : null);
    const ups = (['KITCHEN', 'RECYCLABLE', 'HAZARDOUS'] as const).map(change);
    const otherYoY = change('OTHER');
    return {
      period: e.period,
      districtId: e.districtId,
      days,
      population: pop,
      householdKg: household,
      kgPerResidentPerDay: pop > 0 && days > 0 ? household / pop / days : 0,
      separationRate: household > 0 ? sorted / household : null,
      otherYoY,
      sanZengYiJian: otherYoY === null || ups.some((u) => u === null) ? null : ups.every((u) => u! > 0) && otherYoY < 0,
      keyedShare: household > 0 ? e.keyed / household : null,
      estimatedShare: household > 0 ? e.estimated / household : null,
    };
  });
}
