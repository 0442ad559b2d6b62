// The day computation's rules, one small situation each, on a hand-made registry (test-kit.ts).
import { describe, expect, test } from 'vitest';
import { computeDay } from './day.js';
import { touchedDays } from './dirty.js';
import { DEFAULT_RULES } from './rules.js';
import { kitRegistry, kitTicket as t, MIN, T0 } from './test-kit.js';
import type { ReconTicket, StationState } from './types.js';

const DAY = '2026-03-10';
const CLOSED = T0 + 3 * 24 * 60 * MIN;
// Outside the balance tests the station may keep what the routine runs tip (no trailer hauls it).
const ROOMY = { ...DEFAULT_RULES, stationCarryLimitKg: 50_000 };
const run = (tickets: ReconTicket[], o: { asOf?: number; previous?: StationState[]; registry?: ReturnType<typeof kitRegistry>; rules?: typeof DEFAULT_RULES } = {}) =>
  computeDay({ day: DAY, tickets, previous: o.previous ?? [], registry: o.registry ?? kitRegistry(), rules: o.rules ?? ROOMY, asOf: o.asOf ?? CLOSED });
const kinds = (r: ReturnType<typeof run>) => r.anomalies.map((a) => a.kind).sort();
// two complete route runs, so days judged closed do not also report missed runs
const routine = () => [t({ at: 300, siteId: 'ts', vehicleId: 'c1', routeId: 'rA', netKg: 9_000 }), t({ at: 400, siteId: 'ts', vehicleId: 'c1', routeId: 'rA', netKg: 9_000 }), t({ at: 300, siteId: 'inc', vehicleId: 'c2' })];

describe('custody legs', () => {
  test('the same vehicle’s next weighing, inbound elsewhere within the window, delivers the load, and says why', () => {
    const out = t({ at: 600, siteId: 'ts', vehicleId: 'tr', direction: 'OUT', netKg: 14_000, tareKg: 18_000 });
    const arrival = t({ at: 640, siteId: 'inc', vehicleId: 'tr', netKg: 14_040, tareKg: 18_000, firstWeighedAt: T0 + 630 * MIN, originSiteId: 'ts' });
    const r = run([...routine(), out, arrival]);
    expect(r.legs).toEqual([expect.objectContaining({ outTicketId: out.id, status: 'DELIVERED', inTicketId: arrival.id, toSiteId: 'inc', inKg: 14_040 })]);
    expect(r.legs[0]!.explanation.why.join('\n')).toMatch(/next weighing, inbound at INC, began 30 min after departure/);
    expect(r.anomalies).toEqual([]);
  });

  test('no weighing within the window: in transit until the deadline, possible dumping after it', () => {
    const out = t({ at: 600, siteId: 'ts', vehicleId: 'tr', direction: 'OUT', netKg: 14_000 });
    expect(run([...routine(), out], { asOf: T0 + 700 * MIN }).legs[0]!.status).toBe('IN_TRANSIT');
    const late = run([...routine(), out]);
    expect(late.legs[0]!.status).toBe('NO_ARRIVAL');
    expect(late.anomalies.map((a) => a.key)).toEqual([`LEG_NO_ARRIVAL:${out.id}`]);
  });

  test('a second departure before any arrival means the first load was unloaded somewhere unweighed, deadline or not', () => {
    const first = t({ at: 600, siteId: 'ts', vehicleId: 'tr', direction: 'OUT', netKg: 20_000 });
    const second = t({ at: 700, siteId: 'ts', vehicleId: 'tr', direction: 'OUT', netKg: 20_000 });
    const r = run([first, second], { asOf: T0 + 705 * MIN });
    expect(r.legs.find((l) => l.outTicketId === first.id)!.status).toBe('NO_ARRIVAL');
    expect(r.legs.find((l) => l.outTicketId === first.id)!.explanation.why.join()).toMatch(/another departure/);
  });

  test('weights: other waste must match within tolerance; kitchen waste may lose its transit allowance', () => {
    const out = t({ at: 600, siteId: 'ts', vehicleId: 'tr', direction: 'OUT', netKg: 14_000 });
    const light = t({ at: 640, siteId: 'inc', vehicleId: 'tr', netKg: 13_000 });
    expect(kinds(run([...routine(), out, light]))).toEqual(['LEG_WEIGHT_MISMATCH']);
    const kTip = t({ at: 320, siteId: 'ts', vehicleId: 'tr', stream: 'KITCHEN', netKg: 21_000 }); // (the trailer tips too, here: simpler than a kitchen route)
    const kOut = t({ at: 600, siteId: 'ts', vehicleId: 'tr', direction: 'OUT', stream: 'KITCHEN', netKg: 20_000 });
    const kIn = t({ at: 640, siteId: 'kp', vehicleId: 'tr', stream: 'KITCHEN', netKg: 19_300 });
    expect(kinds(run([...routine(), kTip, kOut, kIn]))).toEqual([]);
  });

  test('arriving somewhere the permit does not name, or as another stream, are findings on the leg', () => {
    const out = t({ at: 600, siteId: 'ps', vehicleId: 'mk', direction: 'OUT', stream: 'CONSTRUCTION', netKg: 13_000, permitId: 'p1' });
    const atLandfill = t({ at: 660, siteId: 'lf', vehicleId: 'mk', stream: 'CONSTRUCTION', netKg: 13_000, permitId: 'p1' });
    expect(kinds(run([...routine(), out, atLandfill]))).toEqual(['LEG_WRONG_DESTINATION', 'STREAM_NOT_ACCEPTED']);
    const tOut = t({ at: 600, siteId: 'ts', vehicleId: 'tr', direction: 'OUT', netKg: 14_000 });
    const relabelled = t({ at: 640, siteId: 'kp', vehicleId: 'tr', stream: 'KITCHEN', netKg: 14_000 });
    expect(kinds(run([...routine(), tOut, relabelled]))).toEqual(['LEG_STREAM_CHANGED']);
  });

  test('an arrival from a site that weighs departures, with no departure weighed', () => {
    const arrival = t({ at: 640, siteId: 'inc', vehicleId: 'tr', netKg: 14_000, originSiteId: 'ts' });
    expect(run([...routine(), arrival]).anomalies.map((a) => a.key)).toEqual([`ARRIVAL_WITHOUT_DEPARTURE:${arrival.id}`]);
  });

  test('a leg across midnight: yesterday’s departure, today’s arrival, shared out by yesterday’s station mix', () => {
    const out = t({ at: -10, siteId: 'ts', vehicleId: 'tr', direction: 'OUT', netKg: 20_000 });
    const arrival = t({ at: 25, siteId: 'inc', vehicleId: 'tr', netKg: 20_000, firstWeighedAt: T0 + 20 * MIN });
    const yesterday: StationState = { siteId: 'ts', stream: 'OTHER', carriedMinKg: 0, carriedMaxKg: 0, closingMix: {}, mix: { dA: 3, dB: 1 } };
    const r = run([...routine(), out, arrival], { previous: [yesterday] });
    expect(r.legs).toEqual([]); // the leg belongs to yesterday
    const disposed = r.districtDays.filter((d) => d.measure === 'DISPOSED' && d.basis === 'STATION_MIX');
    expect(disposed.map((d) => [d.districtId, d.kg])).toEqual([['dA', 15_000], ['dB', 5_000]]);
  });
});

describe('transfer-station balance', () => {
  const tips = (kg: number, each = 8_000) => Array.from({ length: kg / each }, (_, i) => t({ at: 300 + i * 10, siteId: 'ts', vehicleId: 'c1', routeId: 'rA', netKg: each }));
  const hauls = (...kgs: number[]) => kgs.map((kg, i) => t({ at: 500 + i * 100, siteId: 'ts', vehicleId: 'tr', direction: 'OUT', netKg: kg, tareKg: 18_000 }));
  const arrivals = (...kgs: number[]) => kgs.map((kg, i) => t({ at: 530 + i * 100, siteId: 'inc', vehicleId: 'tr', netKg: kg, tareKg: 18_000 }));
  const balance = (tickets: ReconTicket[], o: { asOf?: number } = {}) => run(tickets, { ...o, rules: DEFAULT_RULES });

  test('stock is an interval: nothing lost at most, the whole allowance lost at least; it carries to tomorrow', () => {
    const r = balance([...tips(100_000, 10_000), ...hauls(30_000, 30_000, 30_000, 5_000), ...arrivals(30_000, 30_000, 30_000, 5_000), t({ at: 300, siteId: 'inc', vehicleId: 'c2' })]);
    expect(r.balances[0]).toMatchObject({ inKg: 100_000, outKg: 95_000, lossAllowanceKg: 1_000, closingMinKg: 4_000, closingMaxKg: 5_000, carriedMinKg: 4_000, carriedMaxKg: 5_000, imbalanceKg: 0 });
    expect(r.states[0]).toMatchObject({ carriedMaxKg: 5_000, closingMix: { dA: 5_000 } });
    expect(r.anomalies).toEqual([]);
  });

  test('waste that cannot still be on the floor is an imbalance, written off so it is reported once', () => {
    const r = balance([...tips(100_000, 10_000), ...hauls(30_000, 30_000), ...arrivals(30_000, 30_000), t({ at: 300, siteId: 'inc', vehicleId: 'c2' })]);
    expect(r.balances[0]).toMatchObject({ closingMinKg: 39_000, imbalanceKg: 29_000, carriedMinKg: 0, carriedMaxKg: 10_000 });
    expect(kinds(r)).toEqual(['STATION_IMBALANCE']);
    const open = balance([...tips(100_000, 10_000), ...hauls(30_000, 30_000), ...arrivals(30_000, 30_000)], { asOf: T0 + 23 * 60 * MIN });
    expect(open.balances[0]!.imbalanceKg).toBe(29_000); // the state is the same whenever it is computed…
    expect(open.anomalies.filter((a) => a.kind === 'STATION_IMBALANCE')).toEqual([]); // …but the day is judged once closed
  });

  test('more out than ever came in is an imbalance too', () => {
    const r = balance([...tips(16_000), ...hauls(30_000), ...arrivals(30_000), t({ at: 300, siteId: 'inc', vehicleId: 'c2' })]);
    expect(r.balances[0]).toMatchObject({ closingMaxKg: -14_000, imbalanceKg: -14_000 });
    expect(kinds(r)).toEqual(['STATION_IMBALANCE']);
  });
});

describe('route runs', () => {
  test('planned against weighed; a short run and a missed run once the day is closed, open before', () => {
    const one = [t({ at: 300, siteId: 'ts', vehicleId: 'c1', routeId: 'rA' })];
    const r = run(one);
    expect(r.routeRuns.map((x) => [x.routeId, x.status, x.trips, x.plannedTrips])).toEqual([['rA', 'SHORT', 1, 2], ['rB', 'MISSED', 0, 1]]);
    expect(kinds(r)).toEqual(['ROUTE_MISSED_RUN', 'ROUTE_RUN_SHORT']);
    expect(run(one, { asOf: T0 + 600 * MIN }).routeRuns.map((x) => x.status)).toEqual(['OPEN', 'OPEN']);
  });

  test('tickets match runs by vehicle and stream without a declared route; a delivery elsewhere counts but is a finding', () => {
    const r = run([t({ at: 300, siteId: 'ts', vehicleId: 'c1' }), t({ at: 400, siteId: 'inc', vehicleId: 'c1' }), t({ at: 300, siteId: 'inc', vehicleId: 'c2' })]);
    expect(r.runTickets.map((x) => [x.routeId, x.matchedBy])).toEqual([['rA', 'VEHICLE'], ['rA', 'VEHICLE'], ['rB', 'VEHICLE']]);
    expect(r.routeRuns.find((x) => x.routeId === 'rA')).toMatchObject({ status: 'COMPLETE', unplannedSiteTrips: 1 });
    expect(kinds(r)).toEqual(['ROUTE_UNPLANNED_SITE']);
  });

  test('provenance stays apart in a run’s tonnes', () => {
    const r = run([t({ at: 300, siteId: 'ts', vehicleId: 'c1', provenance: 'KEYED', tareSource: 'KEYED', netKg: 7_000 }), t({ at: 400, siteId: 'ts', vehicleId: 'c1', provenance: 'WEIGHED', tareSource: 'WEIGHED', netKg: 9_000 })]);
    expect(r.routeRuns.find((x) => x.routeId === 'rA')).toMatchObject({ netKg: 16_000, keyedKg: 7_000, weighedKg: 9_000, storedTareKg: 0 });
  });
});

describe('single weighings and site days', () => {
  test('overweight, a manipulated tare, a stream the site refuses, a stream the truck is not registered for', () => {
    const r = run([
      ...routine(),
      t({ at: 500, siteId: 'inc', vehicleId: 'c2', netKg: 11_000 }),
      t({ at: 600, siteId: 'inc', vehicleId: 'c2', tareSource: 'WEIGHED', provenance: 'WEIGHED', tareKg: 14_000, netKg: 9_000 }),
      t({ at: 700, siteId: 'kp', vehicleId: 'tr', netKg: 10_000 }),
      t({ at: 800, siteId: 'ts', vehicleId: 'c1', stream: 'KITCHEN', netKg: 5_000 }),
    ]);
    expect(kinds(r)).toEqual(['OVERWEIGHT', 'STREAM_NOT_ACCEPTED', 'TARE_DEVIATION', 'VEHICLE_STREAM_UNREGISTERED']);
  });

  test('intake above capacity, judged on the closed day', () => {
    const r = run([...routine(), ...Array.from({ length: 13 }, (_, i) => t({ at: 500 + i * 30, siteId: 'lf', vehicleId: 'tr', netKg: 8_000 }))]);
    expect(r.anomalies.map((a) => a.kind)).toContain('CAPACITY_EXCEEDED');
  });

  test('construction waste: no permit, an expired one, an unlisted truck, the wrong disposal site; trips counted', () => {
    const reg = kitRegistry();
    const ok = t({ at: 600, siteId: 'cwp', vehicleId: 'mk', stream: 'CONSTRUCTION', permitId: 'p1', netKg: 13_000 });
    const missing = t({ at: 700, siteId: 'cwp', vehicleId: 'mk', stream: 'CONSTRUCTION', netKg: 13_000 });
    const unlisted = t({ at: 800, siteId: 'cwp', vehicleId: 'c2', stream: 'CONSTRUCTION', permitId: 'p1', provenance: 'ESTIMATED', tareSource: 'ESTIMATED', netKg: 9_000 });
    const r = run([...routine(), ok, missing, unlisted], { registry: reg });
    expect(r.anomalies.map((a) => a.key).filter((k) => k.startsWith('PERMIT'))).toEqual([`PERMIT_MISSING:${missing.id}`, `PERMIT_VEHICLE_NOT_LISTED:${unlisted.id}`]);
    expect(r.permitDays).toEqual([{ permitId: 'p1', serviceDay: DAY, trips: 2, netKg: 22_000, byProvenance: { WEIGHED: 0, STORED_TARE: 13_000, KEYED: 0, ESTIMATED: 9_000 } }]);
    (reg.permits.get('p1') as { validTo: string }).validTo = '2026-03-01';
    expect(run([...routine(), ok], { registry: reg }).anomalies.map((a) => a.kind)).toEqual(['PERMIT_EXPIRED']);
  });

  test('attribution conserves every kilogram received at final sites', () => {
    const r = run([...routine(), t({ at: 500, siteId: 'kp', vehicleId: 'tr', stream: 'KITCHEN', netKg: 12_345 })]);
    const received = r.siteDays.filter((s) => s.direction === 'IN' && s.siteId !== 'ts').reduce((s, x) => s + x.netKg, 0);
    expect(r.districtDays.filter((d) => d.measure === 'DISPOSED').reduce((s, d) => s + d.kg, 0)).toBe(received);
  });
});

test('a ticket touches its neighbour days only when custody could reach across midnight', () => {
  const tz = 'Asia/Shanghai';
  expect(touchedDays({ weighedAt: T0 + 2 * 60 * MIN, firstWeighedAt: T0 + 2 * 60 * MIN, timezone: tz }, DEFAULT_RULES)).toEqual({ day: DAY, before: true, after: false });
  expect(touchedDays({ weighedAt: T0 + 10 * 60 * MIN, firstWeighedAt: T0 + 10 * 60 * MIN, timezone: tz }, DEFAULT_RULES)).toEqual({ day: DAY, before: false, after: true });
  expect(touchedDays({ weighedAt: T0 + 5 * 60 * MIN, firstWeighedAt: T0 + 5 * 60 * MIN, timezone: tz }, DEFAULT_RULES)).toEqual({ day: DAY, before: false, after: false });
});
