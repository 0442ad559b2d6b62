// Reconciliation figures for the API: rollups, district figures with the bureau's
// metrics (kg per resident per day, separation rate 分出率, year-on-year other,
// 三增一减), route runs, custody legs, station balances, and one load's trace.
import type { BalanceQuery, DistrictFigureRow, DistrictFigures, DistrictFiguresQuery, DistrictMetrics, LegQuery, Period, PermitUsage, PermitUsageQuery, RouteRunQuery, TargetProgress, TargetProgressQuery, TotalsQuery, TraceView } from '@haulproof/contracts';
import { HOUSEHOLD_STREAMS } from '@haulproof/contracts';
import { addDays } from '../reconciliation/calendar.js';
import type { AnomalyRepository } from '../repositories/reconciliation/anomaly.repository.js';
import type { ReconQueryRepository, TotalsDim } from '../repositories/reconciliation/recon-query.repository.js';
import type { Principal } from './principal.js';
import { checkFilters, districtFigureScope, legScope, permitUsageScope, runScope, siteFigureScope } from './recon-scope.js';
import { collectedBy, dailyByDistrict, periodEnd, progress, projectTotals, rank, type ProgressInputs } from './target-progress.js';
import type { TicketService } from './ticket.service.js';

const yearBefore = (day: string) => `${Number(day.slice(0, 4)) - 1}${day.slice(4)}`;
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
    private readonly anomalies: AnomalyRepository,
    private readonly tickets: Pick<TicketService, 'get'>,
    private readonly muckKgPerM3 = 1_800,
  ) {}

  async totals(p: Principal, q: TotalsQuery) {
    const scope = siteFigureScope(p);
    await checkFilters(scope, q, (id) => this.repo.siteDistrict(id));
    return { rows: await this.repo.totals({ ...q, groupBy: (q.groupBy?.split(',') ?? []) as TotalsDim[] }, scope) };
  }

  async districts(p: Principal, q: DistrictFiguresQuery): Promise<DistrictFigures> {
    const scope = districtFigureScope(p);
    await checkFilters(scope, q, (id) => this.repo.siteDistrict(id));
    const [rows, lastYear, population] = await Promise.all([
      this.repo.districtFigures(q, scope),
      this.repo.districtFigures({ ...q, from: yearBefore(q.from), to: yearBefore(q.to), stream: undefined }, scope),
      this.repo.populations(),
    ]);
    const household = q.stream ? await this.repo.districtFigures({ ...q, stream: undefined }, scope) : rows;
    return { rows, metrics: metrics(household, lastYear, population, q.period, q.from, q.to) };
  }

  /** Every target whose period contains `asOf`: progress to date, projection, ranking. */
  async targets(p: Principal, q: TargetProgressQuery): Promise<{ items: TargetProgress[] }> {
    const scope = districtFigureScope(p);
    await checkFilters(scope, q, (id) => this.repo.siteDistrict(id));
    // the ranking compares districts, so it reads every district's figures; the answer keeps to the scope
    const targets = await this.repo.targetsOn(q.asOf, { kind: 'all' });
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
      spans.set(key, { now: collectedBy(now), yearBefore: collectedBy(before), projected: (d) => projected.get(d) ?? {}, yearBeforeWhole: collectedBy(beforeWhole) });
    }
    const ranked = rank(targets.map((t) => progress(t, q.asOf, spans.get(`${t.periodKind}|${t.periodStart}`)!)));
    const visible = (districtId: string) => (scope.kind !== 'district' || districtId === scope.districtId) && (!q.districtId || districtId === q.districtId);
    return { items: ranked.filter((t) => visible(t.districtId)) };
  }

  async permits(p: Principal, q: PermitUsageQuery): Promise<{ items: PermitUsage[] }> {
    const rows = await this.repo.permitUsage(q.asOf, permitUsageScope(p), q.permitId);
    return {
      items: rows.map((r) => {
        const usedM3 = Math.round(r.usedKg / this.muckKgPerM3);
        return { ...r, expired: q.asOf > r.validTo, usedM3, usedShare: Math.max(r.approvedKg ? r.usedKg / r.approvedKg : 0, r.approvedM3 > 0 ? r.usedKg / this.muckKgPerM3 / r.approvedM3 : 0) };
      }),
    };
  }

  async routeRuns(p: Principal, q: RouteRunQuery) {
    return { items: await this.repo.routeRuns(q, runScope(p)) };
  }

  async legs(p: Principal, q: LegQuery) {
    const scope = legScope(p);
    if (scope.kind !== 'carrier') await checkFilters(scope, q, (id) => this.repo.siteDistrict(id));
    return { items: await this.repo.legs(q, scope) };
  }

  async balances(p: Principal, q: BalanceQuery) {
    const scope = siteFigureScope(p);
    await checkFilters(scope, q, (id) => this.repo.siteDistrict(id));
    return { items: await this.repo.balances(q, scope) };
  }

  /**
   * One load's way: the run that collected it; the departure it delivered and the pile it
   * came from (with the runs that fed that pile); where a station pile it joined went next.
   * Visible when the ticket is: a load's custody is part of the load.
   */
  async trace(p: Principal, ticketId: string): Promise<TraceView> {
    await this.tickets.get(p, ticketId); // 404 / 403 as for the ticket itself
    const [[ticket], run, at] = await Promise.all([this.repo.traceTickets([ticketId]), this.repo.runOf(ticketId), this.repo.ticketDay(ticketId)]);
    const all = { from: '2000-01-01', to: '2999-12-31', limit: 1 };
    let upstream: TraceView['upstream'] = null;
    const [arrivedBy] = await this.repo.legs({ ...all, inTicketId: ticketId }, { kind: 'all' });
    if (arrivedBy) {
      const [[departure], runs, mix] = await Promise.all([this.repo.traceTickets([arrivedBy.outTicketId]), this.repo.runsIntoPile(arrivedBy.fromSiteId, arrivedBy.serviceDay, arrivedBy.stream), this.repo.pileMix(arrivedBy.fromSiteId, arrivedBy.serviceDay, arrivedBy.stream)]);
      upstream = { leg: arrivedBy, departure: departure!, runs, mix };
    }
    let legs = ticket!.direction === 'OUT' ? await this.repo.legs({ ...all, outTicketIds: [ticketId] }, { kind: 'all' }) : [];
    if (ticket!.direction === 'IN' && at?.siteKind === 'TRANSFER_STATION') legs = await this.repo.legsFromPile(ticket!.siteId, at.day, ticket!.stream);
    const arrivals = await this.repo.traceTickets(legs.flatMap((l) => (l.inTicketId ? [l.inTicketId] : [])));
    const byId = new Map(arrivals.map((a) => [a.id, a]));
    const ids = [ticketId, ...(arrivedBy ? [arrivedBy.outTicketId] : []), ...legs.flatMap((l) => [l.outTicketId, ...(l.inTicketId ? [l.inTicketId] : [])])];
    return {
      ticket: ticket!,
      run,
      upstream,
      downstream: legs.map((leg) => ({ leg, arrival: leg.inTicketId ? (byId.get(leg.inTicketId) ?? null) : null })),
      anomalies: await this.anomalies.byIds(await this.repo.anomalyIdsForTickets(ids)),
    };
  }
}

/** Household metrics per district and period, from COLLECTED tonnes (where each district's routes first weighed them). */
export function metrics(rows: DistrictFigureRow[], lastYear: DistrictFigureRow[], population: Map<string, number>, period: Period, from: string, to: string): DistrictMetrics[] {
  const key = (r: { period: string; districtId: string | null }) => `${r.period}|${r.districtId}`;
  const sum = (list: DistrictFigureRow[]) => {
    const m = new Map<string, { period: string; districtId: string; byStream: Record<string, number>; keyed: number }>();
    for (const r of list) {
      if (!r.districtId || !HOUSEHOLD_STREAMS.includes(r.stream as never)) continue;
      const e = m.get(key(r)) ?? { period: r.period, districtId: r.districtId, byStream: {}, keyed: 0 };
      e.byStream[r.stream] = (e.byStream[r.stream] ?? 0) + r.collected.total;
      e.keyed += r.collected.KEYED;
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
    };
  });
}
