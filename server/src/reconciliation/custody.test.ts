// Where a load must arrive (destination.ts): the permit, else the route the departure
// declares, else the vehicle's own haul route for the stream. On the hand-made registry of
// test-kit.ts, with the transfer trailer `tr` given a haul route TS → INC where a test needs one.
import { describe, expect, test } from 'vitest';
import { computeDay } from './day.js';
import { DEFAULT_RULES } from './rules.js';
import { kitRegistry, kitTicket as t, MIN, T0 } from './test-kit.js';
import type { ReconTicket, RouteInfo } from './types.js';

const DAY = '2026-03-10'; // a Tuesday (ISO weekday 2)
const CLOSED = T0 + 3 * 24 * 60 * MIN;
const ROOMY = { ...DEFAULT_RULES, stationCarryLimitKg: 50_000 };
// the routine collection runs, complete, so the day reports nothing of its own
const routine = () => [t({ at: 300, siteId: 'ts', vehicleId: 'c1', routeId: 'rA', netKg: 9_000 }), t({ at: 400, siteId: 'ts', vehicleId: 'c1', routeId: 'rA', netKg: 9_000 }), t({ at: 300, siteId: 'inc', vehicleId: 'c2' })];

function registryWith(...routes: Partial<RouteInfo>[]) {
  const registry = kitRegistry();
  const all = new Map(registry.routes);
  for (const [i, r] of routes.entries()) {
    // a haul route: the trailer, from the station to the incinerator; not a collection run (no trips planned here)
    const route: RouteInfo = { id: `rH${i}`, code: `R-H${i}`, districtId: 'dA', stream: 'OTHER', destinationSiteId: 'inc', originSiteId: 'ts', scheduleDays: new Set([1, 2, 3, 4, 5, 6, 7]), plannedTrips: 1, plannedKg: 1, active: true, effectiveFrom: null, effectiveTo: null, kgTolerance: null, vehicleIds: new Set(['tr']), ...r };
    all.set(route.id, route);
  }
  return { ...registry, routes: all };
}
const run = (tickets: ReconTicket[], registry = kitRegistry()) => computeDay({ day: DAY, tickets, previous: [], registry, rules: ROOMY, asOf: CLOSED });
const legFindings = (r: ReturnType<typeof run>) => r.anomalies.filter((a) => a.kind.startsWith('LEG_'));
const haul = (o: Partial<ReconTicket> = {}) => t({ at: 600, siteId: 'ts', vehicleId: 'tr', direction: 'OUT', netKg: 14_000, tareKg: 18_000, ...o });
const arriveAt = (siteId: string, o: Partial<ReconTicket> = {}) => t({ at: 640, siteId, vehicleId: 'tr', netKg: 14_000, tareKg: 18_000, firstWeighedAt: T0 + 630 * MIN, ...o });

describe('wrong destination without a permit', () => {
  test('the vehicle’s haul route names the plant: arriving there is fine, and the leg says which route was checked', () => {
    const r = run([...routine(), haul(), arriveAt('inc')], registryWith({}));
    expect(legFindings(r)).toEqual([]);
    expect(r.legs[0]!.explanation).toMatchObject({ expectedSiteId: 'inc', expectedBy: 'VEHICLE_ROUTE', expectedRouteId: 'rH0' });
    expect(r.legs[0]!.explanation.why.join('\n')).toMatch(/runs route R-H0 for OTHER, which delivers to INC$/m);
  });

  test('arriving at another site than the haul route names raises LEG_WRONG_DESTINATION, explained and scoped to the route', () => {
    const out = haul();
    const atLandfill = arriveAt('lf');
    const r = run([...routine(), out, atLandfill], registryWith({}));
    expect(legFindings(r).map((a) => a.key)).toEqual([`LEG_WRONG_DESTINATION:${out.id}`]);
    const finding = legFindings(r)[0]!;
    expect(finding).toMatchObject({ routeId: 'rH0', siteId: 'ts', vehicleId: 'tr', permitId: null, evidence: [out.id, atLandfill.id].sort() });
    expect(finding.summary).toBe('苏Etr on route R-H0 delivered to LF, not the route’s INC');
    expect(r.legs[0]!.explanation.why.join('\n')).toMatch(/which delivers to INC — DIFFERENT site/);
  });

  test('a haul route declared on a departure from another station says nothing about it', () => {
    const r = run([...routine(), haul({ routeId: 'rH0' }), arriveAt('lf')], registryWith({ originSiteId: 'ps', vehicleIds: new Set() }));
    expect(legFindings(r)).toEqual([]);
    expect(r.legs[0]!.explanation.expectedSiteId).toBeNull();
  });

  test('a route declared on the departure wins over the vehicle’s own routes', () => {
    const out = haul({ routeId: 'rH1' });
    const r = run([...routine(), out, arriveAt('inc')], registryWith({}, { destinationSiteId: 'lf', vehicleIds: new Set() }));
    expect(legFindings(r).map((a) => a.key)).toEqual([`LEG_WRONG_DESTINATION:${out.id}`]);
    expect(r.legs[0]!.explanation).toMatchObject({ expectedSiteId: 'lf', expectedBy: 'DECLARED_ROUTE', expectedRouteId: 'rH1' });
    expect(r.legs[0]!.explanation.why.join('\n')).toMatch(/route R-H1, declared on the departure, delivers to LF — DIFFERENT site/);
  });

  test('with several routes that day, any of their destinations is right', () => {
    const registry = registryWith({}, { destinationSiteId: 'lf' });
    expect(legFindings(run([...routine(), haul(), arriveAt('lf')], registry))).toEqual([]);
    expect(legFindings(run([...routine(), haul(), arriveAt('inc')], registry))).toEqual([]);
    const out = haul();
    const r = run([...routine(), out, arriveAt('kp', { stream: 'OTHER' })], registry);
    expect(legFindings(r).map((a) => a.kind)).toEqual(['LEG_WRONG_DESTINATION']);
    expect(r.legs[0]!.explanation.why.join('\n')).toMatch(/runs routes R-H0, R-H1 for OTHER, which deliver to INC or LF — DIFFERENT site/);
  });

  test('routes scheduled that day are preferred; an unscheduled one still counts when it is the only one', () => {
    const monday = { scheduleDays: new Set([1]) };
    expect(legFindings(run([...routine(), haul(), arriveAt('lf')], registryWith({}, { destinationSiteId: 'lf', ...monday }))).map((a) => a.kind)).toEqual(['LEG_WRONG_DESTINATION']);
    const r = run([...routine(), haul(), arriveAt('inc')], registryWith(monday));
    expect(legFindings(r)).toEqual([]);
    expect(r.legs[0]!.explanation.why.join('\n')).toMatch(/R-H0 for OTHER \(not scheduled that day\)/);
  });

  test('no expectation: routes for another stream, inactive or out of effect, into the very site the load left, a collection route, or a haul route from another station', () => {
    const cases: Partial<RouteInfo>[] = [{ stream: 'KITCHEN' }, { active: false }, { effectiveTo: '2026-03-09' }, { effectiveFrom: '2026-03-11' }, { destinationSiteId: 'ts' }, { originSiteId: null }, { originSiteId: 'ps' }];
    for (const c of cases) {
      const r = run([...routine(), haul(), arriveAt('lf')], registryWith({ ...c }));
      expect(legFindings(r), JSON.stringify(c)).toEqual([]);
      expect(r.legs[0]!.explanation.expectedSiteId).toBeNull();
      expect(r.legs[0]!.explanation).not.toHaveProperty('expectedBy');
    }
  });

  test('a permit still decides when there is one, whatever the vehicle’s routes say', () => {
    const registry = registryWith({ vehicleIds: new Set(['mk']), stream: 'CONSTRUCTION', destinationSiteId: 'lf' });
    const out = t({ at: 600, siteId: 'ps', vehicleId: 'mk', direction: 'OUT', stream: 'CONSTRUCTION', netKg: 13_000, permitId: 'p1' });
    const atPlant = t({ at: 660, siteId: 'cwp', vehicleId: 'mk', stream: 'CONSTRUCTION', netKg: 13_000, permitId: 'p1' });
    const r = run([...routine(), out, atPlant], registry);
    expect(legFindings(r)).toEqual([]);
    expect(r.legs[0]!.explanation).toMatchObject({ expectedSiteId: 'cwp' });
    expect(r.legs[0]!.explanation).not.toHaveProperty('expectedBy');
    expect(r.legs[0]!.explanation.why.join('\n')).toMatch(/permit P-1 names CWP for disposal$/m);
  });

  test('without a permit or route, nothing is expected (the trailer of the kit has no route)', () => {
    expect(legFindings(run([...routine(), haul(), arriveAt('lf')]))).toEqual([]);
  });
});
