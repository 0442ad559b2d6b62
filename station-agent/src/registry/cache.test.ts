import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { SqliteJournal } from '../journal/journal.js';
import { journalFixture } from '../journal/test-fixtures.js';
import { REGISTRY_ALARMS, RegistryCache, type RegistryCacheOptions } from './cache.js';
import type { RegistryFetch, RegistrySource } from './registry-client.js';
import { snapshot } from './test-snapshot.js';

/** A registry endpoint with ETags; `down` makes it unreachable. */
class StubSource implements RegistrySource {
  version = 1;
  down = false;
  calls: (string | null)[] = [];
  current = snapshot();
  async fetch(etag: string | null): Promise<RegistryFetch> {
    this.calls.push(etag);
    if (this.down) throw new Error('GET /api/v1/device/registry: ECONNREFUSED');
    if (etag === `"v${this.version}"`) return { kind: 'not-modified' };
    return { kind: 'updated', snapshot: this.current, etag: `"v${this.version}"` };
  }
}

let f: ReturnType<typeof journalFixture>;
let journal: SqliteJournal;
let source: StubSource;
let caches: RegistryCache[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2025-03-14T08:00:00+08:00') });
  f = journalFixture();
  journal = f.make();
  journal.start();
  source = new StubSource();
});

afterEach(async () => {
  for (const c of caches) await c.stop();
  caches = [];
  journal.stop();
  f.remove();
  vi.useRealTimers();
});

function cache(opts: Partial<RegistryCacheOptions> = {}): RegistryCache {
  const c = new RegistryCache({ store: journal, source, bus: f.bus, random: () => 0.5, refreshMs: 300_000, retry: { baseMs: 10_000, maxMs: 120_000 }, staleAfterMs: 3_600_000, ...opts });
  caches.push(c);
  c.start();
  return c;
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(0);
};

test('fetches at start, persists the snapshot, then refreshes on the interval with If-None-Match', async () => {
  const c = cache();
  expect(c.snapshot()).toBeNull();
  await flush();
  expect(c.vehicleByCard('a1b2c3d4')?.vehicle?.plate).toBe('苏E12345');
  expect(journal.loadRegistry()).toMatchObject({ etag: '"v1"', snapshot: { site: { code: 'TS-1' } } });
  await vi.advanceTimersByTimeAsync(300_000);
  expect(source.calls).toEqual([null, '"v1"']); // 304: the cache is kept
  source.version = 2;
  source.current = snapshot({ vehicles: [] });
  await vi.advanceTimersByTimeAsync(300_000);
  expect(c.vehicleByPlate('苏E12345')).toBeUndefined();
  expect(c.status()).toMatchObject({ etag: '"v2"', lastError: null });
  expect(journal.loadRegistry()?.etag).toBe('"v2"');
});

test('works offline from the cached copy after a restart, and says so when it grows stale', async () => {
  cache();
  await flush();
  await caches[0]!.stop();
  source.down = true;
  const offline = cache();
  // served from the journal at once, before any network answer
  expect(offline.vehicleByPlate('苏E·12345')?.maxGrossKg).toBe(31_000);
  expect(offline.permitsFor('苏EA6789', Date.now()).map((p) => p.permitNo)).toEqual(['SZ-2025-0042']);
  expect(offline.routeFor('苏E12345', 'KITCHEN')?.code).toBe('R-KIT-1'); // a Friday
  await flush();
  expect(offline.status().lastError).toMatch(/ECONNREFUSED/);
  expect(f.alarms()).toEqual([]); // offline but fresh: no alarm
  await vi.advanceTimersByTimeAsync(3_600_000 + 120_000); // an hour, plus the next retry that notices it
  expect(f.alarms()).toEqual([expect.objectContaining({ type: 'alarm', code: REGISTRY_ALARMS.stale })]);
  expect(offline.vehicleByPlate('苏E12345')).toBeDefined(); // still serving
  source.down = false;
  await vi.advanceTimersByTimeAsync(120_000);
  expect(f.alarms().at(-1)).toMatchObject({ type: 'alarm.cleared', code: REGISTRY_ALARMS.stale });
});

test('failed refreshes back off; with no cached copy at all an alarm is raised', async () => {
  source.down = true;
  const c = cache();
  await flush();
  expect(c.snapshot()).toBeNull();
  expect(c.permitsFor('苏EA6789', Date.now())).toEqual([]);
  expect(f.alarms()).toEqual([expect.objectContaining({ type: 'alarm', code: REGISTRY_ALARMS.missing })]);
  await vi.advanceTimersByTimeAsync(7_499);
  expect(source.calls).toHaveLength(1);
  await vi.advanceTimersByTimeAsync(1); // ¾ of 10 s with random() = 0.5
  expect(source.calls).toHaveLength(2);
  await vi.advanceTimersByTimeAsync(15_000); // ¾ of 20 s
  expect(source.calls).toHaveLength(3);
  source.down = false;
  await vi.advanceTimersByTimeAsync(30_000);
  expect(c.snapshot()).not.toBeNull();
  expect(f.alarms().at(-1)).toMatchObject({ type: 'alarm.cleared', code: REGISTRY_ALARMS.missing });
});
