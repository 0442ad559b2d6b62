// Through the real API: the deployment's reconciliation rules come from the environment and
// are shown read-only; a route may carry its own tonnage tolerance; and each stored run shows
// planned against actual, the tolerance it was judged by and the trips it missed.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ReconRulesView, RouteRunView } from '@haulproof/contracts';
import { DEFAULT_RULES } from '../../server/src/reconciliation/rules.js';
import { login, seedFixtures, type Fixtures } from '../support/fixtures.js';
import { startTestServer } from '../support/server.js';
import { api } from '../support/users.js';

const DAY = '2026-03-10';
let server: Awaited<ReturnType<typeof startTestServer>>;
let fx: Fixtures;
let admin: ReturnType<typeof api>;
let operator: ReturnType<typeof api>;

beforeAll(async () => {
  server = await startTestServer({ HAULPROOF_RECON_ROUTE_KG_TOLERANCE: '0.25', HAULPROOF_RECON_CUSTODY_WINDOW_MINUTES: '200', HAULPROOF_RECON_TRANSIT_LOSS_SHARE: 'KITCHEN=0.05' });
  fx = await seedFixtures(server.ctx.db.prisma);
  admin = api(server.url, await login(server.url, 'admin'));
  operator = api(server.url, await login(server.url, 'operator.a'));
}, 120_000);
afterAll(() => server?.close());

describe('rules in effect', () => {
  test('read-only, for anyone logged in: the environment’s overrides over the defaults, and which they are', async () => {
    const res = await operator.get('/api/v1/reconciliation/rules');
    expect(res.status).toBe(200);
    const view = res.body as ReconRulesView;
    expect(view.overridden).toEqual(['custodyWindowMinutes', 'routeKgTolerance', 'transitLossShare']);
    expect(view.rules).toEqual({ ...DEFAULT_RULES, routeKgTolerance: 0.25, custodyWindowMinutes: 200, transitLossShare: { KITCHEN: 0.05 } });
    expect(server.ctx.reconciliation.rules).toEqual(view.rules);
  });
});

describe('a route’s own tolerance', () => {
  test('is set, shown, checked and cleared through the registry API', async () => {
    const path = `/api/v1/routes/${fx.routes.A.id}`;
    expect((await admin.get(path)).body.kgTolerance).toBeNull();
    const set = await admin.patch(path, { kgTolerance: 0.1 });
    expect(set.status).toBe(200);
    expect(set.body.kgTolerance).toBe(0.1);
    const bad = await admin.patch(path, { kgTolerance: 1.5 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('kgTolerance');
    expect((await admin.patch(path, {})).body.kgTolerance).toBe(0.1); // an absent field keeps its value
    const created = await admin.post('/api/v1/routes', { code: 'TOL-R01', name: '容差线', districtId: fx.districtA.id, streamCode: 'KITCHEN', destinationSiteId: fx.sites.siteA.id, scheduleDays: [1], shiftStart: '06:00', plannedTrips: 1, plannedKg: 1000, kgTolerance: 0 });
    expect(created.status).toBe(201);
    expect(created.body.kgTolerance).toBe(0);
    expect((await admin.patch(`/api/v1/routes/${created.body.id}`, { kgTolerance: null })).body.kgTolerance).toBeNull();
  });
});

describe('route runs', () => {
  test('each run shows planned and actual trips and tonnes, its tolerance and the trips it missed', async () => {
    await admin.patch(`/api/v1/routes/${fx.routes.A.id}`, { kgTolerance: 0.1 });
    await admin.patch(`/api/v1/routes/${fx.routes.B.id}`, { kgTolerance: null });
    await server.ctx.reconciliation.engine.recompute([DAY], Date.parse('2026-03-20T00:00:00Z'));
    const res = await admin.get(`/api/v1/reconciliation/route-runs?from=${DAY}&to=${DAY}`);
    expect(res.status).toBe(200);
    const runs = new Map((res.body.items as RouteRunView[]).map((r) => [r.routeId, r]));
    // the fixtures' routes plan 3 trips and 24 t a day; nothing was weighed on this day
    expect(runs.get(fx.routes.A.id)).toMatchObject({ plannedTrips: 3, trips: 0, plannedKg: 24_000, kg: { total: 0 }, tolerance: { share: 0.1, source: 'ROUTE', minKg: 21_600 }, missedTrips: 3, status: 'MISSED' });
    expect(runs.get(fx.routes.B.id)).toMatchObject({ plannedTrips: 3, trips: 0, plannedKg: 24_000, tolerance: { share: 0.25, source: 'RULE', minKg: 18_000 }, missedTrips: 3, status: 'MISSED' });
  });
});
