// The bureau's figures in GET /reconciliation/districts (metrics()) on synthetic district rows
// with a year before, against numbers worked out by hand: kg per resident per day, separation
// rate (分出率), the year-on-year change of OTHER and 三增一减 (met, missed, not computable).
import { describe, expect, test } from 'vitest';
import type { DistrictFigureRow } from '@haulproof/contracts';
import { metrics } from './recon-query.service.js';

const prov = (total: number, keyed = 0) => ({ total, WEIGHED: total - keyed, STORED_TARE: 0, KEYED: keyed, ESTIMATED: 0 });
const rows = (period: string, districtId: string | null, kg: Record<string, number>, keyed: Record<string, number> = {}): DistrictFigureRow[] =>
  Object.entries(kg).map(([stream, total]) => ({ period, districtId, stream, collected: prov(total, keyed[stream] ?? 0), disposed: prov(0), apportionedKg: 0 }));

// March 2026 (31 days) against March 2025.
const NOW = [
  // A: 100 residents; 600 + 100 + 20 + 1,760 = 2,480 kg household = 0.8 kg/resident/day; 248 kg of OTHER keyed
  ...rows('2026-03', 'A', { KITCHEN: 600, RECYCLABLE: 100, HAZARDOUS: 20, OTHER: 1_760, FOOD_SERVICE: 5_000, CONSTRUCTION: 90_000 }, { OTHER: 248 }),
  // B: 200 residents; 1,000 + 150 + 10 + 3,800 = 4,960 kg = 0.8 kg/resident/day; kitchen fell
  ...rows('2026-03', 'B', { KITCHEN: 1_000, RECYCLABLE: 150, HAZARDOUS: 10, OTHER: 3_800 }),
  // C: 50 residents; 300 + 50 + 5 + 1,195 = 1,550 kg = 1.0 kg/resident/day; other rose
  ...rows('2026-03', 'C', { KITCHEN: 300, RECYCLABLE: 50, HAZARDOUS: 5, OTHER: 1_195 }),
  // D: no March 2025 at all; E: no hazardous waste in March 2025
  ...rows('2026-03', 'D', { KITCHEN: 310, OTHER: 930 }),
  ...rows('2026-03', 'E', { KITCHEN: 400, RECYCLABLE: 60, HAZARDOUS: 4, OTHER: 1_000 }),
  ...rows('2026-03', null, { OTHER: 77_000 }), // not attributable: no district's figure
];
const BEFORE = [
  ...rows('2025-03', 'A', { KITCHEN: 500, RECYCLABLE: 80, HAZARDOUS: 10, OTHER: 2_000, FOOD_SERVICE: 9_000 }),
  ...rows('2025-03', 'B', { KITCHEN: 1_100, RECYCLABLE: 100, HAZARDOUS: 5, OTHER: 4_000 }),
  ...rows('2025-03', 'C', { KITCHEN: 200, RECYCLABLE: 40, HAZARDOUS: 2, OTHER: 1_100 }),
  ...rows('2025-03', 'E', { KITCHEN: 300, RECYCLABLE: 50, OTHER: 1_250 }),
];
const POPULATION = new Map([['A', 100], ['B', 200], ['C', 50], ['D', 31], ['E', 0]]);

describe('metrics over a month, with the month a year before', () => {
  const m = Object.fromEntries(metrics(NOW, BEFORE, POPULATION, 'month', '2026-03-01', '2026-03-31').map((x) => [x.districtId, x]));

  test('one entry per district with household tonnes; unattributed tonnes are nobody’s', () => {
    expect(Object.keys(m).sort()).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  test('kg per resident per day counts the four household streams only, over the days in the span', () => {
    expect(m.A).toMatchObject({ days: 31, population: 100, householdKg: 2_480 });
    expect(m.A!.kgPerResidentPerDay).toBeCloseTo(0.8, 12);
    expect(m.B!.kgPerResidentPerDay).toBeCloseTo(0.8, 12);
    expect(m.C!.kgPerResidentPerDay).toBeCloseTo(1.0, 12);
    expect(m.D!.kgPerResidentPerDay).toBeCloseTo(1_240 / 31 / 31, 12);
  });

  test('separation rate: (kitchen + recyclable + hazardous) / household', () => {
    expect(m.A!.separationRate).toBeCloseTo(720 / 2_480, 12); // 29.03 %
    expect(m.B!.separationRate).toBeCloseTo(1_160 / 4_960, 12); // 23.39 %
    expect(m.D!.separationRate).toBeCloseTo(0.25, 12); // 310 / 1,240
  });

  test('year-on-year change of OTHER', () => {
    expect(m.A!.otherYoY).toBeCloseTo(-0.12, 12); // 1,760 against 2,000
    expect(m.B!.otherYoY).toBeCloseTo(-0.05, 12); // 3,800 against 4,000
    expect(m.C!.otherYoY).toBeCloseTo(95 / 1_100, 12); // 1,195 against 1,100: up 8.6 %
    expect(m.E!.otherYoY).toBeCloseTo(-0.2, 12); // 1,000 against 1,250
    expect(m.D!.otherYoY).toBeNull(); // nothing a year before
  });

  test('三增一减: met when kitchen, recyclable and hazardous rose and other fell; not when one of them did not; unknown without a year before for each', () => {
    expect(m.A!.sanZengYiJian).toBe(true); // 600 > 500, 100 > 80, 20 > 10, 1,760 < 2,000
    expect(m.B!.sanZengYiJian).toBe(false); // kitchen 1,000 < 1,100, though other fell
    expect(m.C!.sanZengYiJian).toBe(false); // three up, but other rose
    expect(m.D!.sanZengYiJian).toBeNull();
    expect(m.E!.sanZengYiJian).toBeNull(); // no hazardous a year before: no direction to judge
  });

  test('keyed share of household kg; no residents on record gives no per-resident figure', () => {
    expect(m.A!.keyedShare).toBeCloseTo(0.1, 12); // 248 of 2,480
    expect(m.E).toMatchObject({ population: 0, kgPerResidentPerDay: 0 });
  });
});

describe('metrics over part of a month, and day by day', () => {
  test('a span inside the month: the days of the span, not of the month', () => {
    const [a] = metrics(rows('2026-03', 'A', { KITCHEN: 200, OTHER: 600 }), [], POPULATION, 'month', '2026-03-10', '2026-03-19');
    expect(a).toMatchObject({ days: 10, householdKg: 800 });
    expect(a!.kgPerResidentPerDay).toBeCloseTo(0.8, 12); // 800 / 100 / 10
  });

  test('each day is compared with the same day a year before', () => {
    const now = [...rows('2026-03-01', 'A', { KITCHEN: 30, RECYCLABLE: 6, HAZARDOUS: 1, OTHER: 80 }), ...rows('2026-03-02', 'A', { KITCHEN: 20, RECYCLABLE: 4, HAZARDOUS: 1, OTHER: 90 })];
    const before = [...rows('2025-03-01', 'A', { KITCHEN: 25, RECYCLABLE: 5, HAZARDOUS: 0.5, OTHER: 100 }), ...rows('2025-03-02', 'A', { KITCHEN: 25, RECYCLABLE: 5, HAZARDOUS: 0.5, OTHER: 100 })];
    const byDay = Object.fromEntries(metrics(now, before, POPULATION, 'day', '2026-03-01', '2026-03-02').map((x) => [x.period, x]));
    expect(byDay['2026-03-01']).toMatchObject({ days: 1, otherYoY: expect.closeTo(-0.2, 12), sanZengYiJian: true });
    expect(byDay['2026-03-02']).toMatchObject({ days: 1, otherYoY: expect.closeTo(-0.1, 12), sanZengYiJian: false }); // kitchen 20 < 25
    expect(byDay['2026-03-01']!.kgPerResidentPerDay).toBeCloseTo(1.17, 12); // 117 kg / 100 residents
  });
});
