// A run shows planned against actual, the tolerance it was judged by and the trips it missed.
import { describe, expect, test } from 'vitest';
import { computeDay } from './day.js';
import { DEFAULT_RULES, withRules } from './rules.js';
import { kitRegistry, kitTicket as t, MIN, T0 } from './test-kit.js';
import type { ReconTicket, RouteInfo } from './types.js';

const DAY = '2026-03-10';
const CLOSED = T0 + 3 * 24 * 60 * MIN;
const ROOMY = { ...DEFAULT_RULES, stationCarryLimitKg: 50_000 };
const run = (tickets: ReconTicket[], o: { asOf?: number; rules?: typeof DEFAULT_RULES; rA?: number | null } = {}) => {
  const registry = kitRegistry();
  const routes = new Map(registry.routes);
  if (o.rA !== undefined) routes.set('rA', { ...routes.get('rA')!, kgTolerance: o.rA });
  return computeDay({ day: DAY, tickets, previous: [], registry: { ...registry, routes }, rules: o.rules ?? ROOMY, asOf: o.asOf ?? CLOSED });
};
const rA = (r: ReturnType<typeof run>) => r.routeRuns.find((x) => x.routeId === 'rA')!;
// rA plans 2 trips and 16 t to TS; rB 1 trip and 8 t to INC (test-kit.ts)
const trip = (at: number, netKg: number) => t({ at, siteId: 'ts', vehicleId: 'c1', routeId: 'rA', netKg });
const rB = () => t({ at: 300, siteId: 'inc', vehicleId: 'c2' });

describe('route run: tolerance and missed trips', () => {
  test('the rule’s tolerance, the tonnes it allows, and no trip missed on a complete run', () => {
    const run1 = rA(run([trip(300, 7_000), trip(400, 6_000), rB()]));
    expect(run1).toMatchObject({ plannedTrips: 2, trips: 2, plannedKg: 16_000, netKg: 13_000, kgTolerance: 0.2, kgToleranceSource: 'RULE', minKg: 12_800, missedTrips: 0, status: 'COMPLETE' });
  });

  test('a route’s own tolerance replaces the rule: the same tonnes are short under a tighter one', () => {
    const r = run([trip(300, 7_000), trip(400, 6_000), rB()], { rA: 0.1 });
    expect(rA(r)).toMatchObject({ kgTolerance: 0.1, kgToleranceSource: 'ROUTE', minKg: 14_400, missedTrips: 0, status: 'SHORT' });
    const finding = r.anomalies.find((a) => a.key === `ROUTE_RUN_SHORT:rA:${DAY}`)!;
    expect(finding.details).toMatchObject({ minKg: 14_400, kgTolerance: 0.1, missedTrips: 0 });
    expect((finding.details.why as string[])[0]).toBe('planned 2 trips and 16,000 kg (tonnes may fall to 14,400 kg: 10% tolerance, the route’s own)');
  });

  test('a route’s tolerance of 0 is its own, not the rule’s', () => {
    expect(rA(run([trip(300, 8_000), trip(400, 8_000), rB()], { rA: 0 }))).toMatchObject({ kgTolerance: 0, kgToleranceSource: 'ROUTE', minKg: 16_000, status: 'COMPLETE' });
  });

  test('the deployment’s rule applies to routes without their own', () => {
    expect(rA(run([trip(300, 7_000), trip(400, 6_000), rB()], { rules: withRules({ ...ROOMY, routeKgTolerance: 0.05 }) }))).toMatchObject({ kgTolerance: 0.05, kgToleranceSource: 'RULE', minKg: 15_200, status: 'SHORT' });
  });

  test('missed trips: planned − made once judged; none while the day is open; all of them on a missed run', () => {
    expect(rA(run([trip(300, 9_000), rB()]))).toMatchObject({ trips: 1, missedTrips: 1, status: 'SHORT' });
    expect(rA(run([trip(300, 9_000), rB()], { asOf: T0 + 600 * MIN }))).toMatchObject({ trips: 1, missedTrips: 0, status: 'OPEN' });
    expect(rA(run([rB()]))).toMatchObject({ trips: 0, missedTrips: 2, status: 'MISSED' });
    // more trips than planned miss nothing
    expect(rA(run([trip(300, 6_000), trip(400, 6_000), trip(500, 6_000), rB()]))).toMatchObject({ trips: 3, missedTrips: 0, status: 'COMPLETE' });
  });
});

// A haul route: the trailer `tr` hauls OTHER from the station TS to the incinerator, 2 loads and 18 t a day.
describe('haul route runs', () => {
  const HAUL: RouteInfo = { id: 'rH', code: 'R-H', districtId: 'dA', stream: 'OTHER', destinationSiteId: 'inc', originSiteId: 'ts', scheduleDays: new Set([1, 2, 3, 4, 5, 6, 7]), plannedTrips: 2, plannedKg: 18_000, active: true, effectiveFrom: null, effectiveTo: null, kgTolerance: null, vehicleIds: new Set(['tr']) };
  const haulRun = (tickets: ReconTicket[], o: { asOf?: number; route?: Partial<RouteInfo> } = {}) => {
    const registry = kitRegistry();
    const routes = new Map(registry.routes).set('rH', { ...HAUL, ...o.route });
    return computeDay({ day: DAY, tickets, previous: [], registry: { ...registry, routes }, rules: ROOMY, asOf: o.asOf ?? CLOSED });
  };
  const rH = (r: ReturnType<typeof run>) => r.routeRuns.find((x) => x.routeId === 'rH')!;
  // the routine collection runs, complete; rA tips 18 t at the station, so there is a pile to haul
  const routine = () => [trip(300, 9_000), trip(400, 9_000), rB()];
  const load = (at: number, o: Partial<ReconTicket> = {}, to = 'inc') => [
    t({ at, siteId: 'ts', vehicleId: 'tr', direction: 'OUT', netKg: 9_000, tareKg: 18_000, ...o }),
    t({ at: at + 40, siteId: to, vehicleId: 'tr', netKg: 9_000, tareKg: 18_000, firstWeighedAt: T0 + (at + 30) * MIN, ...o }),
  ];

  test('its run counts the trailers’ arrivals from the station, planned against actual as a collection run is', () => {
    const r = haulRun([...routine(), ...load(500), ...load(700)]);
    expect(rH(r)).toMatchObject({ originSiteId: 'ts', destinationSiteId: 'inc', plannedTrips: 2, trips: 2, netKg: 18_000, storedTareKg: 18_000, minKg: 14_400, missedTrips: 0, unplannedSiteTrips: 0, status: 'COMPLETE' });
    expect(rA(r)).toMatchObject({ originSiteId: null, status: 'COMPLETE' });
    expect(r.runTickets.filter((x) => x.routeId === 'rH').map((x) => x.matchedBy)).toEqual(['VEHICLE', 'VEHICLE']);
    expect(r.anomalies).toEqual([]);
  });

  test('no trailer arrived: MISSED; one of two: SHORT with a missed trip; none while the day is open', () => {
    expect(rH(haulRun(routine()))).toMatchObject({ trips: 0, missedTrips: 2, status: 'MISSED' });
    expect(haulRun(routine()).anomalies.map((a) => a.key)).toEqual([`ROUTE_MISSED_RUN:rH:${DAY}`]);
    const short = haulRun([...routine(), ...load(500)]);
    expect(rH(short)).toMatchObject({ trips: 1, missedTrips: 1, status: 'SHORT' });
    expect(short.anomalies.find((a) => a.kind === 'ROUTE_RUN_SHORT')).toMatchObject({ routeId: 'rH', siteId: 'inc', districtId: 'dA' });
    expect(rH(haulRun(routine(), { asOf: T0 + 600 * MIN }))).toMatchObject({ trips: 0, missedTrips: 0, status: 'OPEN' });
  });

  test('a route’s own tolerance judges its tonnes', () => {
    expect(rH(haulRun([...routine(), ...load(500, { netKg: 7_000 }), ...load(700, { netKg: 7_000 })]))).toMatchObject({ netKg: 14_000, minKg: 14_400, status: 'SHORT' });
    expect(rH(haulRun([...routine(), ...load(500, { netKg: 7_000 }), ...load(700, { netKg: 7_000 })], { route: { kgTolerance: 0.25 } }))).toMatchObject({ minKg: 13_500, kgToleranceSource: 'ROUTE', status: 'COMPLETE' });
  });

  test('an arrival naming the station counts though its departure was not weighed; a declared haul route is matched as declared', () => {
    const named = t({ at: 500, siteId: 'inc', vehicleId: 'tr', netKg: 14_000, originSiteId: 'ts' });
    const declared = t({ at: 700, siteId: 'inc', vehicleId: 'c2', netKg: 14_000, routeId: 'rH' });
    const r = haulRun([...routine(), named, declared]);
    expect(rH(r)).toMatchObject({ trips: 2, netKg: 28_000, status: 'COMPLETE' }); // 14 t each
    expect(r.runTickets.filter((x) => x.routeId === 'rH').map((x) => [x.ticketId, x.matchedBy])).toEqual([[named.id, 'VEHICLE'], [declared.id, 'DECLARED']].sort());
    // the declared ticket is not also a trip of c2's collection route
    expect(r.runTickets.filter((x) => x.routeId === 'rB')).toHaveLength(1);
  });

  test('not its trips: loads from elsewhere, of another stream, of other vehicles, and a delivery to another plant (that leg is LEG_WRONG_DESTINATION)', () => {
    const fromProject = t({ at: 500, siteId: 'inc', vehicleId: 'tr', netKg: 14_000, originSiteId: 'ps' });
    const kitchen = load(600, { stream: 'KITCHEN' }, 'kp');
    const otherVehicle = t({ at: 800, siteId: 'inc', vehicleId: 'mk', netKg: 9_000, originSiteId: 'ts' });
    const [out, atLandfill] = load(900, {}, 'lf');
    const r = haulRun([...routine(), fromProject, ...kitchen, otherVehicle, out!, atLandfill!]);
    expect(rH(r)).toMatchObject({ trips: 0, status: 'MISSED' });
    expect(r.anomalies.find((a) => a.kind === 'LEG_WRONG_DESTINATION')).toMatchObject({ routeId: 'rH', evidence: [out!.id, atLandfill!.id].sort() });
    expect(r.anomalies.filter((a) => a.kind === 'ROUTE_UNPLANNED_SITE')).toEqual([]);
  });

  test('haul tonnes never count as collected: COLLECTED is the collection runs’ alone, DISPOSED follows the station’s mix', () => {
    const r = haulRun([...routine(), ...load(500), ...load(700)]);
    const collected = r.districtDays.filter((d) => d.measure === 'COLLECTED');
    expect(collected.reduce((s, d) => s + d.kg, 0)).toBe(9_000 + 9_000 + 8_000); // rA into TS, rB into INC
    expect(collected.every((d) => d.basis === 'ROUTE')).toBe(true);
    const disposedAtInc = r.districtDays.filter((d) => d.measure === 'DISPOSED' && d.siteId === 'inc');
    expect(disposedAtInc.filter((d) => d.basis === 'STATION_MIX').reduce((s, d) => s + d.kg, 0)).toBe(18_000);
  });

  test('the trailer’s collection-route matching is untouched: a haul route is never a collection trip’s route', () => {
    // an inbound at the station itself with no origin: not a haul trip (it comes from nowhere), and tr runs no collection route
    const r = haulRun([...routine(), t({ at: 500, siteId: 'ts', vehicleId: 'tr', netKg: 5_000 })]);
    expect(r.runTickets.filter((x) => x.routeId === 'rH')).toEqual([]);
  });
});
