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
    const p = progress(target, '2026-04-10', { now: () => ({ KITCHEN: sum }), yearBefore: empty, projected: () => projectTotals(daily, FROM, '2026-04-10', '2026-04-30'), yearBeforeWhole: empty, population: () => 0 });
    expect(p.actual).toBeCloseTo(14.5, 9); // 145 t in 10 days
    expect(p.projection).toBeCloseTo(24.5, 9); // 735 t in 30 days
    expect(p.onTrack).toBe(false); // not yet at 20 t/d, though the projection says it will be
  });

  test('a metric that cannot be computed has no projection either', () => {
    const p = progress({ ...target, metric: 'TREES_PLANTED' }, '2026-04-10', { now: empty, yearBefore: empty, projected: empty, yearBeforeWhole: empty, population: () => 0 });
    expect([p.actual, p.projection]).toEqual([null, null]);
  });

  // 10 days of April: 1,000 residents; kitchen 2,000, recyclable 300, hazardous 10, other 5,690 kg (8,000 in all).
  // April a year before, the same 10 days: kitchen 1,800, recyclable 250, hazardous 5, other 6,000; the whole month 3× that.
  const now = { KITCHEN: 2_000, RECYCLABLE: 300, HAZARDOUS: 10, OTHER: 5_690 };
  const before = { KITCHEN: 1_800, RECYCLABLE: 250, HAZARDOUS: 5, OTHER: 6_000 };
  const times = (s: Record<string, number>, k: number) => Object.fromEntries(Object.entries(s).map(([x, kg]) => [x, kg * k]));
  const inputs = { now: () => now, yearBefore: () => before, projected: () => times(now, 3), yearBeforeWhole: () => times(before, 3), population: () => 1_000 };

  test('KG_PER_RESIDENT_DAY: household kg per resident per day, lower is better', () => {
    const p = progress({ ...target, metric: 'KG_PER_RESIDENT_DAY', value: 0.75, unit: 'kg' }, '2026-04-10', inputs);
    expect(p.actual).toBeCloseTo(0.8, 12); // 8,000 kg / 1,000 residents / 10 days
    expect(p.projection).toBeCloseTo(0.8, 12); // 24,000 kg / 1,000 / 30 days
    expect([p.better, p.onTrack]).toEqual(['lower', false]);
    expect(progress({ ...target, metric: 'KG_PER_RESIDENT_DAY', value: 0.8 }, '2026-04-10', { ...inputs, population: () => 0 }).actual).toBeNull(); // no residents on record
  });

  test('SAN_ZENG_YI_JIAN: how many of the four moves held (4 = met), higher is better', () => {
    const met = progress({ ...target, metric: 'SAN_ZENG_YI_JIAN', value: 4, unit: 'of 4' }, '2026-04-10', inputs);
    expect([met.actual, met.projection, met.better, met.onTrack]).toEqual([4, 4, 'higher', true]);
    const otherUp = progress({ ...target, metric: 'SAN_ZENG_YI_JIAN', value: 4, unit: 'of 4' }, '2026-04-10', { ...inputs, now: () => ({ ...now, OTHER: 6_500 }) });
    expect([otherUp.actual, otherUp.onTrack]).toEqual([3, false]);
    const noHazardLastYear = progress({ ...target, metric: 'SAN_ZENG_YI_JIAN', value: 4 }, '2026-04-10', { ...inputs, yearBefore: () => ({ ...before, HAZARDOUS: 0 }) });
    expect([noHazardLastYear.actual, noHazardLastYear.onTrack]).toEqual([null, null]);
  });

  test('OTHER_YOY_CHANGE and SEPARATION_RATE on the same figures', () => {
    expect(progress({ ...target, metric: 'OTHER_YOY_CHANGE', value: -0.05 }, '2026-04-10', inputs)).toMatchObject({ actual: expect.closeTo(-0.0516667, 6), better: 'lower', onTrack: true }); // (5,690 − 6,000) / 6,000
    expect(progress({ ...target, metric: 'SEPARATION_RATE', value: 0.3 }, '2026-04-10', inputs)).toMatchObject({ actual: expect.closeTo(0.28875, 9), onTrack: false }); // 2,310 / 8,000
  });
});
