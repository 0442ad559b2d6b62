// The demo city: seeded idempotently, meets the minimums a newcomer's first look
// needs, and its stations — real station agents on simulated indicators and card
// readers — weigh simulated trucks and put the tickets into the ledger through the
// device API, as station PCs do.
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { GENESIS_HASH, HOUSEHOLD_STREAMS, isPlausiblePlate, SITE_KINDS } from '@haulproof/contracts';
import { publicKeyFromBase64, sha256Hex, verifyBytes } from '@haulproof/contracts/signing';
import { SqliteJournal } from '../station-agent/src/journal/journal.js';
import { loadDeviceKey } from '../station-agent/src/keys.js';
import { DEMO_PASSWORD, DEVICES, siteByCode, USERS } from '../server/src/demo/city.js';
import { devicesDir, keyFile, readDeviceKey } from '../server/src/demo/device-files.js';
import { VEHICLES } from '../server/src/demo/fleet.js';
import { databaseChainLength, startLiveCity, type LiveCity } from '../server/src/demo/live-city.js';
import { mulberry32 } from '../server/src/demo/random.js';
import { seedDemoCity } from '../server/src/demo/seed.js';
import { agentDir } from '../server/src/demo/station-config.js';
import { DemoStations } from '../server/src/demo/stations.js';
import { deviceOf, type Trip } from '../server/src/demo/traffic.js';
import { createLogger } from '../server/src/lib/logger.js';
import { verifyPassword } from '../server/src/services/passwords.js';
import { waitFor } from './support/agent-process.js';
import { startTestServer } from './support/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let dataDir: string;
let sql: pg.Client;
const q = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await sql.query(text, params)).rows as T[];
const n = async (text: string, params: unknown[] = []) => Number((await q<{ n: string }>(text, params))[0]!.n);

const REGISTRY = ['district', 'site', 'site_stream', 'scale', 'carrier', 'vehicle', 'vehicle_stream', 'card', 'card_event', 'collection_route', 'route_vehicle', 'permit', 'permit_vehicle', 'target', 'station_device', 'device_lane', 'app_user'];
async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of REGISTRY) out[t] = await n(`SELECT count(*) n FROM ${t}`);
  return out;
}

beforeAll(async () => {
  server = await startTestServer();
  dataDir = await mkdtemp(path.join(tmpdir(), 'haulproof-demo-'));
  sql = new pg.Client({ connectionString: server.databaseUrl });
  await sql.connect();
  await seedDemoCity(server.ctx.db.prisma, { dataDir });
});

afterAll(async () => {
  await sql.end();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('seeding', () => {
  test('seeding again changes no counts and keeps every device key', async () => {
    const before = await counts();
    const keysBefore = await q<{ code: string; public_key: string }>('SELECT code, public_key FROM station_device ORDER BY code');
    const again = await seedDemoCity(server.ctx.db.prisma, { dataDir });
    expect(await counts()).toEqual(before);
    expect(await q('SELECT code, public_key FROM station_device ORDER BY code')).toEqual(keysBefore);
    expect(again).toEqual({ deviceKeysCreated: [], deviceKeysReplaced: [], usersCreated: [] });
  });

  test('six or more districts with populations, and every kind of site', async () => {
    const districts = await q<{ population: number }>('SELECT population FROM district');
    expect(districts.length).toBeGreaterThanOrEqual(6);
    expect(districts.every((d) => d.population > 100_000)).toBe(true);
    const kinds = await q<{ kind: string; n: string }>('SELECT kind, count(*) n FROM site GROUP BY kind');
    const byKind = Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)]));
    for (const kind of SITE_KINDS) expect(byKind[kind], kind).toBeGreaterThanOrEqual(1);
    expect(byKind.TRANSFER_STATION).toBeGreaterThanOrEqual(2);
    expect(byKind.PROJECT_SITE).toBeGreaterThanOrEqual(2);
    expect(await n(`SELECT capacity_tpd n FROM site WHERE kind = 'KITCHEN_PLANT'`)).toBe(650);
  });

  test('every weighbridge lane is a realistic truck scale', async () => {
    const scales = await q<{ max_kg: number; division_kg: number; min_load_kg: number }>('SELECT max_kg, division_kg, min_load_kg FROM scale');
    expect(scales.length).toBeGreaterThan(10);
    for (const s of scales) {
      expect(s.max_kg).toBeGreaterThanOrEqual(60_000);
      expect(s.max_kg).toBeLessThanOrEqual(100_000);
      expect([s.division_kg, s.min_load_kg]).toEqual([20, 400]);
    }
    expect(await n(`SELECT count(DISTINCT protocol) n FROM scale`)).toBeGreaterThanOrEqual(4);
  });

  test('three or more carriers and sixty or more vehicles, each with a card and a current stored tare', async () => {
    expect(await n('SELECT count(*) n FROM carrier')).toBeGreaterThanOrEqual(3);
    const vehicles = await q<{ plate: string; plate_raw: string; stored_tare_kg: number | null; tare_measured_at: Date | null; tare_expires_at: Date | null; max_gross_kg: number; cards: string }>(
      `SELECT v.plate, v.plate_raw, v.stored_tare_kg, v.tare_measured_at, v.tare_expires_at, v.max_gross_kg, count(c.id) cards
         FROM vehicle v LEFT JOIN card c ON c.vehicle_id = v.id AND c.status = 'ISSUED' GROUP BY v.id`,
    );
    expect(vehicles.length).toBeGreaterThanOrEqual(60);
    for (const v of vehicles) {
      expect(isPlausiblePlate(v.plate), v.plate).toBe(true);
      expect(v.plate_raw).toMatch(/^苏E·/);
      expect(Number(v.cards), v.plate).toBe(1);
      expect(v.stored_tare_kg, v.plate).toBeGreaterThan(0);
      expect(v.stored_tare_kg! % 20).toBe(0);
      expect(v.stored_tare_kg!).toBeLessThan(v.max_gross_kg);
      expect(v.tare_measured_at!.getTime()).toBeLessThan(Date.now());
      expect(v.tare_expires_at!.getTime()).toBeGreaterThan(Date.now());
    }
    expect(await n(`SELECT count(*) n FROM card WHERE uid !~ '^[0-9a-f]{8}$'`)).toBe(0);
  });

  test('every district has a route for each household stream, to a site that accepts it', async () => {
    const routes = await q<{ district: string; stream: string; accepts: boolean; vehicles: string }>(
      `SELECT d.code district, r.stream_code stream,
              EXISTS (SELECT 1 FROM site_stream ss WHERE ss.site_id = r.destination_site_id AND ss.stream_code = r.stream_code) accepts,
              (SELECT count(*) FROM route_vehicle rv WHERE rv.route_id = r.id) vehicles
         FROM collection_route r JOIN district d ON d.id = r.district_id`,
    );
    const districts = await q<{ code: string }>('SELECT code FROM district');
    for (const d of districts) {
      for (const stream of HOUSEHOLD_STREAMS) {
        const r = routes.find((x) => x.district === d.code && x.stream === stream);
        expect(r, `${d.code} ${stream}`).toBeDefined();
        expect(r!.accepts, `${d.code} ${stream} destination accepts it`).toBe(true);
        expect(Number(r!.vehicles)).toBeGreaterThan(0);
      }
    }
  });

  test('permits from project sites with trucks, and targets for every district', async () => {
    const permits = await q<{ origin_kind: string; vehicles: string; current: boolean }>(
      `SELECT o.kind origin_kind, (SELECT count(*) FROM permit_vehicle pv WHERE pv.permit_id = p.id) vehicles, p.valid_from <= current_date AND p.valid_to >= current_date current
         FROM permit p JOIN site o ON o.id = p.origin_site_id`,
    );
    expect(permits.filter((p) => p.current).length).toBeGreaterThanOrEqual(2);
    expect(permits.every((p) => p.origin_kind === 'PROJECT_SITE' && Number(p.vehicles) > 0)).toBe(true);
    expect(await n('SELECT count(DISTINCT district_id) n FROM target')).toBe(await n('SELECT count(*) n FROM district'));
  });

  test('one active device per weighbridge site, on all its lanes, with its key in the data folder (0600)', async () => {
    const devices = await q<{ code: string; status: string; public_key: string; lanes: string; scales: string }>(
      `SELECT d.code, d.status, d.public_key,
              (SELECT count(*) FROM device_lane dl WHERE dl.device_id = d.id) lanes,
              (SELECT count(*) FROM scale s WHERE s.site_id = d.site_id) scales
         FROM station_device d`,
    );
    expect(devices.length).toBe(await n('SELECT count(DISTINCT site_id) n FROM scale'));
    for (const d of devices) {
      expect(d.status).toBe('ACTIVE');
      expect(d.lanes).toBe(d.scales);
      expect((await readDeviceKey(dataDir, d.code))?.publicKey).toBe(d.public_key);
      expect((await stat(keyFile(dataDir, d.code))).mode & 0o777).toBe(0o600);
    }
  });

  test('a demo user for every role and scope, all with the demo password', async () => {
    const users = await q<{ username: string; role: string; scope_site_id: string | null; scope_carrier_id: string | null; scope_district_id: string | null; password_hash: string }>('SELECT * FROM app_user');
    const has = (pred: (u: (typeof users)[number]) => boolean) => users.some(pred);
    expect(has((u) => u.role === 'ADMIN')).toBe(true);
    expect(has((u) => u.role === 'OPERATOR' && u.scope_site_id !== null)).toBe(true);
    expect(has((u) => u.role === 'DISPATCHER' && u.scope_carrier_id !== null)).toBe(true);
    expect(has((u) => u.role === 'DISPATCHER' && u.scope_district_id !== null)).toBe(true);
    expect(has((u) => u.role === 'INSPECTOR' && u.scope_district_id === null)).toBe(true);
    expect(has((u) => u.role === 'INSPECTOR' && u.scope_district_id !== null)).toBe(true);
    expect(users.map((u) => u.username).sort()).toEqual(USERS.map((u) => u.username).sort());
    expect(await verifyPassword(DEMO_PASSWORD, users[0]!.password_hash)).toBe(true);
  });
});

describe('station agents on simulated devices', () => {
  const log = createLogger('silent');

  /** A trip as traffic.ts plans them, for a visit the test wants for certain, with a vehicle the city's traffic is not using. */
  function trip(city: LiveCity, siteCode: string, kind: string, o: Pick<Trip, 'kind' | 'direction' | 'stream'> & { netKg: number }): Trip {
    const vehicle = VEHICLES.find((v) => v.kind === kind && !city.traffic.driver.isBusy(v.plate))!;
    const tareKg = o.kind === 'one-pass' ? vehicle.storedTareKg : vehicle.storedTareKg + 40;
    return { device: deviceOf(siteCode), site: siteByCode(siteCode), vehicle, card: vehicle.cardUid, stream: o.stream, kind: o.kind, direction: o.direction, tareKg, grossKg: tareKg + o.netKg, dwellMinutes: 2 };
  }

  test('a short run puts the agents’ signed, chained tickets into the ledger; journals, acks and prints agree', async () => {
    const city = await startLiveCity({
      serverUrl: server.url,
      dataDir,
      ticketsPerMinute: 120, // demo time compressed further than npm start's
      minuteMs: 150,
      anomalyRate: 0.1,
      rand: mulberry32(7),
      log,
      serverChainLength: databaseChainLength(server.ctx.db.prisma),
    });
    let stopped = false;
    try {
      expect(city.stations.skipped).toEqual([]);
      expect(city.stations.running.map((s) => s.code).sort()).toEqual(DEVICES.map((d) => d.code).sort());
      // One of each kind for certain: a compactor tipping at a transfer station (one pass against its
      // stored tare), and a trailer leaving it (weighed empty, loaded, weighed full: two passes, OUT).
      const planned = [
        city.traffic.submit(trip(city, 'TS-GUSU', 'compactor-25t', { kind: 'one-pass', direction: 'IN', stream: 'OTHER', netKg: 7_000 })),
        city.traffic.submit(trip(city, 'TS-WUZHONG', 'transfer-trailer', { kind: 'two-pass', direction: 'OUT', stream: 'OTHER', netKg: 22_000 })),
      ];
      const [onePass, twoPass] = await Promise.all(planned);
      expect(onePass?.ticket?.payload).toMatchObject({ kind: 'ticket', ticket: { site: 'TS-GUSU', lane: 'L1', tareSource: 'STORED', direction: 'IN', netKg: 7_000, flags: ['STORED_TARE'] } });
      expect(twoPass?.ticket?.payload).toMatchObject({ kind: 'ticket', ticket: { site: 'TS-WUZHONG', lane: 'L2', tareSource: 'WEIGHED', direction: 'OUT', netKg: 22_000, stream: 'OTHER' } });
      await waitFor('tickets from the city’s traffic at several stations', async () => (await n('SELECT count(DISTINCT device_id) n FROM ticket')) >= 5, 60_000, 500);

      await city.traffic.stop();
      // every journaled record forwarded and acknowledged before the agents stop
      await waitFor('every agent’s queue to drain', () => city.stations.running.every((s) => s.agent.status().queueDepth === 0), 20_000);
      await city.stations.stop();
      stopped = true;
    } finally {
      if (!stopped) await city.stop();
    }

    expect(await n(`SELECT count(*) n FROM ticket WHERE software_version NOT LIKE 'haulproof-agent/%'`)).toBe(0);
    expect(await n(`SELECT count(*) n FROM ticket WHERE tare_source = 'STORED'`)).toBeGreaterThanOrEqual(1);
    expect(await n(`SELECT count(*) n FROM ticket WHERE tare_source = 'WEIGHED' AND second_weighed_at IS NOT NULL`)).toBeGreaterThanOrEqual(1);
    expect(await n(`SELECT count(*) n FROM ticket WHERE (tare_source = 'STORED') <> ('STORED_TARE' = ANY(flags))`)).toBe(0);
    expect(await n(`SELECT count(*) n FROM security_event`)).toBe(0);

    // Each device's chain on the server is its agent's journal: same bytes, same signatures,
    // contiguous from genesis, every record acknowledged, every ticket printed.
    const records = await q<{ code: string; seq: number; canonical: Buffer; signature: Buffer; hash: string; prev_hash: string; public_key: string }>(
      'SELECT d.code, r.seq, r.canonical, r.signature, r.hash, r.prev_hash, d.public_key FROM device_record r JOIN station_device d ON d.id = r.device_id ORDER BY d.code, r.seq',
    );
    const byDevice = new Map<string, typeof records>();
    for (const r of records) byDevice.set(r.code, [...(byDevice.get(r.code) ?? []), r]);
    expect(byDevice.size).toBeGreaterThanOrEqual(5);
    let tickets = 0;
    for (const [code, chain] of byDevice) {
      const dir = agentDir(dataDir, code);
      const journal = new SqliteJournal({ dataDir: dir, deviceCode: code, key: loadDeviceKey(dir) });
      journal.start();
      try {
        // As it stops, an agent journals its scales' disconnection (FRAME_RATE_FAULT "stopped"); those
        // events are sent when it next starts. Nothing else may be missing from the server.
        for (let seq = chain.length + 1; seq <= journal.lastSeq(); seq++) {
          const late = journal.entry(seq)!;
          expect([late.payload.kind, late.ackedAt], `${code} ${seq}`).toEqual(['event', null]);
        }
        let prev = GENESIS_HASH;
        for (const [i, r] of chain.entries()) {
          expect([r.seq, r.prev_hash]).toEqual([i + 1, prev]);
          expect(verifyBytes(publicKeyFromBase64(r.public_key), r.canonical, r.signature)).toBe(true);
          expect(sha256Hex(r.canonical)).toBe(r.hash);
          const entry = journal.entry(r.seq)!;
          expect(Buffer.compare(entry.canonical, r.canonical), `${code} ${r.seq}`).toBe(0);
          expect(Buffer.compare(entry.signature, r.signature)).toBe(0);
          expect(entry.ackedAt, `${code} ${r.seq} acknowledged`).not.toBeNull();
          if (entry.kind === 'ticket') {
            tickets++;
            expect(existsSync(path.join(dir, 'prints', `${code}-${r.seq}.pdf`)), `${code}-${r.seq}.pdf`).toBe(true);
          }
          prev = r.hash;
        }
      } finally {
        journal.stop();
      }
    }
    expect(tickets).toBe(await n('SELECT count(*) n FROM ticket'));
    expect(tickets).toBeGreaterThanOrEqual(10);
    // Refusals are journaled and reach the server as station events (the operator screens show them).
    expect(await n(`SELECT count(*) n FROM device_record WHERE kind = 'event'`)).toBeGreaterThan(0);
  }, 150_000);

  test('a fresh agent folder is not started for a device whose chain the server already holds', async () => {
    const busiest = (await q<{ code: string; seq: number }>('SELECT d.code, max(r.seq) seq FROM device_record r JOIN station_device d ON d.id = r.device_id GROUP BY d.code ORDER BY 2 DESC LIMIT 1'))[0]!;
    const older = await mkdtemp(path.join(tmpdir(), 'haulproof-demo-old-'));
    try {
      await cp(devicesDir(dataDir), devicesDir(older), { recursive: true }); // the keys, but none of the agents' journals
      const stations = new DemoStations({ serverUrl: server.url, dataDir: older, log, devices: [busiest.code], serverChainLength: databaseChainLength(server.ctx.db.prisma) });
      await stations.start();
      await stations.stop();
      expect(stations.running).toEqual([]);
      expect(stations.skipped).toEqual([{ code: busiest.code, reason: expect.stringContaining(`the server already holds ${busiest.seq} record(s)`) }]);
      expect(existsSync(agentDir(older, busiest.code))).toBe(false);
      expect(await n(`SELECT count(*) n FROM security_event`)).toBe(0);
    } finally {
      await rm(older, { recursive: true, force: true });
    }
  });
});
