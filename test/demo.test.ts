// The demo city: seeded idempotently, meets the minimums a newcomer's first look
// needs, and its simulated stations put signed, chained tickets into the ledger
// through the real ingestion API.
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { GENESIS_HASH, HOUSEHOLD_STREAMS, isPlausiblePlate, SITE_KINDS } from '@haulproof/contracts';
import { publicKeyFromBase64, sha256Hex, verifyBytes } from '@haulproof/contracts/signing';
import { DEMO_PASSWORD, USERS } from '../server/src/demo/city.js';
import { keyFile, readDeviceKey, stateFile } from '../server/src/demo/device-files.js';
import { mulberry32 } from '../server/src/demo/random.js';
import { seedDemoCity } from '../server/src/demo/seed.js';
import { databaseHeads, StationSimulator } from '../server/src/demo/station-sim.js';
import { CityTraffic } from '../server/src/demo/traffic.js';
import { createLogger } from '../server/src/lib/logger.js';
import { verifyPassword } from '../server/src/services/passwords.js';
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

describe('simulated stations', () => {
  const log = createLogger('silent');
  const simulator = (opts: { heads?: boolean; seed?: number } = {}) =>
    new StationSimulator({
      serverUrl: server.url,
      dataDir,
      ticketsPerMinute: 0,
      log,
      traffic: new CityTraffic({ rand: mulberry32(opts.seed ?? 7) }),
      ...(opts.heads === false ? {} : { heads: databaseHeads(server.ctx.db.prisma) }),
    });

  test('a few ticks put signed, chained tickets into the ledger', async () => {
    const sim = simulator();
    await sim.open();
    for (let i = 0; i < 4; i++) {
      await sim.generate(40);
      await sim.flush();
    }
    expect(sim.totals.generated).toBeGreaterThanOrEqual(160);
    expect(sim.totals.accepted).toBe(sim.totals.generated);
    expect(await n('SELECT count(*) n FROM ticket')).toBe(sim.totals.generated);
    expect(await n(`SELECT count(*) n FROM security_event`)).toBe(0);

    // Every stored record verifies against its device's registered key, and each chain is unbroken from genesis.
    const records = await q<{ code: string; seq: number; canonical: Buffer; signature: Buffer; hash: string; prev_hash: string; public_key: string }>(
      'SELECT d.code, r.seq, r.canonical, r.signature, r.hash, r.prev_hash, d.public_key FROM device_record r JOIN station_device d ON d.id = r.device_id ORDER BY d.code, r.seq',
    );
    const last = new Map<string, { seq: number; hash: string }>();
    for (const r of records) {
      expect(verifyBytes(publicKeyFromBase64(r.public_key), r.canonical, r.signature)).toBe(true);
      expect(sha256Hex(r.canonical)).toBe(r.hash);
      const prev = last.get(r.code) ?? { seq: 0, hash: GENESIS_HASH };
      expect([r.seq, r.prev_hash]).toEqual([prev.seq + 1, prev.hash]);
      last.set(r.code, { seq: r.seq, hash: r.hash });
    }
    expect(last.size).toBeGreaterThanOrEqual(5); // traffic spreads over the city's stations

    // The tonnage mix follows the city: other ≫ kitchen > recyclable ≫ hazardous.
    const kg = Object.fromEntries((await q<{ s: string; kg: string }>('SELECT stream_code s, sum(net_kg) kg FROM ticket GROUP BY 1')).map((r) => [r.s, Number(r.kg)]));
    const [other, kitchen, recyclable, hazardous] = ['OTHER', 'KITCHEN', 'RECYCLABLE', 'HAZARDOUS'].map((s) => kg[s] ?? 0) as [number, number, number, number];
    expect(other).toBeGreaterThan(2 * kitchen);
    expect(kitchen).toBeGreaterThan(recyclable);
    expect(recyclable).toBeGreaterThan(hazardous);
    // Stored tares are flagged; transfer stations send loads on in trailers.
    expect(await n(`SELECT count(*) n FROM ticket WHERE (tare_source = 'STORED') <> ('STORED_TARE' = ANY(flags))`)).toBe(0);
    expect(await n(`SELECT count(*) n FROM ticket t JOIN site s ON s.id = t.site_id WHERE s.kind = 'TRANSFER_STATION' AND t.direction = 'OUT' AND t.net_kg BETWEEN 15000 AND 30000`)).toBeGreaterThan(0);
    expect(await n(`SELECT count(*) n FROM ticket WHERE permit_id IS NOT NULL AND origin_site_id IS NOT NULL`)).toBeGreaterThan(0);

    // The outboxes are empty and the state files agree with the server.
    for (const [code, head] of last) {
      const state = JSON.parse(await readFile(stateFile(dataDir, code), 'utf8'));
      expect([state.seq, state.prev, state.outbox.length]).toEqual([head.seq, head.hash, 0]);
    }
  });

  test('a station that lost its state file resumes on the server’s chain instead of forking it', async () => {
    const busiest = (await q<{ code: string; seq: number }>('SELECT d.code, max(r.seq) seq FROM device_record r JOIN station_device d ON d.id = r.device_id GROUP BY d.code ORDER BY 2 DESC LIMIT 1'))[0]!;
    await unlink(stateFile(dataDir, busiest.code));
    const before = await n('SELECT count(*) n FROM ticket');
    const sim = simulator({ seed: 99 });
    await sim.open();
    await sim.generate(60);
    await sim.flush(); // seq 1… collides with the server's chain: 409, resync from the ledger, re-sign
    await sim.flush();
    expect(await n('SELECT count(*) n FROM ticket')).toBe(before + sim.totals.generated);
    expect(await n(`SELECT count(*) n FROM security_event WHERE kind = 'SEQ_CONFLICT'`)).toBeGreaterThanOrEqual(1);
    const seqs = await q<{ seq: number }>('SELECT r.seq FROM device_record r JOIN station_device d ON d.id = r.device_id WHERE d.code = $1 ORDER BY seq', [busiest.code]);
    expect(seqs.map((r) => r.seq)).toEqual(seqs.map((_, i) => i + 1));
  });

  test('without the database, a station still recovers when the server’s chain is empty', async () => {
    // A fresh server (its ledger empty) and a station whose state says it is far along.
    const fresh = await startTestServer();
    try {
      await seedDemoCity(fresh.ctx.db.prisma, { dataDir });
      const sim = new StationSimulator({ serverUrl: fresh.url, dataDir, ticketsPerMinute: 0, log, traffic: new CityTraffic({ rand: mulberry32(5) }) });
      await sim.open();
      await sim.generate(30);
      await sim.flush(); // CHAIN_GAP "expected seq 1": restart from genesis
      await sim.flush();
      const c = new pg.Client({ connectionString: fresh.databaseUrl });
      await c.connect();
      const got = Number((await c.query('SELECT count(*) n FROM ticket')).rows[0].n);
      await c.end();
      expect(got).toBe(sim.totals.generated);
    } finally {
      await fresh.close();
    }
  });
});
