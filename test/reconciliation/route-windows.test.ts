// A route's plan is in force from effectiveFrom to effectiveTo: no run is planned outside
// those days, so a new route raises no missed runs for days before it took effect, and
// ending a route recomputes only the days it no longer covers.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { reconHarness, type ReconHarness } from './harness.js';
import { registryWorker, until, type RegistryWorker } from './registry-worker.js';
import { expectSameRows, storedRows } from './stored-rows.js';

const SPEC = { seed: 41, from: '2026-03-02', days: 8, districts: 2, populationScale: 0.05 };

let h: ReconHarness;
let w: RegistryWorker;
let days: string[];

beforeAll(async () => {
  h = await reconHarness(SPEC);
  days = h.scenario.days;
  await h.engine.recomputeRange(days[0]!, days.at(-1)!, h.asOf);
  w = registryWorker(h);
}, 120_000);
afterAll(async () => {
  await w?.stop();
  await h?.close();
});

async function expectFromScratchAgrees(): Promise<void> {
  const incremental = await storedRows(h.owner);
  const outcomes = await h.engine.recomputeRange(days[0]!, days.at(-1)!, h.asOf);
  expect(outcomes.flatMap((o) => [...o.changes.raised, ...o.changes.updated, ...o.changes.cleared])).toEqual([]);
  expectSameRows(await storedRows(h.owner), incremental);
}

async function settle(): Promise<string[]> {
  await until('a recomputation', () => w.updates().length > 0);
  await w.recon.worker.flush();
  return w.updates().flatMap((u) => u.days).sort();
}

test('a new route plans runs from the day it takes effect, and misses none before', async () => {
  const template = h.scenario.city.routes[0]!;
  const from = days[4]!;
  w.heard.length = 0;
  const route = await w.routes.create({
    code: 'R-NEW-PLAN', name: 'new plan', districtId: template.districtId, streamCode: template.stream, destinationSiteId: template.destinationSiteId,
    scheduleDays: [1, 2, 3, 4, 5, 6, 7], shiftStart: '06:00', plannedTrips: 2, plannedKg: 12_000, vehicleIds: [], points: [], active: true, effectiveFrom: from,
  });

  expect(await settle()).toEqual(days.filter((d) => d >= from)); // only the days it is in force
  const { rows: runs } = await h.owner.query<{ day: string; status: string }>(`SELECT service_day::text AS day, status FROM recon_route_run WHERE route_id = $1 ORDER BY 1`, [route.id]);
  expect(runs).toEqual(days.filter((d) => d >= from).map((d) => ({ day: d, status: 'MISSED' }))); // it has no trucks yet
  const { rows: missed } = await h.owner.query<{ day: string }>(`SELECT service_day::text AS day FROM anomaly WHERE active AND route_id = $1 AND kind = 'ROUTE_MISSED_RUN' ORDER BY 1`, [route.id]);
  expect(missed.map((r) => r.day)).toEqual(days.filter((d) => d >= from));
  await expectFromScratchAgrees();
});

test('ending a route recomputes only the days after its end; its trips then count for no run of it', async () => {
  const { rows: busy } = await h.owner.query<{ route_id: string }>(`SELECT route_id FROM recon_route_run WHERE trips > 0 GROUP BY route_id HAVING count(*) = $1 ORDER BY sum(trips) DESC LIMIT 1`, [days.length]);
  const routeId = busy[0]!.route_id;
  const end = days[3]!;
  w.heard.length = 0;
  await w.routes.update(routeId, { effectiveTo: end });

  expect(await settle()).toEqual(days.filter((d) => d > end));
  const { rows } = await h.owner.query<{ last: string }>(`SELECT max(service_day)::text AS last FROM recon_run_ticket WHERE route_id = $1`, [routeId]);
  expect(rows[0]!.last).toBe(end);
  const { rows: runs } = await h.owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM recon_route_run WHERE route_id = $1 AND service_day > $2`, [routeId, end]);
  expect(runs[0]!.n).toBe(0);
  await expectFromScratchAgrees();
});

test('a route cannot end before it takes effect', async () => {
  const routeId = h.scenario.city.routes[1]!.id;
  await expect(w.routes.update(routeId, { effectiveFrom: days[5]!, effectiveTo: days[2]! })).rejects.toMatchObject({ status: 400 }); // validation, like any invalid body
  await expect(h.owner.query(`UPDATE collection_route SET effective_from = $2, effective_to = $3 WHERE id = $1`, [routeId, days[5], days[2]])).rejects.toThrow(/collection_route_effective_window/);
});
