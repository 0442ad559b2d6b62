// Registry edits reach the stored days: after an edit through the registry service and
// the worker's background runs, the stored rows are exactly what a from-scratch
// recomputation of every day stores, and the findings the edit settles are cleared or raised.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AnomalyView } from '@haulproof/contracts';
import { reconHarness, type ReconHarness } from './harness.js';
import { CHUNK_DAYS, registryWorker, until, type RegistryWorker } from './registry-worker.js';
import { expectSameRows, storedRows } from './stored-rows.js';

const SPEC = { seed: 23, from: '2026-03-02', days: 9, districts: 2, populationScale: 0.05, faults: { WRONG_DISPOSAL_SITE: 2 } };

let h: ReconHarness;
let w: RegistryWorker;

beforeAll(async () => {
  h = await reconHarness(SPEC);
  await h.engine.recomputeRange(h.scenario.days[0]!, h.scenario.days.at(-1)!, h.asOf);
  w = registryWorker(h);
}, 120_000);
afterAll(async () => {
  await w?.stop();
  await h?.close();
});

/** Recomputes every day from scratch: it must find nothing to change, row for row. */
async function expectFromScratchAgrees(): Promise<void> {
  const incremental = await storedRows(h.owner);
  const outcomes = await h.engine.recomputeRange(h.scenario.days[0]!, h.scenario.days.at(-1)!, h.asOf);
  expect(outcomes.flatMap((o) => [...o.changes.raised, ...o.changes.updated, ...o.changes.cleared])).toEqual([]);
  expectSameRows(await storedRows(h.owner), incremental);
}

test("naming the site a load really went to as the permit's disposal site clears that finding and flags the permit's other loads", async () => {
  const fault = h.scenario.faults.find((f) => f.expectedKeys[0]!.startsWith('PERMIT_WRONG_SITE:'))!;
  const load = h.scenario.tickets.find((t) => t.id === fault.ticketIds[0])!;
  const permitId = load.permitId!;
  expect(await w.activeKeys()).toContain(fault.expectedKeys[0]);
  w.heard.length = 0;

  await w.permits.update(permitId, { disposalSiteId: load.siteId });

  // no flush: the worker gets there by itself
  await until('the finding to clear', async () => !(await w.activeKeys()).includes(fault.expectedKeys[0]!));
  await w.recon.worker.flush();
  const cleared = w.heard.find((m) => m.event === 'anomaly.updated' && (m.payload as AnomalyView).naturalKey === fault.expectedKeys[0])?.payload as AnomalyView;
  expect(cleared).toMatchObject({ active: false });
  const { rows } = await h.owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM anomaly WHERE active AND permit_id = $1 AND kind IN ('PERMIT_WRONG_SITE', 'LEG_WRONG_DESTINATION')`, [permitId]);
  expect(rows[0]!.n).toBeGreaterThan(0); // its loads to the old site are now the wrong ones
  expect(w.heard.some((m) => m.event === 'anomaly.raised' && (m.payload as AnomalyView).permitId === permitId)).toBe(true);

  // in chunks, each day once
  const updates = w.updates();
  expect(updates.length).toBeGreaterThan(1);
  for (const u of updates) expect(u.days.length).toBeLessThanOrEqual(CHUNK_DAYS);
  const days = updates.flatMap((u) => u.days);
  expect(new Set(days).size).toBe(days.length);
  await expectFromScratchAgrees();
});

test('moving a route to another destination, with a second edit in the same burst, is one recomputation that flags its trips', async () => {
  const sites = new Map(h.scenario.city.sites.map((s) => [s.id, s]));
  const { rows: busy } = await h.owner.query<{ route_id: string }>(`SELECT route_id FROM recon_route_run WHERE trips > 0 GROUP BY route_id ORDER BY sum(trips) DESC`);
  const route = busy.map((r) => h.scenario.city.routes.find((x) => x.id === r.route_id)!).find((r) => sites.get(r.destinationSiteId)!.kind === 'TRANSFER_STATION')!;
  const other = h.scenario.city.sites.find((s) => s.id !== route.destinationSiteId && s.kind !== 'PROJECT_SITE' && s.streams.includes(route.stream))!;
  w.heard.length = 0;

  await w.routes.update(route.id, { destinationSiteId: other.id });
  await w.routes.update(route.id, { plannedKg: route.plannedKg + 1_000 });
  await until('a recomputation', () => w.updates().length > 0);
  await w.recon.worker.flush();

  const days = w.updates().flatMap((u) => u.days);
  expect(days.sort()).toEqual([...h.scenario.days]); // an open-ended route reaches every stored day, once for both edits
  const { rows } = await h.owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM anomaly WHERE active AND route_id = $1 AND kind = 'ROUTE_UNPLANNED_SITE'`, [route.id]);
  expect(rows[0]!.n).toBeGreaterThan(0);
  const { rows: runs } = await h.owner.query<{ dest: string; kg: number }>(`SELECT DISTINCT destination_site_id AS dest, planned_kg AS kg FROM recon_route_run WHERE route_id = $1 AND scheduled`, [route.id]);
  expect(runs).toEqual([{ dest: other.id, kg: route.plannedKg + 1_000 }]);
  await expectFromScratchAgrees();
});
