// Registry CRUD on a real server and database: happy paths, the rules a create or patch must
// keep, and that every bad input is a 4xx with a reason (never a 500).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LiveMessage } from '../server/src/live/publisher.js';
import { login, seedFixtures, type Fixtures } from './support/fixtures.js';
import { startTestServer } from './support/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let fx: Fixtures;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  fx = await seedFixtures(server.ctx.db.prisma);
  admin = await login(server.url, 'admin');
});
afterAll(async () => {
  await server.close();
});

type Res = { status: number; body: any };
async function call(method: string, path: string, body?: unknown, token = admin): Promise<Res> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : null;
  // every answer carries the error contract or a body; never a 5xx from the registry
  expect(res.status, `${method} ${path} → ${res.status} ${text}`).toBeLessThan(500);
  if (res.status >= 400) expect(parsed).toEqual(expect.objectContaining({ message: expect.any(String), correlationId: expect.any(String) }));
  return { status: res.status, body: parsed };
}
const get = (p: string, token?: string) => call('GET', p, undefined, token);
const post = (p: string, b: unknown) => call('POST', p, b);
const patch = (p: string, b: unknown) => call('PATCH', p, b);
const del = (p: string) => call('DELETE', p);
const paths = (r: Res) => (r.body.errors ?? []).map((e: { path: string }) => e.path);

describe('streams and paging', () => {
  test('GET /streams lists the eight waste streams', async () => {
    const r = await get('/streams');
    expect(r.status).toBe(200);
    expect(r.body.items.map((s: any) => s.code).sort()).toEqual(['BULKY', 'CONSTRUCTION', 'FOOD_SERVICE', 'HAZARDOUS', 'KITCHEN', 'OTHER', 'RECYCLABLE', 'RENOVATION']);
    expect(r.body.items.find((s: any) => s.code === 'KITCHEN')).toEqual({ code: 'KITCHEN', nameZh: '厨余垃圾', nameEn: 'Kitchen waste', household: true, sortOrder: 1 });
    const page = await get('/streams?limit=3');
    expect(page.body.items).toHaveLength(3);
    const next = await get(`/streams?limit=3&cursor=${page.body.nextCursor}`);
    expect(next.body.items[0].code > page.body.items[2].code).toBe(true);
  });

  test('cursor paging walks every row once, in order, and ends with nextCursor null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: Res = await get(`/sites?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(4);
      seen.push(...r.body.items.map((s: any) => s.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    expect([...seen].sort()).toEqual(seen);
  });

  test('bad list queries are 400: limit out of range, unknown parameter, a cursor that is not an id', async () => {
    expect((await get('/sites?limit=0')).status).toBe(400);
    expect((await get('/sites?limit=501')).status).toBe(400);
    expect((await get('/sites?limit=abc')).status).toBe(400);
    expect((await get('/sites?colour=red')).status).toBe(400);
    expect((await get('/sites?cursor=1%20OR%201=1')).status).toBe(400);
    expect((await get('/streams?cursor=NOT_A_STREAM')).status).toBe(400);
    expect((await get('/vehicles?limit=1&limit=2')).status).toBe(400);
  });

  test('ids: not a UUID → 400, unknown → 404', async () => {
    for (const entity of ['districts', 'sites', 'scales', 'carriers', 'vehicles', 'drivers', 'cards', 'routes', 'permits', 'targets', 'devices', 'users']) {
      expect((await get(`/${entity}/not-an-id`)).status, entity).toBe(400);
      expect((await get(`/${entity}/00000000-0000-4000-8000-000000000000`)).status, entity).toBe(404);
      expect((await patch(`/${entity}/00000000-0000-4000-8000-000000000000`, {})).status, entity).toBe(404);
    }
    expect((await del('/districts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get('/cards/00000000-0000-4000-8000-000000000000/history')).status).toBe(404);
  });

  test('hostile values are refused with a 4xx, never a 500', async () => {
    expect((await post('/districts', { code: 'NUL-D', nameZh: '区\u0000', nameEn: 'x', population: 1 })).status).toBe(422);
    expect((await post('/targets', { districtId: fx.districtA.id, metric: 'HUGE', periodKind: 'DAY', periodStart: '2026-01-01', value: 1e20, unit: 't' })).status).toBe(422);
    expect((await post('/districts', { code: 'LONG', nameZh: '区'.repeat(121), nameEn: 'x', population: 1 })).status).toBe(400);
    expect((await post('/drivers', { carrierId: fx.carrierA.id, name: 'x', phone: '\u0000' })).status).toBe(422);
    expect((await get(`/vehicles?plate=${encodeURIComponent('苏\u0000')}`)).status).toBe(422);
    expect((await get(`/cards?uid=${encodeURIComponent('ab\u0000')}`)).status).toBe(422);
    const nulLogin = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'adm\u0000in', password: 'x' }) });
    expect(nulLogin.status).toBeLessThan(500);
  });

  test('a body that is not JSON, or not an object, is 400', async () => {
    expect((await call('POST', '/districts', '{"code":')).status).toBe(400);
    expect((await post('/districts', [1, 2])).status).toBe(400);
    expect((await post('/districts', 'just a string')).status).toBe(400);
  });
});

describe('districts and sites', () => {
  test('district create, read, patch, delete', async () => {
    const c = await post('/districts', { code: 'XIANGCHENG', nameZh: '相城区', nameEn: 'Xiangcheng', population: 891_000 });
    expect(c.status).toBe(201);
    expect(c.body).toEqual({ id: expect.any(String), code: 'XIANGCHENG', nameZh: '相城区', nameEn: 'Xiangcheng', population: 891_000 });
    expect((await get(`/districts/${c.body.id}`)).body).toEqual(c.body);
    const p = await patch(`/districts/${c.body.id}`, { population: 900_000 });
    expect(p.status).toBe(200);
    expect(p.body).toEqual({ ...c.body, population: 900_000 });
    expect((await post('/districts', { code: 'XIANGCHENG', nameZh: '重复', nameEn: 'dup', population: 1 })).status).toBe(409);
    expect((await del(`/districts/${c.body.id}`)).status).toBe(204);
    expect((await get(`/districts/${c.body.id}`)).status).toBe(404);
  });

  test('district rules: lower-case code, zero population, unknown field → 400; in use → 422 on delete', async () => {
    expect(paths(await post('/districts', { code: 'lower', nameZh: '区', nameEn: 'x', population: 1 }))).toEqual(['code']);
    expect(paths(await post('/districts', { code: 'ZERO', nameZh: '区', nameEn: 'x', population: 0 }))).toEqual(['population']);
    expect((await post('/districts', { code: 'EXTRA', nameZh: '区', nameEn: 'x', population: 1, mayor: 'x' })).status).toBe(400);
    expect((await patch(`/districts/${fx.districtA.id}`, { population: -5 })).status).toBe(400);
    const inUse = await del(`/districts/${fx.districtA.id}`);
    expect(inUse.status).toBe(422);
    expect(inUse.body.message).toMatch(/still referred to/);
  });

  test('sites keep their accepted streams (site_stream), replaced as a set on patch', async () => {
    const c = await post('/sites', {
      code: 'XC-LF',
      nameZh: '七子山填埋场',
      nameEn: 'Qizishan landfill',
      kind: 'LANDFILL',
      districtId: fx.districtA.id,
      capacityTpd: 790,
      latitude: 31.2345678,
      longitude: 120.5,
      acceptedStreams: ['OTHER', 'OTHER'],
    });
    expect(c.status).toBe(201);
    expect(c.body).toEqual(expect.objectContaining({ kind: 'LANDFILL', timezone: 'Asia/Shanghai', acceptedStreams: ['OTHER'], latitude: 31.234568, longitude: 120.5, active: true }));
    const p = await patch(`/sites/${c.body.id}`, { acceptedStreams: ['OTHER', 'BULKY'], active: false });
    expect(p.status).toBe(200);
    expect(p.body.acceptedStreams.sort()).toEqual(['BULKY', 'OTHER']);
    expect(p.body.active).toBe(false);
    expect(p.body.latitude).toBe(31.234568); // untouched fields keep their values
    const untouched = await patch(`/sites/${c.body.id}`, { nameEn: 'Qizishan landfill (standby)' });
    expect(untouched.body.active).toBe(false); // a PATCH without `active` must not reset it to the default
  });

  test('site rules: unknown district → 422, bad time zone / stream / empty streams → 400', async () => {
    const base = { code: 'BAD-SITE', nameZh: '坏', nameEn: 'bad', kind: 'LANDFILL', districtId: fx.districtA.id, capacityTpd: 1, acceptedStreams: ['OTHER'] };
    expect((await post('/sites', { ...base, districtId: '00000000-0000-4000-8000-000000000000' })).status).toBe(422);
    expect(paths(await post('/sites', { ...base, timezone: 'Mars/Olympus' }))).toEqual(['timezone']);
    expect((await post('/sites', { ...base, acceptedStreams: ['GOLD'] })).status).toBe(400);
    expect((await post('/sites', { ...base, acceptedStreams: [] })).status).toBe(400);
    expect((await post('/sites', { ...base, latitude: 91 })).status).toBe(400);
  });
});

describe('scales', () => {
  const scale = () => ({ siteId: fx.sites.incineratorA.id, code: `L${Math.floor(Math.random() * 1e6)}`, name: '2号磅', maxKg: 80_000, divisionKg: 20, minLoadKg: 400, protocol: 'TOLEDO_CONTINUOUS' });

  test('create with serial defaults, patch', async () => {
    const c = await post('/scales', scale());
    expect(c.status).toBe(201);
    expect(c.body).toEqual(expect.objectContaining({ maxKg: 80_000, divisionKg: 20, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, portPath: null, active: true }));
    const p = await patch(`/scales/${c.body.id}`, { portPath: '/dev/ttyUSB0', baudRate: 4800, parity: 'even', dataBits: 7 });
    expect(p.body).toEqual(expect.objectContaining({ portPath: '/dev/ttyUSB0', baudRate: 4800, parity: 'even', dataBits: 7, maxKg: 80_000 }));
  });

  test('minimum load ≥ maximum → 400, on create and on a patch of either side', async () => {
    expect(paths(await post('/scales', { ...scale(), minLoadKg: 80_000 }))).toEqual(['minLoadKg']);
    const c = await post('/scales', scale());
    expect(paths(await patch(`/scales/${c.body.id}`, { minLoadKg: 90_000 }))).toEqual(['minLoadKg']);
    expect(paths(await patch(`/scales/${c.body.id}`, { maxKg: 400 }))).toContain('minLoadKg');
  });

  test('maximum not a whole number of divisions, an unknown division, a bad baud rate → 400; a duplicate lane code → 409', async () => {
    expect(paths(await post('/scales', { ...scale(), maxKg: 80_010 }))).toEqual(['maxKg']);
    expect((await post('/scales', { ...scale(), divisionKg: 3 })).status).toBe(400);
    expect((await post('/scales', { ...scale(), baudRate: 1234 })).status).toBe(400);
    expect((await post('/scales', { ...scale(), siteId: fx.sites.siteA.id, code: 'L1' })).status).toBe(409);
  });
});

describe('carriers, vehicles, drivers', () => {
  test('carrier create and duplicate code → 409', async () => {
    const c = await post('/carriers', { code: 'XC-HW', name: '相城环卫', districtId: null });
    expect(c.status).toBe(201);
    expect(c.body).toEqual({ id: expect.any(String), code: 'XC-HW', name: '相城环卫', licenceNo: null, districtId: null, phone: null, active: true });
    expect((await post('/carriers', { code: 'XC-HW', name: 'again' })).status).toBe(409);
    expect((await post('/carriers', { code: 'XC-2', name: 'x', districtId: '00000000-0000-4000-8000-000000000000' })).status).toBe(422);
  });

  const vehicle = (plate: string, extra: object = {}) => ({ plate, carrierId: fx.carrierA.id, streams: ['OTHER'], maxGrossKg: 25_000, ...extra });

  test('a plate is stored normalised with the raw spelling kept; every other spelling of it is 409', async () => {
    const c = await post('/vehicles', vehicle('苏E·12345', { kind: 'compactor' }));
    expect(c.status).toBe(201);
    expect(c.body).toEqual(expect.objectContaining({ plate: '苏E12345', plateRaw: '苏E·12345', kind: 'compactor', streams: ['OTHER'], storedTareKg: null, status: 'ACTIVE' }));
    for (const spelling of ['苏E・12345', '苏E12345', '苏Ｅ１２３４５', '苏e 12345', '苏E-12345']) {
      const dup = await post('/vehicles', vehicle(spelling));
      expect(dup.status, spelling).toBe(409);
      expect(dup.body.vehicleId).toBe(c.body.id);
    }
    // and every spelling finds it
    for (const spelling of ['苏E·12345', '苏Ｅ１２３４５']) {
      const found = await get(`/vehicles?plate=${encodeURIComponent(spelling)}`);
      expect(found.body.items.map((v: any) => v.id)).toEqual([c.body.id]);
    }
  });

  test('a patch to another truck’s plate is 409; to a new plate re-normalises', async () => {
    const c = await post('/vehicles', vehicle('苏E·54321'));
    expect((await patch(`/vehicles/${c.body.id}`, { plate: '苏Ｅ・ＧＳ００１' })).status).toBe(409);
    const p = await patch(`/vehicles/${c.body.id}`, { plate: '苏E·54322' });
    expect(p.status).toBe(200);
    expect(p.body).toEqual(expect.objectContaining({ plate: '苏E54322', plateRaw: '苏E·54322' }));
    expect((await patch(`/vehicles/${c.body.id}`, { plate: '苏E·54322', status: 'SUSPENDED' })).body.status).toBe('SUSPENDED'); // its own plate is no conflict
  });

  test('a stored tare needs both dates, in order, and below the maximum gross → otherwise 400', async () => {
    expect(paths(await post('/vehicles', vehicle('苏E·70001', { storedTareKg: 12_000 })))).toEqual(['storedTareKg']);
    expect(paths(await post('/vehicles', vehicle('苏E·70001', { storedTareKg: 12_000, tareMeasuredAt: '2026-01-01T08:00:00+08:00' })))).toEqual(['storedTareKg']);
    expect(paths(await post('/vehicles', vehicle('苏E·70001', { storedTareKg: 12_000, tareMeasuredAt: '2026-06-01T08:00:00+08:00', tareExpiresAt: '2026-01-01T08:00:00+08:00' })))).toEqual(['tareExpiresAt']);
    expect(paths(await post('/vehicles', vehicle('苏E·70001', { storedTareKg: 30_000, tareMeasuredAt: '2026-01-01T08:00:00+08:00', tareExpiresAt: '2027-01-01T08:00:00+08:00' })))).toEqual(['storedTareKg']);
    const ok = await post('/vehicles', vehicle('苏E·70001', { storedTareKg: 12_000, tareMeasuredAt: '2026-01-01T08:00:00+08:00', tareExpiresAt: '2027-01-01T08:00:00+08:00' }));
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual(expect.objectContaining({ storedTareKg: 12_000, tareMeasuredAt: '2026-01-01T00:00:00.000Z', tareExpiresAt: '2027-01-01T00:00:00.000Z' }));
    // removing only the tare leaves its dates behind → 400; removing all three is fine
    expect((await patch(`/vehicles/${ok.body.id}`, { storedTareKg: null })).status).toBe(400);
    const cleared = await patch(`/vehicles/${ok.body.id}`, { storedTareKg: null, tareMeasuredAt: null, tareExpiresAt: null });
    expect(cleared.body).toEqual(expect.objectContaining({ storedTareKg: null, tareMeasuredAt: null, tareExpiresAt: null }));
  });

  test('vehicle rules: not a plate, unknown stream → 400; unknown carrier → 422; in use → 422 on delete', async () => {
    expect(paths(await post('/vehicles', vehicle('ABC123')))).toEqual(['plate']);
    expect((await post('/vehicles', vehicle('苏E·70002', { streams: ['GOLD'] }))).status).toBe(400);
    expect((await post('/vehicles', vehicle('苏E·70002', { carrierId: '00000000-0000-4000-8000-000000000000' }))).status).toBe(422);
    expect((await del(`/vehicles/${fx.vehicles.A1.id}`)).status).toBe(422);
    const spare = await post('/vehicles', vehicle('苏E·70003'));
    expect((await del(`/vehicles/${spare.body.id}`)).status).toBe(204);
  });

  test('drivers CRUD', async () => {
    const c = await post('/drivers', { carrierId: fx.carrierB.id, name: '王师傅' });
    expect(c.status).toBe(201);
    expect(c.body).toEqual({ id: expect.any(String), carrierId: fx.carrierB.id, name: '王师傅', phone: null });
    expect((await patch(`/drivers/${c.body.id}`, { phone: '138-0000-0000' })).body.phone).toBe('138-0000-0000');
    expect((await get(`/drivers?carrierId=${fx.carrierB.id}`)).body.items.map((d: any) => d.id)).toContain(c.body.id);
    expect((await del(`/drivers/${c.body.id}`)).status).toBe(204);
  });
});

describe('cards', () => {
  test('UIDs are normalised to lower-case hex; a second card with the same UID is 409', async () => {
    const c = await post('/cards', { uid: 'DE:AD:BE:EF:01', vehicleId: fx.vehicles.A2.id });
    expect(c.status).toBe(201);
    expect(c.body).toEqual({ id: expect.any(String), uid: 'deadbeef01', vehicleId: fx.vehicles.A2.id, driverId: null, status: 'ISSUED', issuedAt: expect.any(String) });
    expect((await post('/cards', { uid: 'deadbeef01', vehicleId: fx.vehicles.B1.id })).status).toBe(409);
    expect((await post('/cards', { uid: 'xyz', vehicleId: fx.vehicles.B1.id })).status).toBe(400);
    // a 96-bit UHF windshield tag (EPC, 24 hex) is a card too; 17 bytes is not
    expect((await post('/cards', { uid: 'E2003412B802011526708BB1', vehicleId: fx.vehicles.B1.id })).status).toBe(201);
    expect((await post('/cards', { uid: 'ab'.repeat(17), vehicleId: fx.vehicles.B1.id })).status).toBe(400);
    expect((await get('/cards?uid=DE%20AD%20BE%20EF%2001')).body.items.map((x: any) => x.id)).toEqual([c.body.id]);
  });

  test('every issue, reassignment and status change appends to the card history', async () => {
    const c = await post('/cards', { uid: 'c0ffee0001', vehicleId: fx.vehicles.B1.id, driverId: fx.drivers.B.id });
    expect(c.status).toBe(201);
    const lost = await post(`/cards/${c.body.id}/status`, { status: 'LOST', note: '司机报失' });
    expect(lost.status).toBe(200);
    expect(lost.body.status).toBe('LOST');
    expect((await post(`/cards/${c.body.id}/status`, { status: 'LOST', note: 'again' })).status).toBe(409);
    const moved = await patch(`/cards/${c.body.id}`, { vehicleId: fx.vehicles.B2.id, driverId: null });
    expect(moved.body).toEqual(expect.objectContaining({ vehicleId: fx.vehicles.B2.id, driverId: null, status: 'LOST' }));
    expect((await post(`/cards/${c.body.id}/status`, { status: 'REVOKED', note: '卡片注销' })).status).toBe(200);
    expect((await post(`/cards/${c.body.id}/status`, { status: 'ISSUED', note: 'undo' })).status).toBe(409);

    const h = await get(`/cards/${c.body.id}/history`);
    expect(h.status).toBe(200);
    expect(h.body.items.map((e: any) => [e.status, e.vehicleId, e.note])).toEqual([
      ['ISSUED', fx.vehicles.B1.id, 'issued'],
      ['LOST', fx.vehicles.B1.id, '司机报失'],
      ['LOST', fx.vehicles.B2.id, 'reassigned'],
      ['REVOKED', fx.vehicles.B2.id, '卡片注销'],
    ]);
    expect(h.body.items.every((e: any) => e.actorUserId === fx.users.admin.id)).toBe(true);
    // the history is the ledger's: the app role cannot rewrite it
    await expect(server.ctx.db.prisma.cardEvent.deleteMany({ where: { cardId: c.body.id } })).rejects.toThrow();
  });

  test('card rules: a note is required; the driver must work for the vehicle’s carrier; the UID cannot be patched; no DELETE', async () => {
    const c = await post('/cards', { uid: 'c0ffee0002', vehicleId: fx.vehicles.A1.id });
    expect(paths(await post(`/cards/${c.body.id}/status`, { status: 'LOST' }))).toEqual(['note']);
    expect(paths(await post(`/cards/${c.body.id}/status`, { status: 'STOLEN', note: 'x y z' }))).toEqual(['status']);
    expect((await post('/cards', { uid: 'c0ffee0003', vehicleId: fx.vehicles.A1.id, driverId: fx.drivers.B.id })).status).toBe(422);
    expect((await patch(`/cards/${c.body.id}`, { driverId: fx.drivers.B.id })).status).toBe(422);
    expect((await patch(`/cards/${c.body.id}`, { uid: 'c0ffee0009' })).status).toBe(400);
    expect((await post('/cards', { uid: 'c0ffee0004', vehicleId: '00000000-0000-4000-8000-000000000000' })).status).toBe(422);
    expect((await del(`/cards/${c.body.id}`)).status).toBe(404);
  });
});

describe('routes, permits, targets', () => {
  const route = (extra: object = {}) => ({
    code: `GS-R${Math.floor(Math.random() * 1e6)}`,
    name: '姑苏其他垃圾二线',
    districtId: fx.districtA.id,
    streamCode: 'OTHER',
    destinationSiteId: fx.sites.incineratorA.id,
    scheduleDays: [1, 3, 5],
    shiftStart: '06:00',
    plannedTrips: 2,
    plannedKg: 16_000,
    vehicleIds: [fx.vehicles.A1.id],
    points: [{ name: '平江路', latitude: 31.31, longitude: 120.63 }, { name: '观前街' }],
    ...extra,
  });

  test('route with vehicles and ordered points; patch replaces them', async () => {
    const c = await post('/routes', route());
    expect(c.status).toBe(201);
    expect(c.body).toEqual(expect.objectContaining({ vehicleIds: [fx.vehicles.A1.id], scheduleDays: [1, 3, 5], points: [{ ordinal: 1, name: '平江路', latitude: 31.31, longitude: 120.63 }, { ordinal: 2, name: '观前街', latitude: null, longitude: null }] }));
    const p = await patch(`/routes/${c.body.id}`, { points: [{ name: '石路' }], vehicleIds: [] });
    expect(p.body.points).toEqual([{ ordinal: 1, name: '石路', latitude: null, longitude: null }]);
    expect(p.body.vehicleIds).toEqual([]);
    expect(p.body.scheduleDays).toEqual([1, 3, 5]);
    expect((await del(`/routes/${c.body.id}`)).status).toBe(204);
  });

  test('a new route takes effect today in its destination\'s zone unless told otherwise, so past days are not judged against it', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const dated = await post('/routes', route({ code: 'R-DATED' }));
    expect(dated.status).toBe(201);
    expect(dated.body).toMatchObject({ effectiveFrom: today, effectiveTo: null });
    const always = await post('/routes', route({ code: 'R-ALWAYS', effectiveFrom: null }));
    expect(always.body).toMatchObject({ effectiveFrom: null });
    const later = await post('/routes', route({ code: 'R-LATER', effectiveFrom: '2031-01-01', effectiveTo: '2031-12-31' }));
    expect(later.body).toMatchObject({ effectiveFrom: '2031-01-01', effectiveTo: '2031-12-31' });
    for (const r of [dated, always, later]) expect((await del(`/routes/${r.body.id}`)).status).toBe(204);
  });

  test('route rules: destination must accept the stream (422); repeated days, bad shift time → 400; unknown truck → 422', async () => {
    expect((await post('/routes', route({ streamCode: 'KITCHEN' }))).status).toBe(422);
    expect((await patch(`/routes/${fx.routes.A.id}`, { destinationSiteId: fx.sites.incineratorA.id })).status).toBe(422);
    expect((await post('/routes', route({ scheduleDays: [1, 1] }))).status).toBe(400);
    expect(paths(await post('/routes', route({ shiftStart: '25:00' })))).toEqual(['shiftStart']);
    expect((await post('/routes', route({ vehicleIds: ['00000000-0000-4000-8000-000000000000'] }))).status).toBe(422);
  });

  test('a haul route: from a transfer station that takes the stream, not to itself; a collection route has no origin', async () => {
    const haul = await post('/routes', route({ originSiteId: fx.sites.siteA.id }));
    expect(haul.status).toBe(201);
    expect(haul.body).toMatchObject({ originSiteId: fx.sites.siteA.id, destinationSiteId: fx.sites.incineratorA.id });
    expect((await post('/routes', route())).body).toMatchObject({ originSiteId: null });
    // not a transfer station; not one taking the stream (CONSTRUCTION is not taken there); origin = destination
    expect(paths(await post('/routes', route({ originSiteId: fx.sites.projectA.id })))).toEqual(['originSiteId']);
    const toItself = await patch(`/routes/${haul.body.id}`, { destinationSiteId: fx.sites.siteA.id });
    expect([toItself.status, paths(toItself)]).toEqual([400, ['originSiteId']]);
    expect(paths(await post('/routes', route({ originSiteId: fx.sites.incineratorA.id })))).toEqual(['originSiteId']);
    const back = await patch(`/routes/${haul.body.id}`, { originSiteId: null });
    expect(back.body).toMatchObject({ originSiteId: null });
    expect((await del(`/routes/${haul.body.id}`)).status).toBe(204);
  });

  const permit = (extra: object = {}) => ({
    permitNo: `GS-P-${Math.floor(Math.random() * 1e6)}`,
    originSiteId: fx.sites.projectA.id,
    carrierId: fx.carrierA.id,
    disposalSiteId: fx.sites.siteA.id,
    streamCode: 'RENOVATION',
    validFrom: '2026-03-01',
    validTo: '2026-09-30',
    approvedVolumeM3: 5000,
    vehicleIds: [fx.vehicles.A2.id],
    ...extra,
  });

  test('permit create, dates as YYYY-MM-DD, patch', async () => {
    const c = await post('/permits', permit());
    expect(c.status).toBe(201);
    expect(c.body).toEqual(expect.objectContaining({ validFrom: '2026-03-01', validTo: '2026-09-30', approvedKg: null, vehicleIds: [fx.vehicles.A2.id], streamCode: 'RENOVATION' }));
    expect((await patch(`/permits/${c.body.id}`, { validTo: '2026-12-31' })).body.validTo).toBe('2026-12-31');
  });

  test('permit rules: validTo before validFrom (create or patch) and origin = disposal → 400; others’ trucks or a site that refuses the stream → 422', async () => {
    expect(paths(await post('/permits', permit({ validFrom: '2026-05-01', validTo: '2026-04-30' })))).toEqual(['validTo']);
    expect(paths(await patch(`/permits/${fx.permits.A.id}`, { validTo: '2020-01-01' }))).toEqual(['validTo']);
    expect(paths(await post('/permits', permit({ disposalSiteId: fx.sites.projectA.id })))).toEqual(['disposalSiteId']);
    expect((await post('/permits', permit({ validFrom: '2026-02-30' }))).status).toBe(400);
    expect((await post('/permits', permit({ streamCode: 'KITCHEN' }))).status).toBe(400);
    const foreign = await post('/permits', permit({ vehicleIds: [fx.vehicles.B2.id] }));
    expect(foreign.status).toBe(422);
    expect(paths(foreign)).toEqual(['vehicleIds.0']);
    expect((await post('/permits', permit({ disposalSiteId: fx.sites.incineratorA.id }))).status).toBe(422);
    expect((await post('/permits', permit({ permitNo: fx.permits.A.permitNo }))).status).toBe(409);
  });

  test('targets: decimals come back as numbers; the same district/metric/period twice → 409', async () => {
    const t = { districtId: fx.districtB.id, metric: 'KITCHEN_TPD', periodKind: 'YEAR', periodStart: '2026-01-01', value: 4839.5, unit: 't/d' };
    const c = await post('/targets', t);
    expect(c.status).toBe(201);
    expect(c.body).toEqual({ id: expect.any(String), ...t });
    expect((await post('/targets', t)).status).toBe(409);
    expect((await patch(`/targets/${c.body.id}`, { value: 5000.125 })).body.value).toBe(5000.125);
    expect((await post('/targets', { ...t, metric: 'lower case' })).status).toBe(400);
  });
});

describe('devices', () => {
  const key = Buffer.alloc(32, 7).toString('base64');

  test('create with lanes; never returns the enrolment token hash', async () => {
    const c = await post('/devices', { code: 'GS-INC-PC2', siteId: fx.sites.incineratorA.id, scaleIds: [fx.sites.incineratorA.scaleId] });
    expect(c.status).toBe(201);
    expect(c.body).toEqual(expect.objectContaining({ code: 'GS-INC-PC2', status: 'PENDING', publicKey: null, scaleIds: [fx.sites.incineratorA.scaleId], lastSeenAt: null }));
    expect(Object.keys(c.body)).not.toContain('enrolTokenHash');
  });

  test('device rules: a lane at another site → 422; ACTIVE without a key → 400 (create and patch)', async () => {
    const wrong = await post('/devices', { code: 'GS-INC-PC3', siteId: fx.sites.incineratorA.id, scaleIds: [fx.sites.siteB.scaleId] });
    expect(wrong.status).toBe(422);
    expect(paths(wrong)).toEqual(['scaleIds.0']);
    expect(paths(await post('/devices', { code: 'GS-INC-PC4', siteId: fx.sites.incineratorA.id, scaleIds: [fx.sites.incineratorA.scaleId], status: 'ACTIVE' }))).toEqual(['publicKey']);
    const pending = await post('/devices', { code: 'GS-INC-PC5', siteId: fx.sites.incineratorA.id, scaleIds: [fx.sites.incineratorA.scaleId] });
    expect(paths(await patch(`/devices/${pending.body.id}`, { status: 'ACTIVE' }))).toEqual(['publicKey']);
    expect((await patch(`/devices/${pending.body.id}`, { status: 'ACTIVE', publicKey: key })).body.status).toBe('ACTIVE');
  });

  test('a status change is published live as device.status to the site and its district', async () => {
    const got: LiveMessage[] = [];
    const stop = server.ctx.live.subscribe((m) => got.push(m));
    try {
      const dev = fx.devices.siteB;
      const p = await patch(`/devices/${dev.id}`, { status: 'SUSPENDED' });
      expect(p.status).toBe(200);
      const msgs = got.filter((m) => m.event === 'device.status');
      expect(msgs).toEqual([
        { event: 'device.status', payload: { deviceId: dev.id, deviceCode: dev.code, siteId: fx.sites.siteB.id, status: 'SUSPENDED', lastSeenAt: null, online: false, queueDepth: null, lastHeartbeatAt: null }, scope: { siteId: fx.sites.siteB.id, districtId: fx.districtB.id } },
      ]);
      // a patch that does not change the status announces nothing
      await patch(`/devices/${dev.id}`, { status: 'SUSPENDED' });
      expect(got.filter((m) => m.event === 'device.status')).toHaveLength(1);
      await patch(`/devices/${dev.id}`, { status: 'ACTIVE' });
      expect(got.filter((m) => m.event === 'device.status').map((m) => (m.payload as { status: string }).status)).toEqual(['SUSPENDED', 'ACTIVE']);
    } finally {
      stop();
    }
  });
});

describe('users', () => {
  test('create hashes the password and never returns it; the new user can log in', async () => {
    const c = await post('/users', { username: 'operator.inc', displayName: '焚烧厂司磅员', password: 'a-long-password-1', role: 'OPERATOR', scopeSiteId: fx.sites.incineratorA.id });
    expect(c.status).toBe(201);
    expect(c.body).toEqual({
      id: expect.any(String),
      username: 'operator.inc',
      displayName: '焚烧厂司磅员',
      role: 'OPERATOR',
      scope: { siteId: fx.sites.incineratorA.id, carrierId: null, districtId: null },
      active: true,
      createdAt: expect.any(String),
    });
    const stored = await server.ctx.db.prisma.appUser.findUniqueOrThrow({ where: { id: c.body.id } });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain('a-long-password-1');
    const listed = await get('/users?limit=500');
    expect(JSON.stringify(listed.body)).not.toMatch(/scrypt|passwordHash|password_hash/);
    expect(await login(server.url, 'operator.inc', 'a-long-password-1')).toEqual(expect.any(String));
    const changed = await patch(`/users/${c.body.id}`, { password: 'another-long-password' });
    expect(changed.status).toBe(200);
    await expect(login(server.url, 'operator.inc', 'a-long-password-1')).rejects.toThrow(/401/);
    expect(await login(server.url, 'operator.inc', 'another-long-password')).toEqual(expect.any(String));
  });

  test('a scope that does not fit the role → 400, on create and on patch', async () => {
    const u = (extra: object) => ({ username: `u${Math.floor(Math.random() * 1e9)}`, displayName: 'x', password: 'a-long-password-1', ...extra });
    for (const bad of [
      { role: 'OPERATOR' },
      { role: 'OPERATOR', scopeSiteId: fx.sites.siteA.id, scopeDistrictId: fx.districtA.id },
      { role: 'DISPATCHER' },
      { role: 'DISPATCHER', scopeCarrierId: fx.carrierA.id, scopeDistrictId: fx.districtA.id },
      { role: 'INSPECTOR', scopeSiteId: fx.sites.siteA.id },
      { role: 'ADMIN', scopeDistrictId: fx.districtA.id },
    ]) {
      const r = await post('/users', u(bad));
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(paths(r)).toEqual(['role']);
    }
    expect(paths(await patch(`/users/${fx.users.operatorA.id}`, { role: 'INSPECTOR' }))).toEqual(['role']);
    expect((await patch(`/users/${fx.users.operatorA.id}`, { username: 'renamed' })).status).toBe(400);
    expect((await post('/users', u({ role: 'OPERATOR', scopeSiteId: '00000000-0000-4000-8000-000000000000' }))).status).toBe(422);
    expect(paths(await post('/users', u({ role: 'ADMIN', password: 'short' })))).toEqual(['password']);
    expect((await post('/users', { ...u({ role: 'ADMIN' }), username: 'admin' })).status).toBe(409);
  });

  test('the last active admin cannot be demoted or deactivated', async () => {
    const r = await patch(`/users/${fx.users.admin.id}`, { active: false });
    expect(r.status).toBe(409);
    expect((await patch(`/users/${fx.users.admin.id}`, { role: 'INSPECTOR' })).status).toBe(409);
    expect((await del(`/users/${fx.users.admin.id}`)).status).toBe(404);
  });
});

describe('a device that has signed records', () => {
  test('keeps its key, code and site; its status may still change', async () => {
    const { createStation, TestDevice } = await import('./support/station.js');
    const { generateDeviceKeys } = await import('@haulproof/contracts/signing');
    const station = await createStation(server.databaseUrl);
    const device = new TestDevice(server.url, station);
    expect((await device.post([device.nextTicket()])).status).toBe(200);
    const patch = (body: unknown) =>
      fetch(`${server.url}/api/v1/devices/${station.deviceId}`, { method: 'PATCH', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const rekey = await patch({ publicKey: generateDeviceKeys().publicKey });
    expect(rekey.status).toBe(409);
    expect((await rekey.json()).message).toMatch(/key, code and site are fixed/);
    expect((await patch({ code: 'DEV-RENAMED' })).status).toBe(409);
    expect((await patch({ status: 'SUSPENDED' })).status).toBe(200);
  });
});
