// Live events end to end: a real server, real socket.io clients, tickets
// ingested through the signed-record API and changed through the REST routes.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, DeviceStatusEvent, ServerToClientEvents, TicketView } from '@haulproof/contracts';
import pg from 'pg';
import { DeltaQueue } from '../server/src/live/delta-queue.js';
import { startTestServer } from './support/server.js';
import { createStation, TestDevice, type StationFixture } from './support/station.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
type Received = { event: keyof ServerToClientEvents; payload: any };

let server: Awaited<ReturnType<typeof startTestServer>>;
let a: StationFixture, b: StationFixture;
let devA: TestDevice, devB: TestDevice;
const tokens = {} as Record<'opA' | 'opB' | 'city' | 'inspB' | 'carrierA' | 'admin', string>;
const open: Client[] = [];

async function user(username: string, role: string, scope: { site?: string; carrier?: string; district?: string } = {}): Promise<string> {
  const c = new pg.Client({ connectionString: server.databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ id: string }>(
      `INSERT INTO app_user (username, display_name, password_hash, role, scope_site_id, scope_carrier_id, scope_district_id)
       VALUES ($1, $1, 'scrypt$unused', $2, $3, $4, $5) RETURNING id`,
      [username, role, scope.site ?? null, scope.carrier ?? null, scope.district ?? null],
    );
    return server.ctx.tokens.issue({ userId: rows[0]!.id, username });
  } finally {
    await c.end();
  }
}

/** Connects and records everything the socket receives, from the first event on. */
function connect(token?: string): { socket: Client; got: Received[] } {
  const socket: Client = io(server.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, autoConnect: false, ...(token === undefined ? {} : { auth: { token } }) });
  const got: Received[] = [];
  socket.onAny((event, payload) => got.push({ event, payload }));
  socket.connect();
  open.push(socket);
  return { socket, got };
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const connectError = (socket: Client) => new Promise<Error>((resolve, reject) => {
  socket.once('connect_error', resolve);
  socket.once('connect', () => reject(new Error('connected without valid credentials')));
});
const snapshotOf = (got: Received[]) => until('snapshot', () => got.find((r) => r.event === 'snapshot')?.payload as { tickets: TicketView[]; devices: DeviceStatusEvent[] } | undefined);
const ticketEvents = (got: Received[], event: string) => got.filter((r) => r.event === event).map((r) => r.payload as TicketView);
const settle = () => new Promise((r) => setTimeout(r, 600)); // > two flush windows

async function ingest(dev: TestDevice): Promise<string> {
  const res = await dev.post([dev.nextTicket()]);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.results[0].ticketId as string;
}

async function rest(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json();
}

beforeAll(async () => {
  server = await startTestServer();
  a = await createStation(server.databaseUrl, { suffix: 'A1' });
  b = await createStation(server.databaseUrl, { suffix: 'B2' });
  devA = new TestDevice(server.url, a);
  devB = new TestDevice(server.url, b);
  tokens.opA = await user('op.a', 'OPERATOR', { site: a.siteId });
  tokens.opB = await user('op.b', 'OPERATOR', { site: b.siteId });
  tokens.city = await user('insp.city', 'INSPECTOR');
  tokens.inspB = await user('insp.b', 'INSPECTOR', { district: b.districtId });
  tokens.carrierA = await user('disp.carrier.a', 'DISPATCHER', { carrier: a.carrierId });
  tokens.admin = await user('admin', 'ADMIN');
  await ingest(devA);
  await ingest(devA);
  await ingest(devB);
});

afterAll(async () => {
  // Sockets stay connected on purpose: closing the server must not wait for them.
  const started = Date.now();
  await server.close();
  expect(Date.now() - started).toBeLessThan(3000);
  for (const s of open) s.close();
});

describe('the root page', () => {
  test('is served with the socket.io client it loads', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const html = await page.text();
    expect(html).toContain('/socket.io/socket.io.js');
    expect(html).toContain('磅单');
    for (const asset of ['/socket.io/socket.io.js', '/app.js', '/app.css']) expect((await fetch(server.url + asset)).status, asset).toBe(200);
  });
});

describe('authentication', () => {
  test('a socket without a token is refused, and told why', async () => {
    const { socket } = connect();
    const err = await connectError(socket);
    expect(err.message).toMatch(/authentication required/);
    expect((err as Error & { data?: { status: number } }).data?.status).toBe(401);
  });

  test('a socket with a bad token is refused', async () => {
    const { socket } = connect('not.a.token');
    expect((await connectError(socket)).message).toMatch(/session expired, invalid or user disabled/);
  });

  test('a token for a disabled user is refused', async () => {
    const token = await user('gone', 'INSPECTOR');
    await server.ctx.db.prisma.appUser.update({ where: { username: 'gone' }, data: { active: false } });
    const { socket } = connect(token);
    expect((await connectError(socket)).message).toMatch(/log in again/);
  });
});

describe('scope', () => {
  test('an operator gets a snapshot of their own site only, then only their own deltas', async () => {
    const { got } = connect(tokens.opA);
    const snap = await snapshotOf(got);
    expect(snap.tickets.length).toBe(2);
    expect(snap.tickets.every((t) => t.siteId === a.siteId)).toBe(true);
    expect(snap.devices.map((d) => d.deviceCode)).toEqual([a.deviceCode]);

    const idB = await ingest(devB); // first, so it would arrive no later than A's if it leaked
    const idA = await ingest(devA);
    await until('ticket.accepted for site A', () => ticketEvents(got, 'ticket.accepted').find((t) => t.id === idA));
    await settle();
    const accepted = ticketEvents(got, 'ticket.accepted');
    expect(accepted.map((t) => t.id)).toContain(idA);
    expect(accepted.map((t) => t.id)).not.toContain(idB);
    expect(accepted.every((t) => t.siteId === a.siteId)).toBe(true);
  });

  test('a city inspector gets both sites; a district inspector and a carrier dispatcher only theirs', async () => {
    const city = connect(tokens.city);
    const inspB = connect(tokens.inspB);
    const carrierA = connect(tokens.carrierA);
    const citySnap = await snapshotOf(city.got);
    expect(new Set(citySnap.tickets.map((t) => t.siteId))).toEqual(new Set([a.siteId, b.siteId]));
    expect((await snapshotOf(inspB.got)).tickets.every((t) => t.districtId === b.districtId)).toBe(true);
    expect((await snapshotOf(carrierA.got)).tickets.every((t) => t.carrierId === a.carrierId)).toBe(true);

    const idA = await ingest(devA);
    const idB = await ingest(devB);
    await until('both tickets at the city inspector', () => {
      const ids = ticketEvents(city.got, 'ticket.accepted').map((t) => t.id);
      return ids.includes(idA) && ids.includes(idB);
    });
    await until('B at the district inspector', () => ticketEvents(inspB.got, 'ticket.accepted').find((t) => t.id === idB));
    await until('A at the carrier dispatcher', () => ticketEvents(carrierA.got, 'ticket.accepted').find((t) => t.id === idA));
    await settle();
    expect(ticketEvents(inspB.got, 'ticket.accepted').map((t) => t.id)).not.toContain(idA);
    expect(ticketEvents(carrierA.got, 'ticket.accepted').map((t) => t.id)).not.toContain(idB);
  });

  test('voids and corrections made over REST arrive as ticket.voided and ticket.corrected', async () => {
    const op = connect(tokens.opA);
    const city = connect(tokens.city);
    const opB = connect(tokens.opB);
    await snapshotOf(op.got);
    await snapshotOf(city.got);
    await snapshotOf(opB.got);
    const toVoid = await ingest(devA);
    const toCorrect = await ingest(devA);
    await settle(); // let the accepted deltas go out first: merged, they would arrive as one accepted event

    await rest('POST', `/api/v1/tickets/${toVoid}/void`, tokens.admin, { reason: 'test weighing, not a real load' });
    await rest('POST', `/api/v1/tickets/${toCorrect}/corrections`, tokens.opA, { reason: 'driver declared the wrong stream', changes: { stream: 'KITCHEN' } });

    for (const c of [op, city]) {
      const voided = await until('ticket.voided', () => ticketEvents(c.got, 'ticket.voided').find((t) => t.id === toVoid));
      expect(voided.voided).toBe(true);
      const corrected = await until('ticket.corrected', () => ticketEvents(c.got, 'ticket.corrected').find((t) => t.id === toCorrect));
      expect([corrected.corrected, corrected.stream]).toEqual([true, 'KITCHEN']);
    }
    await settle();
    expect(opB.got.filter((r) => r.event !== 'snapshot')).toEqual([]);
  });

  test('device.status reaches admins and the device’s own site, not other operators', async () => {
    const admin = connect(tokens.admin);
    const opA = connect(tokens.opA);
    const opB = connect(tokens.opB);
    await Promise.all([snapshotOf(admin.got), snapshotOf(opA.got), snapshotOf(opB.got)]);
    // Nothing in the server publishes device.status yet (device suspension is registry work), so publish it as a service would.
    const status: DeviceStatusEvent = { deviceId: a.deviceId, deviceCode: a.deviceCode, siteId: a.siteId, status: 'SUSPENDED', lastSeenAt: new Date().toISOString(), online: false, queueDepth: null, lastHeartbeatAt: null };
    server.ctx.live.publish('device.status', status, { siteId: a.siteId, districtId: a.districtId });
    await until('device.status at the admin', () => admin.got.find((r) => r.event === 'device.status'));
    await until('device.status at site A', () => opA.got.find((r) => r.event === 'device.status'));
    await settle();
    expect(admin.got.find((r) => r.event === 'device.status')!.payload).toEqual(status);
    expect(opB.got.filter((r) => r.event === 'device.status')).toEqual([]);
  });
});

describe('bursts', () => {
  async function aTicketView(): Promise<TicketView> {
    const page = await server.ctx.tickets.list({ userId: 'x', username: 'x', role: 'ADMIN', siteId: null, carrierId: null, districtId: null }, { limit: 1, siteId: a.siteId });
    return page.items[0]!;
  }

  test('repeated updates of the same tickets are merged by id', async () => {
    const { got } = connect(tokens.opA);
    await snapshotOf(got);
    const base = await aTicketView();
    const ids = Array.from({ length: 20 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (let round = 0; round < 100; round++) {
      for (const id of ids) server.ctx.live.publish('ticket.corrected', { ...base, id, netKg: round }, base);
    }
    await until('20 merged deltas', () => ticketEvents(got, 'ticket.corrected').length >= 20);
    await settle();
    const corrected = ticketEvents(got, 'ticket.corrected');
    expect(corrected.length).toBe(20); // not 2,000
    expect(corrected.every((t) => t.netKg === 99)).toBe(true); // the latest view won
  });

  test('a replay of 10,000 tickets becomes a fresh snapshot, not 10,000 events', async () => {
    const { got } = connect(tokens.city);
    await snapshotOf(got);
    const base = await aTicketView();
    for (let i = 0; i < 10_000; i++) {
      server.ctx.live.publish('ticket.accepted', { ...base, id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}` }, base);
    }
    await until('a second snapshot', () => got.filter((r) => r.event === 'snapshot').length >= 2);
    await settle();
    expect(ticketEvents(got, 'ticket.accepted').length).toBeLessThan(1000);
  });
});

describe('DeltaQueue', () => {
  const view = (id: string, extra: Partial<TicketView> = {}) => ({ id, ...extra }) as TicketView;

  test('an accepted ticket voided in the same window goes out once, as accepted, carrying the void', () => {
    const q = new DeltaQueue(100, 1000);
    q.push({ event: 'ticket.accepted', payload: view('t1') });
    q.push({ event: 'ticket.voided', payload: view('t1', { voided: true }) });
    expect(q.drain()).toEqual({ kind: 'deltas', deltas: [{ event: 'ticket.accepted', payload: view('t1', { voided: true }) }] });
  });

  test('order is kept, and at most maxPerFlush go out per flush', () => {
    const q = new DeltaQueue(2, 1000);
    for (const id of ['t1', 't2', 't3']) q.push({ event: 'ticket.accepted', payload: view(id) });
    const first = q.drain();
    expect(first.kind === 'deltas' && first.deltas.map((d) => (d.payload as TicketView).id)).toEqual(['t1', 't2']);
    const second = q.drain();
    expect(second.kind === 'deltas' && second.deltas.map((d) => (d.payload as TicketView).id)).toEqual(['t3']);
  });

  test('a backlog beyond the limit asks for a resync once', () => {
    const q = new DeltaQueue(10, 5);
    for (let i = 0; i < 8; i++) q.push({ event: 'ticket.accepted', payload: view(`t${i}`) });
    expect(q.drain()).toEqual({ kind: 'resync' });
    expect(q.drain()).toEqual({ kind: 'deltas', deltas: [] });
  });
});
