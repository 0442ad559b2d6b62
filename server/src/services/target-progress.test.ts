import { describe, expect, test } from 'vitest';
import { addDays } from '../reconciliation/calendar.js';
import { progress, projectTotals, type TargetRow } from './target-progress.js';

const FROM = '2026-04-01'; // a 30-day month
const series = (n: number, kg: (i: number) => number, stream = 'KITCHEN') => new Map(Array.from({ length: n }, (_, i) => [addDays(FROM, i), { [stream]: kg(i) }] as const));

describe('projectTotals', () => {
  test('a steady rise is continued to the end of the period', () => {
    // 10 days of 10 t + 1 t a day: the line is exact, so the whole month is Σ (10 000 + 1 000 i), i = 0…29
    expect(projectTotals(series(10, (i) => 10_000 + 1_000 * i), FROM, '2026-04-10', '2026-04-30')).toEqual({ KITCHEN: 735_000 });
  });

  test('fewer than 7 days: the daily mean, not a line through a few points', () => {
    expect(projectTotals(series(3, (i) => [1_000, 5_000, 3_000][i]!), FROM, '2026-04-03', '2026-04-30')).toEqual({ KITCHEN: 90_000 });
  });

  test('a falling stream is never projected below zero', () => {
    const p = projectTotals(series(10, (i) => 9_000 - 1_000 * i), FROM, '2026-04-10', '2026-04-30');
    expect(p.KITCHEN).toBe(45_000); // the 10 days so far; the line is below zero from day 10 on
  });

  test('days without data count as zero, and a finished period is its actual total', () => {
    const gappy = new Map([[FROM, { OTHER: 3_000 }], [addDays(FROM, 29), { OTHER: 3_000 }]]);
    expect(projectTotals(gappy, FROM, '2026-04-30', '2026-04-30')).toEqual({ OTHER: 6_000 });
  });
});

describe('progress', () => {
  const target: TargetRow = { id: 't', districtId: 'd', metric: 'KITCHEN_TPD', periodKind: 'MONTH', periodStart: FROM, value: 20, unit: 't/d' };
  const daily = series(10, (i) => 10_000 + 1_000 * i);
  const sum = [...daily.values()].reduce((a, d) => a + d.KITCHEN!, 0);
  const empty = () => ({});

  test('to date, the rate so far; projected, the rate the trend reaches over the whole period', () => {
    const p = progress(target, '2026-04-10', { now: () => ({ KITCHEN: sum }), yearBefore: empty, projected: () => projectTotals(daily, FROM, '2026-04-10', '2026-04-30'), yearBeforeWhole: empty });
    expect(p.actual).toBeCloseTo(14.5, 9); // 145 t in 10 days
    expect(p.projection).toBeCloseTo(24.5, 9); // 735 t in 30 days
    expect(p.onTrack).toBe(false); // not yet at 20 t/d, though the projection says it will be
  });

  test('a metric that cannot be computed has no projection either', () => {
    const p = progress({ ...target, metric: 'TREES_PLANTED' }, '2026-04-10', { now: empty, yearBefore: empty, projected: empty, yearBeforeWhole: empty });
    expect([p.actual, p.projection]).toEqual([null, null]);
  });
});
