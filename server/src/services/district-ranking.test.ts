// Ranking every district on the bureau's figures: order, ties, districts without data, and
// the service's period (a day, a month, a year; to a day) and scope.
import { describe, expect, test } from 'vitest';
import type { DistrictFigureRow, RankingMetric } from '@haulproof/contracts';
import type { ReconQueryRepository } from '../repositories/reconciliation/recon-query.repository.js';
import type { Principal } from './principal.js';
import { DistrictRankingService, rankDistricts } from './district-ranking.js';

// 10 days. Household kg now and the same days a year before, by district.
const NOW: Record<string, Record<string, number>> = {
  a: { KITCHEN: 300, RECYCLABLE: 50, HAZARDOUS: 2, OTHER: 648 }, // 1,000 kg, 100 residents: 1.0 kg/day; sep 35.2 %
  b: { KITCHEN: 200, RECYCLABLE: 40, HAZARDOUS: 1, OTHER: 759 }, // 1,000 kg, 125 residents: 0.8; sep 24.1 %
  c: { KITCHEN: 200, RECYCLABLE: 40, HAZARDOUS: 1, OTHER: 759 }, // as b, to the kilogram and resident: a tie
  d: {}, // nothing collected
  e: { KITCHEN: 90, OTHER: 310 }, // 400 kg, but no residents on record
};
const BEFORE: Record<string, Record<string, number>> = {
  a: { KITCHEN: 250, RECYCLABLE: 40, HAZARDOUS: 1, OTHER: 720 }, // all four moves: 4; other −10 %
  b: { KITCHEN: 250, RECYCLABLE: 30, HAZARDOUS: 1, OTHER: 800 }, // kitchen down, hazardous flat: 2; other −5.1 %
  c: { KITCHEN: 150, RECYCLABLE: 30, HAZARDOUS: 2, OTHER: 700 }, // kitchen, recyclable up; other up: 2; other +8.4 %
};
const POPULATION = new Map([['a', 100], ['b', 125], ['c', 125], ['d', 80], ['e', 0]]);
const ranked = rankDistricts({ districts: POPULATION, now: (d) => NOW[d] ?? {}, before: (d) => BEFORE[d] ?? {}, days: 10 });
const on = (metric: RankingMetric) => ranked.find((r) => r.metric === metric)!;
const order = (metric: RankingMetric) => on(metric).entries.map((e) => e.districtId);

describe('rankDistricts', () => {
  test('every district is ranked on every figure, 1 … n', () => {
    for (const r of ranked) expect(r.entries.map((e) => e.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(ranked.map((r) => [r.metric, r.better])).toEqual([
      ['KG_PER_RESIDENT_DAY', 'lower'],
      ['OTHER_KG_PER_RESIDENT_DAY', 'lower'],
      ['SEPARATION_RATE', 'higher'],
      ['OTHER_YOY_CHANGE', 'lower'],
      ['SAN_ZENG_YI_JIAN', 'higher'],
    ]);
  });

  test('kg per resident per day: lower first; an exact tie goes by district id; no data last, marked with why', () => {
    expect(order('KG_PER_RESIDENT_DAY')).toEqual(['b', 'c', 'a', 'd', 'e']);
    expect(on('KG_PER_RESIDENT_DAY').entries.map((e) => [e.value, e.noData, e.missing])).toEqual([
      [0.8, false, null],
      [0.8, false, null],
      [1, false, null],
      [null, true, 'TONNES'],
      [null, true, 'POPULATION'],
    ]);
    expect(order('OTHER_KG_PER_RESIDENT_DAY')).toEqual(['b', 'c', 'a', 'd', 'e']); // 0.6072, 0.6072, 0.648
  });

  test('separation rate: higher first; a district with tonnes but no residents still has one', () => {
    expect(order('SEPARATION_RATE')).toEqual(['a', 'b', 'c', 'e', 'd']); // 35.2 %, 24.1 %, 24.1 %, 22.5 %, none
    expect(on('SEPARATION_RATE').entries[0]!.value).toBeCloseTo(0.352, 12);
  });

  test('YoY of other: lower first; no year before is no data', () => {
    expect(order('OTHER_YOY_CHANGE')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(on('OTHER_YOY_CHANGE').entries.map((e) => e.missing)).toEqual([null, null, null, 'TONNES', 'PRIOR_YEAR']);
    expect(on('OTHER_YOY_CHANGE').entries[1]!.value).toBeCloseTo(-41 / 800, 12);
  });

  test('三增一减: the count of moves that held, met at 4; equal counts go by the fall of other', () => {
    const e = on('SAN_ZENG_YI_JIAN').entries;
    expect(e.map((x) => [x.districtId, x.value, x.met])).toEqual([['a', 4, true], ['b', 2, false], ['c', 2, false], ['d', null, null], ['e', null, null]]);
    // b before c on the tie: other fell 5.1 % in b and rose 8.4 % in c (c comes after b by id too, so swap to prove it)
    const swapped = rankDistricts({ districts: POPULATION, now: (d) => NOW[d === 'b' ? 'c' : d === 'c' ? 'b' : d] ?? {}, before: (d) => BEFORE[d === 'b' ? 'c' : d === 'c' ? 'b' : d] ?? {}, days: 10 });
    expect(swapped.find((r) => r.metric === 'SAN_ZENG_YI_JIAN')!.entries.map((x) => x.districtId).slice(0, 3)).toEqual(['a', 'c', 'b']);
  });
});

describe('DistrictRankingService', () => {
  const asked: { from: string; to: string }[] = [];
  const figures = (period: string, kg: Record<string, Record<string, number>>): DistrictFigureRow[] =>
    Object.entries(kg).flatMap(([districtId, s]) => Object.entries(s).map(([stream, total]) => ({ period, districtId, stream, collected: { total, WEIGHED: total, STORED_TARE: 0, KEYED: 0, ESTIMATED: 0 }, disposed: { total: 0, WEIGHED: 0, STORED_TARE: 0, KEYED: 0, ESTIMATED: 0 }, apportionedKg: 0 })));
  const repo = {
    siteDistrict: async () => null,
    populations: async () => POPULATION,
    districtFigures: async (q: { from: string; to: string }) => {
      asked.push({ from: q.from, to: q.to });
      return q.from.startsWith('2027') ? figures('2027', BEFORE) : figures('2028', NOW);
    },
  } as unknown as ReconQueryRepository;
  const service = new DistrictRankingService(repo);
  const person = (role: Principal['role'], districtId: string | null = null): Principal => ({ userId: 'u', username: 'u', role, siteId: null, carrierId: null, districtId });

  test('a leap-year February to a day: that span, against the same days a year before (29 February has none)', async () => {
    asked.length = 0;
    const r = await service.rankings(person('ADMIN'), { period: '2028-02', asOf: '2028-02-29' });
    expect(asked).toEqual([{ from: '2028-02-01', to: '2028-02-29' }, { from: '2027-02-01', to: '2027-02-28' }]);
    expect([r.from, r.to, r.days, r.of]).toEqual(['2028-02-01', '2028-02-29', 29, 5]);
    expect(r.rankings.find((x) => x.metric === 'SAN_ZENG_YI_JIAN')!.entries[0]).toMatchObject({ districtId: 'a', met: true });
  });

  test('a year to a day, and a day', async () => {
    asked.length = 0;
    expect(await service.rankings(person('ADMIN'), { period: '2028', asOf: '2028-03-10' })).toMatchObject({ from: '2028-01-01', to: '2028-03-10', days: 70 });
    expect(await service.rankings(person('ADMIN'), { period: '2028-03-10' })).toMatchObject({ from: '2028-03-10', to: '2028-03-10', days: 1 });
  });

  test('a district office sees its own entries, ranked among every district; another district is refused', async () => {
    const r = await service.rankings(person('INSPECTOR', 'c'), { period: '2028-02' });
    expect(r.of).toBe(5);
    expect(r.rankings.find((x) => x.metric === 'KG_PER_RESIDENT_DAY')!.entries).toEqual([{ districtId: 'c', rank: 2, value: expect.closeTo(0.8 * 10 / 29, 12), noData: false, missing: null }]);
    await expect(service.rankings(person('INSPECTOR', 'c'), { period: '2028-02', districtId: 'a' })).rejects.toMatchObject({ status: 403 });
    await expect(service.rankings(person('OPERATOR'), { period: '2028-02' })).rejects.toMatchObject({ status: 403 });
  });
});
