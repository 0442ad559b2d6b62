// Targets against reconciled figures. Supported metrics (anything else is listed, uncomputed):
//   the bureau's figures (bureau-figures.ts, on collected tonnes): KG_PER_RESIDENT_DAY,
//     OTHER_KG_PER_RESIDENT_DAY, SEPARATION_RATE, OTHER_YOY_CHANGE, SAN_ZENG_YI_JIAN (0–4; 4 = met)
//   <STREAM>_TPD          tonnes a day collected of that household stream — higher is better, OTHER_TPD lower
// Ranking compares districts by how far each is ahead of its own target (relative), so a
// small district's target counts as much as a big one's. The projection evaluates the same
// metric on the whole period's totals as projectTotals extends each stream's daily trend.
import type { DistrictFigureRow, TargetProgress } from '@haulproof/contracts';
import { addDays } from '../reconciliation/calendar.js';
import { BETTER, figure, isBureauFigure } from './bureau-figures.js';

export interface TargetRow {
  id: string;
  districtId: string;
  metric: string;
  periodKind: 'DAY' | 'MONTH' | 'QUARTER' | 'YEAR';
  periodStart: string;
  value: number;
  unit: string;
}

export function periodEnd(kind: TargetRow['periodKind'], start: string): string {
  const [y, m] = start.split('-').map(Number) as [number, number];
  const months = { DAY: 0, MONTH: 1, QUARTER: 3, YEAR: 12 }[kind];
  if (months === 0) return start;
  const end = new Date(Date.UTC(y, m - 1 + months, 1));
  return addDays(end.toISOString().slice(0, 10), -1);
}

const spanDays = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
const better = (metric: string): 'higher' | 'lower' => (isBureauFigure(metric) ? BETTER[metric] : metric === 'OTHER_TPD' ? 'lower' : 'higher');

/** Collected kg by stream for one district over a span (rows of a single period bucket). */
type Collected = (districtId: string) => Record<string, number>;

/** A target metric over collected kg by stream for `days` days (null when it cannot be computed). */
function metricValue(metric: string, s: Record<string, number>, days: number, before: Record<string, number>, population: number): number | null {
  if (isBureauFigure(metric)) return figure(metric, { now: s, before, days, population }).value;
  const m = /^([A-Z]+)_TPD$/.exec(metric);
  return m && days > 0 ? (s[m[1]!] ?? 0) / 1000 / days : null;
}

/**
 * Collected kg by stream for a whole period, projected from the days so far: each
 * stream's daily kg follows a least-squares line over the elapsed days (the plain
 * daily mean while fewer than 7 days have passed, so a few days cannot swing it),
 * continued to the period's end and never below zero. Days without data count as 0.
 */
export function projectTotals(daily: ReadonlyMap<string, Record<string, number>>, from: string, asOf: string, end: string): Record<string, number> {
  const elapsed = spanDays(from, asOf < end ? asOf : end);
  const total = spanDays(from, end);
  const streams = new Set([...daily.values()].flatMap((d) => Object.keys(d)));
  const out: Record<string, number> = {};
  for (const stream of streams) {
    const y = Array.from({ length: elapsed }, (_, i) => daily.get(addDays(from, i))?.[stream] ?? 0);
    const sum = y.reduce((a, b) => a + b, 0);
    const mean = elapsed > 0 ? sum / elapsed : 0;
    let slope = 0;
    if (elapsed >= 7) {
      const xMean = (elapsed - 1) / 2;
      let sxy = 0;
      let sxx = 0;
      y.forEach((v, i) => {
        sxy += (i - xMean) * (v - mean);
        sxx += (i - xMean) ** 2;
      });
      slope = sxy / sxx;
    }
    let projected = sum;
    for (let j = elapsed; j < total; j++) projected += Math.max(0, mean + slope * (j - (elapsed - 1) / 2));
    out[stream] = Math.round(projected);
  }
  return out;
}

export interface ProgressInputs {
  now: Collected; // collected kg by stream from the period's start to asOf
  yearBefore: Collected; // the same days a year before
  projected: Collected; // the whole period, projected (projectTotals)
  yearBeforeWhole: Collected; // the whole period a year before
  population: (districtId: string) => number; // residents, for the per-resident figures
}

export function progress(t: TargetRow, asOf: string, f: ProgressInputs): Omit<TargetProgress, 'rank' | 'of'> {
  const end = periodEnd(t.periodKind, t.periodStart);
  const to = asOf < end ? asOf : end;
  const population = f.population(t.districtId);
  const actual = metricValue(t.metric, f.now(t.districtId), spanDays(t.periodStart, to), f.yearBefore(t.districtId), population);
  const projection = actual === null ? null : metricValue(t.metric, f.projected(t.districtId), spanDays(t.periodStart, end), f.yearBeforeWhole(t.districtId), population);
  const direction = better(t.metric);
  const onTrack = actual === null ? null : direction === 'higher' ? actual >= t.value : actual <= t.value;
  return { targetId: t.id, districtId: t.districtId, metric: t.metric, periodKind: t.periodKind, periodStart: t.periodStart, periodEnd: end, target: t.value, unit: t.unit, actual, projection, better: direction, onTrack };
}

/** How far ahead of its target a district is, comparable across districts. */
export function lead(p: Pick<TargetProgress, 'actual' | 'target' | 'better'>): number | null {
  if (p.actual === null) return null;
  const scale = Math.abs(p.target) || 1;
  return (p.better === 'higher' ? p.actual - p.target : p.target - p.actual) / scale;
}

export function rank(items: Omit<TargetProgress, 'rank' | 'of'>[]): TargetProgress[] {
  const groups = new Map<string, Omit<TargetProgress, 'rank' | 'of'>[]>();
  for (const i of items) {
    const k = `${i.metric}|${i.periodKind}|${i.periodStart}`;
    groups.set(k, [...(groups.get(k) ?? []), i]);
  }
  return [...groups.values()].flatMap((g) => {
    const ranked = g.filter((i) => lead(i) !== null).sort((a, b) => lead(b)! - lead(a)! || (a.districtId < b.districtId ? -1 : 1));
    return g.map((i) => ({ ...i, rank: ranked.indexOf(i) >= 0 ? ranked.indexOf(i) + 1 : null, of: ranked.length }));
  });
}

/** Collected kg by district and stream, from district rows over one span. */
export function collectedBy(rows: readonly DistrictFigureRow[]): Collected {
  const m = new Map<string, Record<string, number>>();
  for (const r of rows) {
    if (!r.districtId) continue;
    const e = m.get(r.districtId) ?? {};
    e[r.stream] = (e[r.stream] ?? 0) + r.collected.total;
    m.set(r.districtId, e);
  }
  return (d) => m.get(d) ?? {};
}

/** Collected kg by district, then by day (YYYY-MM-DD), then by stream, from day-period rows. */
export function dailyByDistrict(rows: readonly DistrictFigureRow[]): Map<string, Map<string, Record<string, number>>> {
  const out = new Map<string, Map<string, Record<string, number>>>();
  for (const r of rows) {
    if (!r.districtId) continue;
    const days = out.get(r.districtId) ?? new Map<string, Record<string, number>>();
    const day = days.get(r.period) ?? {};
    day[r.stream] = (day[r.stream] ?? 0) + r.collected.total;
    days.set(r.period, day);
    out.set(r.districtId, days);
  }
  return out;
}
