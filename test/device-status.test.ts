// Heartbeats written down for report quality, end to end: a real server on its own database,
// the real station agent (journal, lanes, uplink) and raw socket.io device clients. The server
// keeps each device's last status and the clock hours it was heard in; the quality response
// counts silent hours and overdue open first passes from them, and so does a restarted server.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type DeviceToServerEvents, type ReportQuality } from '@haulproof/contracts';
import { deviceRequestMessage, signBytes } from '@haulproof/contracts/signing';
import { loadConfig } from '../server/src/config.js';
import { createLogger } from '../server/src/lib/logger.js';
import { startServer, type RunningServer } from '../server/src/server.js';
import { qualityScore } from '../server/src/services/report-quality.js';
import { StationAgent } from '../station-agent/src/agent.js';
import { AgentConfig } from '../station-agent/src/config.js';
import { storeDeviceKey } from '../station-agent/src/keys.js';
import { waitFor } from './support/agent-process.js';
import { BusWeighing, noDevice, quietLog } from './support/bus-weighing.js';
import { createTestDatabase } from './support/db.js';
import { createStation, TestDevice, type StationFixture } from './support/station.js';
import { api, userToken } from './support/users.js';

type DeviceClient = Socket<Record<string, never>, DeviceToServerEvents>;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pgc: pg.Client;
let server: RunningServer;
let admin: ReturnType<typeof api>;
let adminToken: string;
const open: { close(): unknown }[] = [];
const HOUR = 3_600_000;

// DEVICE_STATUS_WRITE_S=1: the throttle is observable within a test.
const serve = () =>
  startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'test-secret-test-secret-test-secret!', LOG_LEVEL: 'silent', HAULPROOF_DATA_DIR: '/tmp/haulproof-test-data', DEVICE_STATUS_WRITE_S: '1' }), db.url, createLogger('silent'));

beforeAll(async () => {
  db = await createTestDatabase();
  pgc = new pg.Client({ connectionString: db.url });
  await pgc.connect();
  server = await serve();
  adminToken = await userToken({ ...server, databaseUrl: db.url }, { username: 'status.admin', role: 'ADMIN' });
  admin = api(server.url, adminToken);
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(async () => {
  await server?.close();
  await pgc.end();
  await db.drop();
});

function device(st: StationFixture): DeviceClient {
  const auth = (cb: (d: object) => void) => {
    const ts = new Date().toISOString();
    cb({ device: st.deviceCode, ts, sig: signBytes(st.privateKeyPem, deviceRequestMessage('SOCKET', '/devices', ts, new Uint8Array())).toString('base64') });
  };
  const socket: DeviceClient = io(`${server.url}/devices`, { path: '/socket.io', transports: ['websocket'], reconnection: false, auth });
  open.push(socket);
  return socket;
}
const connected = (socket: DeviceClient) =>
  new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
/** An admin's screen: collects the relayed device heartbeats once its snapshot has arrived. */
async function screen(): Promise<{ heartbeats: { deviceCode: string; openTickets: unknown }[] }> {
  const socket = io(server.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, auth: { token: adminToken } });
  open.push(socket);
  const heartbeats: { deviceCode: string; openTickets: unknown }[] = [];
  socket.on('device.heartbeat', (h: { deviceCode: string; openTickets: unknown }) => heartbeats.push(h));
  await new Promise((resolve) => socket.once('snapshot', resolve));
  return { heartbeats };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (ms: number) => new Date(ms).toISOString();
const heartbeat = (more: object = {}) => ({ at: iso(Date.now()), softwareVersion: 'agent 0.3.0', queueDepth: 0, lastSeq: 0, lastFrameAt: { L1: null }, readers: {}, alarms: [], ...more });

interface StatusRow { last_heartbeat_at: Date; queue_depth: number; open_tickets: number | null; oldest_open_at: Date | null; open_by_lane: Record<string, string[]> | null; software_version: string }
const statusOf = async (deviceId: string) => (await pgc.query<StatusRow>('SELECT * FROM station_device_status WHERE device_id = $1', [deviceId])).rows[0];
const heardHours = async (deviceId: string) => (await pgc.query<{ hour: Date }>('SELECT hour FROM station_device_hour WHERE device_id = $1 ORDER BY hour', [deviceId])).rows.map((r) => r.hour.getTime());

const thisMonth = () => new Date().toISOString().slice(0, 7);
async function qualityOf(period: string, siteId: string) {
  const res = await admin.get(`/api/v1/reconciliation/quality?period=${period}&siteId=${siteId}`);
  expect(res.status).toBe(200);
  const q = res.body as ReportQuality;
  expect(q.sites).toHaveLength(1);
  return { q, site: q.sites[0]! };
}
/**
 * A device heard every hour of this month so far (as if it had been up all month), so that silence
 * does not hide what the open first passes cost; optionally with tickets weighed 40 h or more ago,
 * inside a counted day (up to yesterday) whatever the time of day.
 */
async function upAllMonth(st: StationFixture, tickets = 0): Promise<void> {
  const from = Date.parse(`${thisMonth()}-01T00:00:00+08:00`);
  await pgc.query(
    `INSERT INTO station_device_hour (device_id, hour) SELECT $1, h FROM generate_series($2::timestamptz, date_trunc('hour', now(), 'UTC'), interval '1 hour') h ON CONFLICT DO NOTHING`,
    [st.deviceId, iso(from)],
  );
  const d = new TestDevice(server.url, st);
  const fmt = (ms: number) => iso(ms).replace('Z', '+00:00');
  for (let i = 0; i < tickets; i++) {
    const at = Date.now() - (40 + i) * HOUR;
    const res = await d.post([d.nextTicket({ firstAt: fmt(at - 10 * 60_000), secondAt: fmt(at) })]);
    expect(res.body.results[0].status).toBe('accepted');
  }
}

/** The score must follow from the counts it shows, and the overdue first passes must cost completeness. */
function expectOverdueCosts(site: ReportQuality['sites'][number]) {
  expect(site.completeness).toBe(qualityScore(site.counts).completeness);
  expect(site.completeness!).toBeLessThan(qualityScore({ ...site.counts, openTicketsOverdue: 0 }).completeness ?? 100);
}

describe('heartbeats with open first passes', () => {
  test('the real agent reports its journal’s open first pass; the server writes it down and the current period counts it overdue', async () => {
    const st = await createStation(db.url);
    await upAllMonth(st);
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'hp-status-')), 'data');
    storeDeviceKey(dataDir, st.privateKeyPem);
    // Real time, except while the first pass is weighed "five hours ago" (the handshake needs a true clock).
    const virtual = { on: false, now: 0 };
    const config = AgentConfig.parse({
      device: st.deviceCode,
      server: server.url,
      dataDir,
      lanes: { L1: { port: 'injected', weighing: 'TWO_PASS', defaultStream: 'OTHER', readers: ['r1'], frameRateHz: 10 } },
      readers: [{ id: 'r1', kind: 'pcsc' }],
      print: { enabled: false, font: null },
    });
    const agent = new StationAgent(config, quietLog, { indicator: noDevice, pcsc: noDevice }, () => (virtual.on ? virtual.now : Date.now()));
    try {
      await agent.start();
      const weighedFrom = Date.now() - 5 * HOUR;
      Object.assign(virtual, { on: true, now: weighedFrom });
      new BusWeighing(agent, virtual).visit(st.cardUid, 21_340);
      virtual.on = false;

      // the agent beats every 10 s
      await waitFor('the open first pass in the device status', async () => (await statusOf(st.deviceId))?.open_tickets === 1, 25_000, 100);
      const row = (await statusOf(st.deviceId))!;
      expect(row.oldest_open_at!.getTime()).toBeGreaterThanOrEqual(weighedFrom);
      expect(row.oldest_open_at!.getTime()).toBeLessThan(weighedFrom + 60_000);
      expect(row.open_by_lane).toEqual({ L1: [row.oldest_open_at!.toISOString()] });
      expect(Date.now() - row.last_heartbeat_at.getTime()).toBeLessThan(15_000);
      expect(await heardHours(st.deviceId)).toContain(Math.floor(row.last_heartbeat_at.getTime() / HOUR) * HOUR);

      const { q, site } = await qualityOf(thisMonth(), st.siteId);
      expect(q.openTicketsAsOf).not.toBeNull();
      expect(q).toMatchObject({ silentAfterHours: 2, openTicketOverdueMinutes: 240 });
      expect(site.counts).toMatchObject({ openTickets: 1, openTicketsOverdue: 1 });
      expectOverdueCosts(site);
    } finally {
      await agent.stop();
    }
  }, 60_000);

  test('a chatty device is written at most once per DEVICE_STATUS_WRITE_S; only the overdue first passes count against it', async () => {
    const st = await createStation(db.url);
    await upAllMonth(st, 4);
    const watcher = await screen();
    const dev = device(st);
    await connected(dev);
    const now = Date.now();
    const openTickets = { count: 3, oldestAt: iso(now - 6 * HOUR), lanes: { L1: [iso(now - 6 * HOUR), iso(now - 5 * HOUR), iso(now - 10 * 60_000)] } };
    const written = new Set<number>();
    const beats: Promise<unknown>[] = [];
    for (let i = 1; i <= 50; i++) {
      beats.push(dev.timeout(2000).emitWithAck('heartbeat', heartbeat({ queueDepth: i, openTickets })));
      const row = await statusOf(st.deviceId);
      if (row) written.add(row.last_heartbeat_at.getTime());
      await sleep(50);
    }
    for (const ack of await Promise.all(beats)) expect(ack).not.toHaveProperty('refused');
    // every heartbeat still reaches the screens live, with the open first passes summed up
    await waitFor('the relayed heartbeats', () => watcher.heartbeats.filter((h) => h.deviceCode === st.deviceCode).length === 50, 5000, 20);
    expect(watcher.heartbeats.find((h) => h.deviceCode === st.deviceCode)!.openTickets).toEqual({ count: 3, oldestAt: openTickets.oldestAt });
    // 50 heartbeats over 2.5 s or more: the first is written at once, then one a second at most
    expect(written.size).toBeGreaterThanOrEqual(2);
    expect(written.size).toBeLessThanOrEqual(5);
    const row = (await statusOf(st.deviceId))!;
    expect(row.queue_depth).toBeLessThan(50); // the last heartbeats were not all written
    expect(row).toMatchObject({ open_tickets: 3, open_by_lane: openTickets.lanes, software_version: 'agent 0.3.0' });

    const { site } = await qualityOf(thisMonth(), st.siteId);
    expect(site.counts).toMatchObject({ openTickets: 3, openTicketsOverdue: 2, silentHours: 0 }); // 6 h and 5 h; 10 min is not overdue
    expectOverdueCosts(site);
    // with the 4 tickets in a counted day (any day but the month's first two): 2 of 6 first passes unfinished
    if (site.counts.tickets === 4) expect(site.completeness).toBeCloseTo(100 * (1 - 2 / 6), 1);
    // a past period: open first passes now say nothing about it
    const past = await qualityOf('2025-06', st.siteId);
    expect(past.q.openTicketsAsOf).toBeNull();
    expect(past.site.counts).toMatchObject({ openTickets: 0, openTicketsOverdue: 0 });
  });

  test('a malformed heartbeat is refused in its ack with the reason, nothing is written, and the uplink stays up', async () => {
    const st = await createStation(db.url);
    const dev = device(st);
    await connected(dev);
    const bad = await dev.timeout(2000).emitWithAck('heartbeat', heartbeat({ openTickets: { count: 2, oldestAt: null, lanes: {} } }));
    expect(Math.abs(Date.parse(bad.serverTime) - Date.now())).toBeLessThan(2000); // the clock offset still works
    expect(bad.refused).toMatch(/^heartbeat refused: openTickets\.oldestAt: oldestAt is null exactly when count is 0/);
    const garbage = await dev.timeout(2000).emitWithAck('heartbeat', 'not a heartbeat' as never);
    expect(garbage.refused).toMatch(/heartbeat refused: heartbeat: /);
    const negative = await dev.timeout(2000).emitWithAck('heartbeat', heartbeat({ queueDepth: -1 }));
    expect(negative.refused).toMatch(/queueDepth/);
    await sleep(300);
    expect(await statusOf(st.deviceId)).toBeUndefined();
    expect(await heardHours(st.deviceId)).toEqual([]);
    expect(dev.connected).toBe(true);

    // an agent that predates the field: accepted, written, no open-ticket figures
    const old = await dev.timeout(2000).emitWithAck('heartbeat', heartbeat({ queueDepth: 4 }));
    expect(old.refused).toBeUndefined();
    await waitFor('the status row', async () => (await statusOf(st.deviceId)) !== undefined, 5000, 20);
    expect(await statusOf(st.deviceId)).toMatchObject({ queue_depth: 4, open_tickets: null, oldest_open_at: null, open_by_lane: null });
    expect((await qualityOf(thisMonth(), st.siteId)).site.counts).toMatchObject({ openTickets: 0, openTicketsOverdue: 0 });
  });
});

describe('silent hours', () => {
  // Asia/Shanghai (UTC+8): local day D runs from D−1 16:00Z to D 16:00Z.
  const localHour = (day: string, h: number) => Date.parse(`${day}T00:00:00+08:00`) + h * HOUR;
  let st: StationFixture;
  beforeAll(async () => {
    st = await createStation(db.url);
    // heard over the uplink on 10 June, every hour but 09–13 and 17 (local)
    const hours = Array.from({ length: 24 }, (_, h) => h).filter((h) => ![9, 10, 11, 12, 13, 17].includes(h));
    await pgc.query('INSERT INTO station_device_hour (device_id, hour) SELECT $1, unnest($2::timestamptz[])', [st.deviceId, hours.map((h) => iso(localHour('2025-06-10', h)))]);
    // tickets: one on 8 June (before the heartbeat history), one at 11:30 on 10 June
    const d = new TestDevice(server.url, st);
    const fmt = (ms: number) => iso(ms).replace('Z', '+00:00');
    for (const at of [localHour('2025-06-08', 10), localHour('2025-06-10', 11.5)]) {
      const res = await d.post([d.nextTicket({ firstAt: fmt(at - 10 * 60_000), secondAt: fmt(at) })]);
      expect(res.body.results[0].status).toBe('accepted');
    }
  });

  test('stretches of 2 h or more without a heartbeat, ticket or station event are silent; a ticket breaks one; shorter gaps are not', async () => {
    const { site } = await qualityOf('2025-06-10', st.siteId);
    // 09–11 and 12–14 (the 11:30 ticket was heard in hour 11); 17–18 is one hour only
    expect(site.counts).toMatchObject({ siteDays: 1, siteHours: 24, silentHours: 4, silentSpans: 2, silentDays: 0, tickets: 1 });
    expect(site.completeness).toBe(qualityScore(site.counts).completeness);
    expect(site.completeness).toBeCloseTo(100 * (1 - 4 / 24), 1);
  });

  test('before the heartbeat history begins, a day is heard whole if it has a ticket and silent whole if not', async () => {
    expect((await qualityOf('2025-06-08', st.siteId)).site.counts).toMatchObject({ siteHours: 24, silentHours: 0, silentSpans: 0, silentDays: 0 });
    const quiet = await qualityOf('2025-06-09', st.siteId);
    expect(quiet.site.counts).toMatchObject({ siteHours: 24, silentHours: 24, silentSpans: 1, silentDays: 1 });
    expect(quiet.site.completeness).toBe(0);
  });
});

describe('a restarted server', () => {
  test('keeps every device’s last status: the current period still counts the open first passes', async () => {
    const st = await createStation(db.url);
    await upAllMonth(st);
    const dev = device(st);
    await connected(dev);
    const at = Date.now() - 8 * HOUR;
    await dev.timeout(2000).emitWithAck('heartbeat', heartbeat({ openTickets: { count: 1, oldestAt: iso(at), lanes: { L1: [iso(at)] } } }));
    await waitFor('the status row', async () => (await statusOf(st.deviceId)) !== undefined, 5000, 20);
    dev.close();

    await server.close();
    server = await serve();
    admin = api(server.url, adminToken); // sessions are signed with JWT_SECRET: still good
    expect(server.ctx.presence.of(st.deviceId).online).toBe(false); // presence is memory; the status is not
    const { site } = await qualityOf(thisMonth(), st.siteId);
    expect(site.counts).toMatchObject({ openTickets: 1, openTicketsOverdue: 1 });
    expectOverdueCosts(site);
  });
});
