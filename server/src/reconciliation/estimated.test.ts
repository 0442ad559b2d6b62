// Estimated weights (估重) in the day computation: shown apart in every total, and never the
// proof of a weight finding (custody leg, station balance, overweight).
import { describe, expect, test } from 'vitest';
import { computeDay } from './day.js';
import { DEFAULT_RULES } from './rules.js';
import { kitRegistry, kitTicket as t, MIN, T0 } from './test-kit.js';
import type { ReconTicket } from './types.js';

const DAY = '2026-03-10';
const CLOSED = T0 + 3 * 24 * 60 * MIN;
const ROOMY = { ...DEFAULT_RULES, stationCarryLimitKg: 50_000 };
const run = (tickets: ReconTicket[], rules = ROOMY) => computeDay({ day: DAY, tickets, previous: [], registry: kitRegistry(), rules, asOf: CLOSED });
const kinds = (r: ReturnType<typeof run>) => r.anomalies.map((a) => a.kind).sort();
const est = { provenance: 'ESTIMATED', tareSource: 'STORED' } as const;
const routine = () => [t({ at: 300, siteId: 'ts', vehicleId: 'c1', routeId: 'rA', netKg: 9_000 }), t({ at: 400, siteId: 'ts', vehicleId: 'c1', routeId: 'rA', netKg: 7_000, ...est }), t({ at: 300, siteId: 'inc', vehicleId: 'c2' })];

describe('totals keep estimated tonnes apart', () => {
  test('site days, route runs, district figures and station balances', () => {
    const r = run(routine());
    expect(r.siteDays.filter((s) => s.siteId === 'ts').map((s) => [s.provenance, s.tickets, s.netKg]).sort()).toEqual([['ESTIMATED', 1, 7_000], ['STORED_TARE', 1, 9_000]]);
    expect(r.routeRuns.find((x) => x.routeId === 'rA')).toMatchObject({ netKg: 16_000, estimatedKg: 7_000, storedTareKg: 9_000, keyedKg: 0, weighedKg: 0 });
    const collected = r.districtDays.filter((d) => d.measure === 'COLLECTED' && d.siteId === 'ts');
    expect(collected.map((d) => [d.districtId, d.provenance, d.kg]).sort()).toEqual([['dA', 'ESTIMATED', 7_000], ['dA', 'STORED_TARE', 9_000]]);
    expect(r.balances[0]!.provenance.in).toEqual({ WEIGHED: 0, STORED_TARE: 9_000, KEYED: 0, ESTIMATED: 7_000 });
  });

  test('a run judged short names the estimated share of its tonnes', () => {
    const r = run([t({ at: 300, siteId: 'ts', vehicleId: 'c1', routeId: 'rA', netKg: 5_000, ...est }), t({ at: 300, siteId: 'inc', vehicleId: 'c2' })]);
    const short = r.anomalies.find((a) => a.kind === 'ROUTE_RUN_SHORT')!;
    expect((short.details.why as string[]).join('\n')).toMatch(/5,000 kg of the tonnes are estimates \(估重\)/);
  });
});

describe('custody legs with an estimated end', () => {
  const out = (o = {}) => t({ at: 600, siteId: 'ts', vehicleId: 'tr', direction: 'OUT', netKg: 14_000, tareKg: 18_000, ...o });
  const arrival = (o = {}) => t({ at: 640, siteId: 'inc', vehicleId: 'tr', netKg: 11_000, tareKg: 18_000, ...o });

  test('weighed at both ends, 3 t short is a weight mismatch (the control)', () => {
    expect(kinds(run([...routine(), out(), arrival()]))).toEqual(['LEG_WEIGHT_MISMATCH']);
  });

  test('an estimated arrival is matched, delivered, and its weight not compared: the leg says why', () => {
    const o = out();
    const a = arrival(est);
    const r = run([...routine(), o, a]);
    expect(r.legs).toEqual([expect.objectContaining({ outTicketId: o.id, status: 'DELIVERED', inTicketId: a.id, inKg: 11_000 })]);
    expect(r.legs[0]!.explanation).toMatchObject({ weightCompared: false, diffKg: -3_000 });
    expect(r.legs[0]!.explanation.why.join('\n')).toMatch(/weights NOT compared: the arrival weight is an estimate \(估重, the scale could not weigh\), which cannot prove a difference/);
    expect(kinds(r)).toEqual([]);
  });

  test('an estimated departure likewise; other findings on the leg still stand', () => {
    const r = run([...routine(), out(est), arrival({ stream: 'KITCHEN', siteId: 'kp' })]);
    expect(r.legs[0]!.explanation.why.join('\n')).toMatch(/the departure weight is an estimate/);
    expect(kinds(r)).toEqual(['LEG_STREAM_CHANGED']);
  });
});

describe('weighing checks leave estimates out', () => {
  test('an estimated gross above the vehicle’s maximum is no overweight finding; a weighed one is', () => {
    const heavy = (o = {}) => t({ at: 500, siteId: 'inc', vehicleId: 'c2', netKg: 11_000, ...o });
    expect(kinds(run([...routine(), heavy()]))).toEqual(['OVERWEIGHT']);
    expect(kinds(run([...routine(), heavy(est)]))).toEqual([]);
  });

  test('an estimated tare is no tare deviation', () => {
    expect(kinds(run([...routine(), t({ at: 600, siteId: 'inc', vehicleId: 'c2', provenance: 'ESTIMATED', tareSource: 'ESTIMATED', tareKg: 14_000, netKg: 9_000 })]))).toEqual([]);
  });
});

describe('station balance with estimated tonnes', () => {
  // 100 t in, 60 t out, 1 t loss allowed: at least 39 t on a floor that holds 10 t overnight
  const day = (estimatedTips: number) => [
    ...Array.from({ length: 10 }, (_, i) => t({ at: 300 + i * 10, siteId: 'ts', vehicleId: 'c1', routeId: 'rA', netKg: 10_000, ...(i < estimatedTips ? est : {}) })),
    ...[0, 1].map((i) => t({ at: 500 + i * 100, siteId: 'ts', vehicleId: 'tr', direction: 'OUT', netKg: 30_000, tareKg: 18_000 })),
    ...[0, 1].map((i) => t({ at: 530 + i * 100, siteId: 'inc', vehicleId: 'tr', netKg: 30_000, tareKg: 18_000 })),
    t({ at: 300, siteId: 'inc', vehicleId: 'c2' }),
  ];

  test('the tolerance grows by the estimated kg: a gap the estimates could explain is no imbalance', () => {
    const r = run(day(3), DEFAULT_RULES);
    expect(r.balances[0]).toMatchObject({ inKg: 100_000, outKg: 60_000, closingMinKg: 39_000, toleranceKg: 31_000, imbalanceKg: 0 });
    expect(kinds(r)).not.toContain('STATION_IMBALANCE');
  });

  test('a gap beyond them still is, and the finding says how much of the tolerance the estimates took', () => {
    const r = run(day(1), DEFAULT_RULES);
    expect(r.balances[0]).toMatchObject({ toleranceKg: 11_000, imbalanceKg: 29_000 });
    const found = r.anomalies.find((a) => a.kind === 'STATION_IMBALANCE')!;
    expect((found.details.why as string[]).join('\n')).toMatch(/tolerance 11,000 kg, of which 10,000 kg for estimated weights \(估重\)/);
  });
});
