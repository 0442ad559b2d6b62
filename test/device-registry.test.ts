// GET /api/v1/device/registry: what a station caches to weigh offline, checked against the shared
// zod schema and the fixture city, with ETag polling and device authentication.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import pg from 'pg';
import { DeviceRegistrySnapshot } from '@haulproof/contracts';
import { deviceAuthHeader, generateDeviceKeys } from '@haulproof/contracts/signing';
import { login, seedFixtures, type DeviceRef, type Fixtures } from './support/fixtures.js';
import { startTestServer } from './support/server.js';

const PATH = '/api/v1/device/registry';
let server: Awaited<ReturnType<typeof startTestServer>>;
let owner: pg.Client;
let fx: Fixtures;

beforeAll(async () => {
  server = await startTestServer();
  owner = new pg.Client({ connectionString: server.databaseUrl });
  await owner.connect();
  fx = await seedFixtures(server.ctx.db.prisma);
  // a permit that ended yesterday, at the same site: stations must not see it
  const yesterday = new Date(Date.now() - 86_400_000 * 2);
  await server.ctx.db.prisma.permit.create({
    data: { permitNo: 'GS-OLD-001', originSiteId: fx.sites.projectA.id, disposalSiteId: fx.sites.siteA.id, carrierId: fx.carrierA.id, streamCode: 'RENOVATION', validFrom: new Date('2020-01-01'), validTo: yesterday, approvedVolumeM3: 1, vehicles: { create: [{ vehicleId: fx.vehicles.A2.id }] } },
  });
});
afterAll(async () => {
  await owner.end();
  await server.close();
});

async function fetchRegistry(device: Pick<DeviceRef, 'code' | 'privateKeyPem'>, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + PATH, { headers: { authorization: deviceAuthHeader(device.code, device.privateKeyPem, 'GET', PATH, new Uint8Array()), ...headers } });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('etag'), text, body: text ? JSON.parse(text) : null };
}

describe('the snapshot', () => {
  test('matches the shared schema and holds what the Gusu transfer station needs', async () => {
    const res = await fetchRegistry(fx.devices.siteA);
    expect(res.status).toBe(200);
    const snap = DeviceRegistrySnapshot.parse(res.body);
    expect(Date.now() - Date.parse(snap.generatedAt)).toBeLessThan(10_000);
    expect(snap.device).toEqual({ code: 'GS-TS-PC1', status: 'ACTIVE' });
    // streams in the bureau's order (waste_stream.sort_order)
    expect(snap.site).toEqual({ code: 'GS-TS', nameZh: '姑苏区垃圾转运站', nameEn: 'Gusu transfer station', kind: 'TRANSFER_STATION', timezone: 'Asia/Shanghai', acceptedStreams: ['KITCHEN', 'RECYCLABLE', 'OTHER', 'RENOVATION'] });
    expect(snap.lanes).toEqual([{ code: 'L1', name: '1号磅 Lane 1', maxKg: 60_000, divisionKg: 20, minLoadKg: 400, protocol: 'XK3190_TF0', portPath: null, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }]);

    // every vehicle of the city, whichever carrier: trucks arrive from anywhere
    expect(snap.vehicles.map((v) => v.plate)).toEqual(['苏EGS001', '苏EGS002', '苏EWZ001', '苏EWZ002']);
    expect(snap.vehicles[0]).toEqual({ plate: '苏EGS001', plateRaw: '苏E·GS001', carrierCode: 'GS-HW', status: 'ACTIVE', streams: ['KITCHEN', 'OTHER'], storedTareKg: 12_000, tareExpiresAt: expect.stringMatching(/Z$/), maxGrossKg: 25_000 });
    expect(snap.vehicles[1]!.streams).toEqual(['CONSTRUCTION', 'RENOVATION']);
    expect(snap.cards).toEqual([
      { uid: '0a0a0001', plate: '苏EGS001', status: 'ISSUED', driverName: '张师傅' },
      { uid: '0a0a0002', plate: '苏EGS002', status: 'ISSUED', driverName: null },
      { uid: '0b0b0001', plate: '苏EWZ001', status: 'ISSUED', driverName: '李师傅' },
      { uid: '0b0b0002', plate: '苏EWZ002', status: 'ISSUED', driverName: null },
    ]);
    // permits naming this site, still valid; not Wuzhong's, not the expired one
    const year = new Date().getUTCFullYear();
    expect(snap.permits).toEqual([{ permitNo: 'GS-2026-001', originSiteCode: 'GS-PRJ', disposalSiteCode: 'GS-TS', stream: 'RENOVATION', validFrom: `${year}-01-01`, validTo: `${year + 1}-12-31`, plates: ['苏EGS002'] }]);
    // routes delivering here only
    expect(snap.routes).toEqual([{ code: 'GS-R01', stream: 'KITCHEN', plates: ['苏EGS001'], scheduleDays: [1, 2, 3, 4, 5, 6, 7] }]);
    expect(snap.sites.map((s) => s.code)).toEqual(['GS-INC', 'GS-PRJ', 'GS-TS', 'WZ-CON', 'WZ-KIT', 'WZ-PRJ']);
    expect(snap.sites.find((s) => s.code === 'WZ-CON')).toEqual({ code: 'WZ-CON', nameZh: '吴中建筑垃圾资源化利用中心', kind: 'CONSTRUCTION_PLANT', acceptedStreams: ['CONSTRUCTION', 'RENOVATION'] });
  });

  test('a construction plant sees the permits it disposes of and no collection routes', async () => {
    const snap = DeviceRegistrySnapshot.parse((await fetchRegistry(fx.devices.constructionB)).body);
    expect(snap.permits.map((p) => p.permitNo)).toEqual(['WZ-2026-001']);
    expect(snap.routes).toEqual([]);
  });

  test('a city-sized fleet comes back whole, with as many queries as four trucks (one per table, not per truck)', async () => {
    // Every statement the server sends goes through pg.Client#query (the pool lends Clients).
    const queriesFor = async () => {
      const spy = vi.spyOn(pg.Client.prototype, 'query');
      try {
        expect((await fetchRegistry(fx.devices.siteA)).status).toBe(200);
        return spy.mock.calls.length;
      } finally {
        spy.mockRestore();
      }
    };
    const small = await queriesFor();
    expect(small).toBeGreaterThanOrEqual(9); // the device lookup, BEGIN, one per table, ROLLBACK
    await owner.query(`
      WITH v AS (
        INSERT INTO vehicle (plate, plate_raw, carrier_id, max_gross_kg)
        SELECT '苏F' || lpad(i::text, 5, '0'), '苏F·' || lpad(i::text, 5, '0'), $1, 30000 FROM generate_series(1, 3000) i
        RETURNING id, plate)
      , s AS (INSERT INTO vehicle_stream (vehicle_id, stream_code) SELECT id, 'OTHER' FROM v)
      INSERT INTO card (uid, vehicle_id) SELECT 'fe' || lpad(substr(plate, 3), 8, '0'), id FROM v`, [fx.carrierB.id]);
    const started = Date.now();
    const res = await fetchRegistry(fx.devices.siteA);
    const elapsed = Date.now() - started;
    const snap = DeviceRegistrySnapshot.parse(res.body);
    expect(snap.vehicles).toHaveLength(3004);
    expect(snap.cards).toHaveLength(3004);
    expect(snap.vehicles.find((v) => v.plate === '苏F02999')).toMatchObject({ carrierCode: 'WZ-HW', streams: ['OTHER'], storedTareKg: null, tareExpiresAt: null });
    expect(elapsed).toBeLessThan(3000);
    expect(await queriesFor()).toBe(small);
  });
});

describe('polling with ETag', () => {
  test('If-None-Match with the current ETag is a 304 without a body; a registry change makes a new one', async () => {
    const first = await fetchRegistry(fx.devices.siteB);
    expect(first.status).toBe(200);
    expect(first.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const again = await fetchRegistry(fx.devices.siteB);
    expect(again.etag).toBe(first.etag); // generatedAt differs, the ETag does not
    const cached = await fetchRegistry(fx.devices.siteB, { 'if-none-match': first.etag! });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    expect(cached.etag).toBe(first.etag);
    expect((await fetchRegistry(fx.devices.siteB, { 'if-none-match': `"other", W/${first.etag}` })).status).toBe(304);

    // a card reported lost must reach the stations at once
    const admin = await login(server.url, fx.users.admin.username);
    const lost = await fetch(`${server.url}/api/v1/cards/${fx.vehicles.B1.cardId}/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'LOST', note: 'driver reported it lost' }),
    });
    expect(lost.status).toBe(200);
    const changed = await fetchRegistry(fx.devices.siteB, { 'if-none-match': first.etag! });
    expect(changed.status).toBe(200);
    expect(changed.etag).not.toBe(first.etag);
    expect(DeviceRegistrySnapshot.parse(changed.body).cards.find((c) => c.uid === '0b0b0001')!.status).toBe('LOST');
  });
});

describe('authentication', () => {
  test('no signature, a person\'s session, a wrong key or a stale time: 401 and a security event', async () => {
    const dev = fx.devices.incineratorA;
    const failures = async () => Number((await owner.query(`SELECT count(*) n FROM security_event WHERE kind = 'DEVICE_AUTH_FAILED' AND details->>'path' = $1`, [PATH])).rows[0].n);
    const before = await failures();
    expect((await fetch(server.url + PATH)).status).toBe(401);
    const session = await login(server.url, fx.users.admin.username);
    expect((await fetch(server.url + PATH, { headers: { authorization: `Bearer ${session}` } })).status).toBe(401);
    expect((await fetchRegistry({ code: dev.code, privateKeyPem: generateDeviceKeys().privateKeyPem })).status).toBe(401);
    const stale = deviceAuthHeader(dev.code, dev.privateKeyPem, 'GET', PATH, new Uint8Array(), new Date(Date.now() - 3600_000));
    expect((await fetch(server.url + PATH, { headers: { authorization: stale } })).status).toBe(401);
    // signed for another path
    const other = deviceAuthHeader(dev.code, dev.privateKeyPem, 'GET', '/api/v1/ingest/records', new Uint8Array());
    expect((await fetch(server.url + PATH, { headers: { authorization: other } })).status).toBe(401);
    expect(await failures()).toBe(before + 5);
  });

  test('a suspended device is refused with 403', async () => {
    const dev = fx.devices.projectB;
    await owner.query(`UPDATE station_device SET status = 'SUSPENDED' WHERE id = $1`, [dev.id]);
    expect((await fetchRegistry(dev)).status).toBe(403);
  });
});
