// The station devices' live uplink (socket.io namespace /devices) end to end: a real server, real
// socket.io clients for the station and for the people watching it.
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import pg from 'pg';
import type { ClientToServerEvents, DeviceStatusEvent, DeviceToServerEvents, ServerToClientEvents } from '@haulproof/contracts';
import { deviceRequestMessage, generateDeviceKeys, signBytes } from '@haulproof/contracts/signing';
import { Throttle } from '../server/src/live/lane-feed.js';
import { startTestServer } from './support/server.js';
import { createStation, type StationFixture } from './support/station.js';
import { api, userToken } from './support/users.js';

type DeviceClient = Socket<Record<string, never>, DeviceToServerEvents>;
type PersonClient = Socket<ServerToClientEvents, ClientToServerEvents>;
type Received = { event: string; payload: any; at: number };

let server: Awaited<ReturnType<typeof startTestServer>>;
let owner: pg.Client;
let a: StationFixture, b: StationFixture;
const tokens = {} as Record<'admin' | 'opA' | 'opB' | 'inspA' | 'carrierA', string>;
const open: { close(): unknown }[] = [];

beforeAll(async () => {
  server = await startTestServer();
  owner = new pg.Client({ connectionString: server.databaseUrl });
  await owner.connect();
  a = await createStation(server.databaseUrl);
  b = await createStation(server.databaseUrl);
  tokens.admin = await userToken(server, { username: 'admin', role: 'ADMIN' });
  tokens.opA = await userToken(server, { username: 'op.a', role: 'OPERATOR', siteId: a.siteId });
  tokens.opB = await userToken(server, { username: 'op.b', role: 'OPERATOR', siteId: b.siteId });
  tokens.inspA = await userToken(server, { username: 'insp.a', role: 'INSPECTOR', districtId: a.districtId });
  tokens.carrierA = await userToken(server, { username: 'disp.carrier.a', role: 'DISPATCHER', carrierId: a.carrierId });
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(async () => {
  await owner.end();
  await server.close();
});

function handshake(dev: Pick<StationFixture, 'deviceCode' | 'privateKeyPem'>, at = new Date()) {
  const ts = at.toISOString();
  return { device: dev.deviceCode, ts, sig: signBytes(dev.privateKeyPem, deviceRequestMessage('SOCKET', '/devices', ts, new Uint8Array())).toString('base64') };
}

/** A station's uplink. `auth` is a function, so every (re)connection is signed afresh. */
function device(auth: object | ((cb: (data: object) => void) => void)): DeviceClient {
  const socket: DeviceClient = io(`${server.url}/devices`, { path: '/socket.io', transports: ['websocket'], reconnection: false, auth });
  open.push(socket);
  return socket;
}
const connected = (socket: DeviceClient) =>
  new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
const refused = (socket: DeviceClient) =>
  new Promise<Error & { data?: { status: number } }>((resolve, reject) => {
    socket.once('connect_error', resolve);
    socket.once('connect', () => reject(new Error('connected without valid credentials')));
  });

function person(token: string): { socket: PersonClient; got: Received[] } {
  const socket: PersonClient = io(server.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, auth: { token } });
  const got: Received[] = [];
  socket.onAny((event, payload) => got.push({ event, payload, at: Date.now() }));
  open.push(socket);
  return { socket, got };
}
async function until<T>(what: string, probe: () => T | undefined | false, ms = 5000): Promise<T> {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 20))) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const watching = async (...tokensOf: string[]) => {
  const people = tokensOf.map(person);
  await Promise.all(people.map((p) => until('snapshot', () => p.got.find((g) => g.event === 'snapshot'))));
  return people;
};
const events = (got: Received[], event: string) => got.filter((g) => g.event === event).map((g) => g.payload);
const sample = (kg: number, lane = 'L1') => ({ lane, at: new Date().toISOString(), kg, stable: false, overload: false, underload: false });
const authFailures = async (deviceId: string) => Number((await owner.query(`SELECT count(*) n FROM security_event WHERE device_id = $1 AND kind = 'DEVICE_AUTH_FAILED' AND details->>'path' = '/devices'`, [deviceId])).rows[0].n);

describe('handshake', () => {
  test('without credentials, an unknown device, a wrong key or a stale time: refused with 401', async () => {
    const before = await authFailures(a.deviceId);
    const none = await refused(device({}));
    expect(none.message).toMatch(/auth: \{ device, ts, sig \}/);
    expect(none.data?.status).toBe(401);
    expect((await refused(device(handshake({ deviceCode: 'NO-SUCH-PC', privateKeyPem: a.privateKeyPem })))).message).toMatch(/unknown or unenrolled device/);
    expect((await refused(device(handshake({ deviceCode: a.deviceCode, privateKeyPem: generateDeviceKeys().privateKeyPem })))).message).toMatch(/does not verify/);
    const stale = await refused(device(handshake(a, new Date(Date.now() - 3600_000))));
    expect(stale.message).toMatch(/check the station clock/);
    expect(stale.data?.status).toBe(401);
    expect(await authFailures(a.deviceId)).toBe(before + 2);
  });

  test('a handshake signature is good for one connection only', async () => {
    const hs = handshake(a);
    const first = device(hs);
    await connected(first);
    first.close();
    const replay = await refused(device(hs));
    expect(replay.message).toMatch(/already used/);
    await connected(device((cb) => cb(handshake(a)))); // a fresh signature is fine
  });

  test('a suspended device is refused with 403', async () => {
    const c = await createStation(server.databaseUrl);
    await owner.query(`UPDATE station_device SET status = 'SUSPENDED' WHERE id = $1`, [c.deviceId]);
    const err = await refused(device(handshake(c)));
    expect(err.data?.status).toBe(403);
    expect(err.message).toMatch(/SUSPENDED/);
  });
});

describe('relay to the people watching the site', () => {
  test('samples and lane states reach site A\'s operator, its district and admins; nobody else', async () => {
    const [opA, opB, inspA, carrierA, admin] = await watching(tokens.opA, tokens.opB, tokens.inspA, tokens.carrierA, tokens.admin);
    const dev = device((cb) => cb(handshake(a)));
    await connected(dev);
    dev.emit('lane.sample', [sample(12_340), sample(99_999, 'L9')]);
    dev.emit('lane.state', { lane: 'L1', state: 'IDENTIFIED', plate: a.plate, message: '请上磅', at: new Date().toISOString() });
    for (const p of [opA!, inspA!, admin!]) {
      const s = await until('lane.sample', () => events(p.got, 'lane.sample')[0]);
      expect(s).toEqual({ deviceCode: a.deviceCode, siteId: a.siteId, lane: 'L1', at: expect.any(String), kg: 12_340, stable: false, overload: false, underload: false });
      expect(await until('lane.state', () => events(p.got, 'lane.state')[0])).toMatchObject({ deviceCode: a.deviceCode, siteId: a.siteId, lane: 'L1', state: 'IDENTIFIED', plate: a.plate, message: '请上磅' });
    }
    await sleep(400);
    expect(events(opA!.got, 'lane.sample')).toHaveLength(1); // the lane the device does not read was dropped
    for (const p of [opB!, carrierA!]) expect(p.got.filter((g) => g.event.startsWith('lane.'))).toEqual([]);
  });

  test('a 25 Hz indicator reaches screens at ≤ 5 samples per second, ending on the last weight', async () => {
    const [opA] = await watching(tokens.opA);
    const dev = device((cb) => cb(handshake(a)));
    await connected(dev);
    for (let i = 1; i <= 25; i++) {
      dev.emit('lane.sample', [sample(10_000 + i * 20)]);
      await sleep(40);
    }
    await sleep(400);
    const got = opA!.got.filter((g) => g.event === 'lane.sample');
    expect(got.length).toBeGreaterThanOrEqual(4);
    expect(got.length).toBeLessThanOrEqual(7);
    expect(got.at(-1)!.payload.kg).toBe(10_500);
    for (let i = 1; i < got.length; i++) expect(got[i]!.at - got[i - 1]!.at).toBeGreaterThanOrEqual(150); // 200 ms apart, less socket jitter
  });

  test('a heartbeat is acknowledged with the server time and relayed with the station\'s clock offset', async () => {
    const [opA, opB] = await watching(tokens.opA, tokens.opB);
    const dev = device((cb) => cb(handshake(a)));
    await connected(dev);
    const ahead = new Date(Date.now() + 5000).toISOString(); // the station clock runs 5 s fast
    const ack = await dev.timeout(2000).emitWithAck('heartbeat', { at: ahead, softwareVersion: 'agent 0.3.0', queueDepth: 3, lastSeq: 41, lastFrameAt: { L1: ahead }, readers: { 'ACS ACR122U': 'ready' }, alarms: [] });
    expect(Math.abs(Date.parse(ack.serverTime) - Date.now())).toBeLessThan(2000);
    const hb = await until('device.heartbeat', () => events(opA!.got, 'device.heartbeat')[0]);
    expect(hb).toMatchObject({ deviceCode: a.deviceCode, siteId: a.siteId, at: ahead, queueDepth: 3, lastSeq: 41, readers: { 'ACS ACR122U': 'ready' }, alarms: [] });
    expect(hb.clockOffsetMs).toBeGreaterThan(4000);
    expect(hb.clockOffsetMs).toBeLessThanOrEqual(5000);
    // a new screen's snapshot shows the device online with its queue
    const [late] = await watching(tokens.opA);
    const snap = late!.got.find((g) => g.event === 'snapshot')!.payload as { devices: DeviceStatusEvent[] };
    expect(snap.devices.find((d) => d.deviceId === a.deviceId)).toMatchObject({ online: true, queueDepth: 3, lastHeartbeatAt: expect.any(String) });
    expect(events(opB!.got, 'device.heartbeat')).toEqual([]);
  });

  test('an invalid message is ignored; the uplink stays up', async () => {
    const [opA] = await watching(tokens.opA);
    const dev = device((cb) => cb(handshake(a)));
    await connected(dev);
    dev.emit('lane.sample', [{ lane: 'L1', at: 'yesterday', kg: 'heavy' } as never]);
    dev.emit('lane.sample', [sample(777)]);
    expect((await until('lane.sample', () => events(opA!.got, 'lane.sample')[0])).kg).toBe(777);
    expect(dev.connected).toBe(true);
  });
});

describe('online and offline', () => {
  test('connecting and disconnecting are announced as device.status and recorded in last_seen_at', async () => {
    const c = await createStation(server.databaseUrl);
    const op = await userToken(server, { username: 'op.c', role: 'OPERATOR', siteId: c.siteId });
    const [opC, opA] = await watching(op, tokens.opA);
    const statuses = () => events(opC!.got, 'device.status').filter((d: DeviceStatusEvent) => d.deviceId === c.deviceId) as DeviceStatusEvent[];
    const dev = device((cb) => cb(handshake(c)));
    await connected(dev);
    expect(await until('online', () => statuses().find((d) => d.online))).toMatchObject({ deviceCode: c.deviceCode, siteId: c.siteId, status: 'ACTIVE', online: true, lastSeenAt: expect.any(String) });
    const seenAtConnect = (await owner.query('SELECT last_seen_at FROM station_device WHERE id = $1', [c.deviceId])).rows[0].last_seen_at as Date;
    expect(Date.now() - seenAtConnect.getTime()).toBeLessThan(5000);
    await sleep(50);
    dev.close();
    expect(await until('offline', () => statuses().find((d) => !d.online))).toMatchObject({ online: false, status: 'ACTIVE' });
    const seenAtDisconnect = (await owner.query('SELECT last_seen_at FROM station_device WHERE id = $1', [c.deviceId])).rows[0].last_seen_at as Date;
    expect(seenAtDisconnect.getTime()).toBeGreaterThan(seenAtConnect.getTime());
    expect(events(opA!.got, 'device.status').filter((d: DeviceStatusEvent) => d.deviceId === c.deviceId)).toEqual([]);
  });

  test('a newer connection replaces an older one; the device stays online', async () => {
    const c = await createStation(server.databaseUrl);
    const first = device((cb) => cb(handshake(c)));
    await connected(first);
    const dropped = new Promise<string>((resolve) => first.once('disconnect', resolve));
    const second = device((cb) => cb(handshake(c)));
    await connected(second);
    expect(await dropped).toBe('io server disconnect');
    await sleep(100);
    expect(server.ctx.presence.of(c.deviceId).online).toBe(true);
  });

  test('suspending a connected device cuts its uplink', async () => {
    const c = await createStation(server.databaseUrl);
    const dev = device((cb) => cb(handshake(c)));
    await connected(dev);
    const dropped = new Promise<string>((resolve) => dev.once('disconnect', resolve));
    const res = await api(server.url, tokens.admin).patch(`/api/v1/devices/${c.deviceId}`, { status: 'SUSPENDED' });
    expect(res.status).toBe(200);
    expect(await dropped).toBe('io server disconnect');
    await until('offline', () => !server.ctx.presence.of(c.deviceId).online);
  });
});

describe('Throttle (fake timers)', () => {
  test('at most one value per interval per key, the latest last, keys independent', () => {
    vi.useFakeTimers();
    try {
      const sent: [string, number][] = [];
      const t = new Throttle<[string, number]>(200, (v) => sent.push(v), () => Date.now());
      for (let ms = 0; ms < 1000; ms += 10) {
        t.push('L1', ['L1', ms]);
        if (ms % 100 === 0) t.push('L2', ['L2', ms]);
        vi.advanceTimersByTime(10);
      }
      vi.advanceTimersByTime(1000);
      const l1 = sent.filter(([k]) => k === 'L1').map(([, v]) => v);
      expect(l1).toEqual([0, 190, 390, 590, 790, 990]);
      expect(sent.filter(([k]) => k === 'L2').map(([, v]) => v)).toEqual([0, 100, 300, 500, 700, 900]);
      t.push('L1', ['L1', 5000]);
      t.push('L1', ['L1', 5001]);
      t.stop(); // pending values die with their source
      vi.advanceTimersByTime(1000);
      expect(sent.at(-1)).toEqual(['L1', 5000]);
    } finally {
      vi.useRealTimers();
    }
  });
});
