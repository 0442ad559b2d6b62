// A route exists only on the days its plan is in force (route-runs.ts): outside them it
// plans no run and no trip counts for it, declared or not.
import { expect, test } from 'vitest';
import { computeDay } from './day.js';
import { DEFAULT_RULES } from './rules.js';
import { kitRegistry, kitTicket as t, MIN, T0 } from './test-kit.js';
import type { RouteInfo } from './types.js';

const DAY = '2026-03-10'; // the kit's tickets fall on it
const CLOSED = T0 + 3 * 24 * 60 * MIN;

function withWindow(window: Pick<RouteInfo, 'effectiveFrom' | 'effectiveTo'>) {
  const registry = kitRegistry();
  const routes = new Map(registry.routes);
  routes.set('rA', { ...routes.get('rA')!, ...window });
  return { ...registry, routes };
}
const day = (window: Pick<RouteInfo, 'effectiveFrom' | 'effectiveTo'>) =>
  computeDay({ day: DAY, tickets: [t({ at: 300, siteId: 'ts', vehicleId: 'c1', routeId: 'rA' })], previous: [], registry: withWindow(window), rules: { ...DEFAULT_RULES, stationCarryLimitKg: 50_000 }, asOf: CLOSED });

test('before its first day and after its last, a route plans no run and takes no trip, even one declaring it', () => {
  for (const window of [{ effectiveFrom: '2026-03-11', effectiveTo: null }, { effectiveFrom: null, effectiveTo: '2026-03-09' }]) {
    const r = day(window);
    expect(r.routeRuns.map((x) => x.routeId)).not.toContain('rA');
    expect(r.runTickets).toEqual([]);
    expect(r.anomalies.filter((a) => a.routeId === 'rA' && a.kind.startsWith('ROUTE_'))).toEqual([]); // no missed run, no unplanned site
  }
});

test('on its first and last day it runs (both ends count)', () => {
  for (const window of [{ effectiveFrom: DAY, effectiveTo: null }, { effectiveFrom: '2026-03-01', effectiveTo: DAY }]) {
    expect(day(window).runTickets).toEqual([expect.objectContaining({ routeId: 'rA', matchedBy: 'DECLARED' })]);
  }
});
