// Targets against reconciled figures. Supported metrics (anything else is listed, uncomputed):
//   SEPARATION_RATE       (kitchen + recyclable + hazardous) / household, collected — higher is better
//   OTHER_YOY_CHANGE      OTHER collected against the same days a year before — lower is better
//   <STREAM>_TPD          tonnes a day collected of that household stream — higher is better, OTHER_TPD lower
// Ranking compares districts by how far each is ahead of its own target (relative), so a
// small district's target counts as much as a big one's.
import type { DistrictFigureRow, TargetProgress } from '@haulproof/contracts';
import { addDays } from '../reconciliation/calendar.js';

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
const better = (metric: string): 'higher' | 'lower' => (metric === 'OTHER_YOY_CHANGE' || metric === 'OTHER_TPD' ? 'lower' : 'higher');

/** Collected kg by stream for one district over a span (rows of a single period bucket). */
type Collected = (districtId: string) => Record<string, number>;

export function progress(t: TargetRow, asOf: string, now: Collected, yearBefore: Collected): Omit<TargetProgress, 'rank' | 'of'> {
  const end = periodEnd(t.periodKind, t.periodStart);
  const to = asOf < end ? asOf : end;
  const days = spanDays(t.periodStart, to);
  const s = now(t.districtId);
  const household = (s.KITCHEN ?? 0) + (s.RECYCLABLE ?? 0) + (s.HAZARDOUS ?? 0) + (s.OTHER ?? 0);
  let actual: number | null = null;
  if (t.metric === 'SEPARATION_RATE') actual = household > 0 ? ((s.KITCHEN ?? 0) + (s.RECYCLABLE ?? 0) + (s.HAZARDOUS ?? 0)) / household : null;
  else if (t.metric === 'OTHER_YOY_CHANGE') {
    const before = yearBefore(t.districtId).OTHER ?? 0;
    actual = before > 0 ? ((s.OTHER ?? 0) - before) / before : null;
  } else {
    const m = /^([A-Z]+)_TPD$/.exec(t.metric);
    if (m && days > 0) actual = (s[m[1]!] ?? 0) / 1000 / days;
  }
  const direction = better(t.metric);
  const onTrack = actual === null ? null : direction === 'higher' ? actual >= t.value : actual <= t.value;
  return { targetId: t.id, districtId: t.districtId, metric: t.metric, periodKind: t.periodKind, periodStart: t.periodStart, periodEnd: end, target: t.value, unit: t.unit, actual, projection: actual, better: direction, onTrack };
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
