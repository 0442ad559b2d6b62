// Station event records (anti-cheat and faults) end to end: signed and chained by a station like
// tickets, stored exactly once beside the signed bytes, refused when they break a rule, queried
// within scope and announced live.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import pg from 'pg';
import { publicKeyFromBase64, verifyBytes } from '@haulproof/contracts/signing';
import type { ClientToServerEvents, ServerToClientEvents, StationEventView } from '@haulproof/contracts';
import { startTestServer } from './support/server.js';
import { createStation, TestDevice, type StationFixture } from './support/station.js';
import { api, userToken } from './support/users.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let owner: pg.Client;
let a: StationFixture, b: StationFixture;
const tokens = {} as Record<'admin' | 'opA' | 'opB' | 'districtA' | 'dispDistrictA' | 'carrierA', string>;

beforeAll(async () => {
  server = await startTestServer();
  owner = new pg.Client({ connectionString: server.databaseUrl });
  await owner.connect();
  a = await createStation(server.databaseUrl);
  b = await createStation(server.databaseUrl);
  tokens.admin = await userToken(server, { username: 'admin', role: 'ADMIN' });
  tokens.opA = await userToken(server, { username: 'op.a', role: 'OPERATOR', siteId: a.siteId });
  tokens.opB = await userToken(server, { username: 'op.b', role: 'OPERATOR', siteId: b.siteId });
  tokens.districtA = await userToken(server, { username: 'insp.a', role: 'INSPECTOR', districtId: a.districtId });
  tokens.dispDistrictA = await userToken(server, { username: 'disp.a', role: 'DISPATCHER', districtId: a.districtId });
  tokens.carrierA = await userToken(server, { username: 'disp.carrier.a', role: 'DISPATCHER', carrierId: a.carrierId });
});
afterAll(async () => {
  await owner.end();
  await server.close();
});

const count = async (sql: string, params: unknown[] = []) => Number((await owner.query<{ n: string }>(sql, params)).rows[0]!.n);
const eventsOf = (deviceId: string) => count('SELECT count(*) n FROM station_event WHERE device_id = $1', [deviceId]);

describe('ingestion', () => {
  test('events are chained with tickets, stored once beside their signed bytes, in one batch', async () => {
    const d = new TestDevice(server.url, a);
    const recs = [d.nextTicket(), d.nextEvent({ type: 'TARE_DEVIATION', ticketSeq: 1, details: { storedKg: 12_000, measuredKg: 12_600 } }), d.nextTicket(), d.nextEvent({ type: 'CHECKSUM_FAULTS', plate: null, card: null, details: { frames: 7 } })];
    const res = await d.post(recs);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.results.map((r: { seq: number; status: string; ticketId: string | null }) => [r.seq, r.status, r.ticketId === null])).toEqual([
      [1, 'accepted', false],
      [2, 'accepted', true],
      [3, 'accepted', false],
      [4, 'accepted', true],
    ]);
    const { rows } = await owner.query(
      `SELECT r.seq, r.kind, r.canonical, r.signature, e.type, e.lane_code, e.ticket_seq, e.details, e.site_id, e.at
         FROM device_record r LEFT JOIN station_event e ON e.record_id = r.id WHERE r.device_id = $1 ORDER BY r.seq`,
      [a.deviceId],
    );
    expect(rows.map((r) => [r.seq, r.kind, r.type])).toEqual([[1, 'ticket', null], [2, 'event', 'TARE_DEVIATION'], [3, 'ticket', null], [4, 'event', 'CHECKSUM_FAULTS']]);
    expect(rows[1]).toMatchObject({ lane_code: 'L1', ticket_seq: 1, details: { storedKg: 12_000, measuredKg: 12_600 }, site_id: a.siteId });
    // the bytes the station signed, verbatim: they verify with no help from the server
    const { rows: keys } = await owner.query('SELECT public_key FROM station_device WHERE id = $1', [a.deviceId]);
    expect(Buffer.compare(rows[1].canonical, Buffer.from(recs[1]!.canonical, 'base64'))).toBe(0);
    expect(verifyBytes(publicKeyFromBase64(keys[0].public_key), rows[1].canonical, rows[1].signature)).toBe(true);

    // sent again (an agent that never saw the answer): the original results, nothing new stored
    const again = await d.post(recs);
    expect(again.status).toBe(200);
    expect(again.body.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(again.body.results[1]).toEqual({ ...res.body.results[1], status: 'duplicate' });
    expect(await eventsOf(a.deviceId)).toBe(2);
  });

  test('concurrent identical posts store each event exactly once', async () => {
    const d = new TestDevice(server.url, await createStation(server.databaseUrl));
    const recs = [d.nextEvent(), d.nextEvent({ type: 'NO_ZERO_RETURN' })];
    const responses = await Promise.all(Array.from({ length: 20 }, () => d.post(recs)));
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([200]));
    expect(responses.flatMap((r) => r.body.results).filter((r: { status: string }) => r.status === 'accepted')).toHaveLength(2);
    expect(await eventsOf(d.station.deviceId)).toBe(2);
  });

  test('another event under a stored seq is a 409 and a security event; the stored one stays', async () => {
    const d = new TestDevice(server.url, await createStation(server.databaseUrl));
    await d.post([d.nextEvent({ message: 'the original' })]);
    d.seq = 0;
    d.prev = '0'.repeat(64);
    const res = await d.post([d.nextEvent({ message: 'a rewrite' })]);
    expect(res.status).toBe(409);
    expect(res.body.kind).toBe('SEQ_CONFLICT');
    expect(await count(`SELECT count(*) n FROM security_event WHERE device_id = $1 AND kind = 'SEQ_CONFLICT'`, [d.station.deviceId])).toBe(1);
    expect((await owner.query('SELECT message FROM station_event WHERE device_id = $1', [d.station.deviceId])).rows).toEqual([{ message: 'the original' }]);
  });

  test('an event that breaks the chain is refused like a ticket', async () => {
    const d = new TestDevice(server.url, await createStation(server.databaseUrl));
    await d.post([d.nextEvent()]);
    d.prev = 'e'.repeat(64);
    const res = await d.post([d.nextEvent()]);
    expect(res.status).toBe(422);
    expect(res.body.kind).toBe('CHAIN_BROKEN');
    expect(res.body.chainHead.seq).toBe(1);
  });

  test.each([
    ['a lane the device does not read', { lane: 'L9' }, /lane L9 is not assigned/, 'event.lane'],
    ['a ticket the device never sent', { ticketSeq: 1 }, /has no ticket with seq 1/, 'event.ticketSeq'],
    ['a time far in the future', { at: new Date(Date.now() + 3 * 3600_000).toISOString() }, /in the future/, 'event.at'],
  ])('an event naming %s is refused; the records before it are kept', async (_what, overrides, message, path) => {
    const d = new TestDevice(server.url, await createStation(server.databaseUrl));
    const res = await d.post([d.nextEvent(), d.nextEvent(overrides)]);
    expect(res.status).toBe(422);
    expect(res.body.failedSeq).toBe(2);
    expect(res.body.message).toMatch(message);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    expect(res.body.results.map((r: { seq: number }) => r.seq)).toEqual([1]);
    expect(await eventsOf(d.station.deviceId)).toBe(1);
    expect(await count(`SELECT count(*) n FROM security_event WHERE device_id = $1 AND kind = 'REJECTED_RECORD'`, [d.station.deviceId])).toBe(1);
  });

  test('an event about a ticket voided in the same batch refers to it by seq', async () => {
    const d = new TestDevice(server.url, await createStation(server.databaseUrl));
    const res = await d.post([
      d.nextTicket(),
      d.next({ kind: 'void', void: { ticketSeq: 1, reason: 'first pass timed out', at: new Date().toISOString(), operator: null } }),
      d.nextEvent({ type: 'OPEN_TICKET_VOIDED', ticketSeq: 1 }),
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.results.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3]);
  });

  test('a record the database refuses in a mixed batch is rejected alone, in chain order', async () => {
    await owner.query(`ALTER TABLE station_event ADD CONSTRAINT test_refuse CHECK (message <> 'refuse me')`);
    try {
      const d = new TestDevice(server.url, await createStation(server.databaseUrl));
      const res = await d.post([d.nextTicket(), d.nextEvent(), d.nextEvent({ message: 'refuse me' }), d.nextTicket()]);
      expect(res.status).toBe(422);
      expect(res.body.failedSeq).toBe(3);
      expect(res.body.message).toMatch(/refused by a ledger rule/);
      expect(res.body.results.map((r: { seq: number }) => r.seq)).toEqual([1, 2]);
      // nothing after the refused record: the chain in the ledger has no gap
      expect((await owner.query('SELECT seq FROM device_record WHERE device_id = $1 ORDER BY seq', [d.station.deviceId])).rows.map((r) => r.seq)).toEqual([1, 2]);
    } finally {
      await owner.query('ALTER TABLE station_event DROP CONSTRAINT test_refuse');
    }
  });
});

describe('the ledger refuses rewrites of station events', () => {
  test('UPDATE, DELETE and TRUNCATE are refused to the server role and to the owner', async () => {
    const app = new pg.Client({ connectionString: server.databaseUrl, options: '-c role=haulproof_app' } as pg.ClientConfig);
    await app.connect();
    try {
      expect(await count('SELECT count(*) n FROM station_event')).toBeGreaterThan(0);
      for (const sql of [`UPDATE station_event SET message = 'nothing happened'`, 'DELETE FROM station_event', 'TRUNCATE station_event']) {
        await expect(app.query(sql)).rejects.toThrow(/permission denied/);
        await expect(owner.query(sql)).rejects.toThrow(/refused: the ledger is append-only/);
      }
    } finally {
      await app.end();
    }
  });
});

describe('GET /api/v1/station-events', () => {
  let c: StationFixture;
  beforeAll(async () => {
    // a station of its own so counts here are exact; site B gets one event too
    c = await createStation(server.databaseUrl, { districtId: a.districtId });
    const d = new TestDevice(server.url, c);
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    const recs = [d.nextTicket(), ...Array.from({ length: 11 }, (_, i) => d.nextEvent({ type: i % 2 ? 'WEIGHT_JUMP' : 'REFUSED_AT_LANE', at: at(60 - i), ticketSeq: i === 0 ? 1 : null }))];
    expect((await d.post(recs)).status).toBe(200);
    const db = new TestDevice(server.url, b);
    expect((await db.post([db.nextEvent({ type: 'FRAME_RATE_FAULT' })])).status).toBe(200);
  });

  test('filters, newest first, and cursor pagination that visits each event once', async () => {
    const admin = api(server.url, tokens.admin);
    const seen: StationEventView[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: StationEventView[]; nextCursor: string | null } } = await admin.get(`/api/v1/station-events?deviceId=${c.deviceId}&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(11);
    expect(new Set(seen.map((e) => e.id)).size).toBe(11);
    expect(seen.map((e) => e.at)).toEqual([...seen.map((e) => e.at)].sort().reverse());
    const oldest = seen.at(-1)!;
    expect(oldest).toMatchObject({ deviceCode: c.deviceCode, siteId: c.siteId, siteCode: c.siteCode, districtId: a.districtId, lane: 'L1', type: 'REFUSED_AT_LANE', seq: 2, ticketSeq: 1, ticketId: expect.any(String), plate: c.plate });
    expect(oldest.hash).toMatch(/^[0-9a-f]{64}$/);

    const jumps = await admin.get(`/api/v1/station-events?deviceId=${c.deviceId}&type=WEIGHT_JUMP`);
    expect(jumps.body.items).toHaveLength(5);
    const window = await admin.get(`/api/v1/station-events?siteId=${c.siteId}&from=${encodeURIComponent(new Date(Date.now() - 55.5 * 60_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() - 52.5 * 60_000).toISOString())}`);
    expect(window.body.items.map((e: StationEventView) => e.seq)).toEqual([9, 8, 7]); // 53, 54 and 55 minutes ago
    expect((await admin.get('/api/v1/station-events?type=NOT_A_TYPE')).status).toBe(400);
    expect((await admin.get('/api/v1/station-events?cursor=garbage')).status).toBe(400);
  });

  test('scope: own site, own district, never a carrier', async () => {
    const sites = async (token: string) => new Set(((await api(server.url, token).get('/api/v1/station-events?limit=500')).body.items as StationEventView[]).map((e) => e.siteId));
    expect([...(await sites(tokens.admin))]).toEqual(expect.arrayContaining([a.siteId, b.siteId, c.siteId]));
    expect(await sites(tokens.opA)).toEqual(new Set([a.siteId]));
    expect(await sites(tokens.opB)).toEqual(new Set([b.siteId]));
    expect(await sites(tokens.districtA)).toEqual(new Set([a.siteId, c.siteId]));
    expect(await sites(tokens.dispDistrictA)).toEqual(new Set([a.siteId, c.siteId]));
    expect((await api(server.url, tokens.carrierA).get('/api/v1/station-events')).status).toBe(403);
    // a filter cannot widen a scope
    expect((await api(server.url, tokens.opA).get(`/api/v1/station-events?siteId=${b.siteId}`)).body.items).toEqual([]);
  });
});

describe('live', () => {
  type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
  const connect = (token: string) => {
    const socket: Client = io(server.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, auth: { token } });
    const got: { event: string; payload: any }[] = [];
    socket.onAny((event, payload) => got.push({ event, payload }));
    return { socket, got };
  };
  const until = async <T,>(probe: () => T | undefined, ms = 5000): Promise<T> => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
      const v = probe();
      if (v) return v;
    }
    throw new Error('timed out');
  };

  test('a new station event reaches the site and district, not another site or a carrier', async () => {
    const clients = { opA: connect(tokens.opA), opB: connect(tokens.opB), districtA: connect(tokens.districtA), carrierA: connect(tokens.carrierA) };
    try {
      await Promise.all(Object.values(clients).map((c) => until(() => c.got.find((g) => g.event === 'snapshot'))));
      const d = new TestDevice(server.url, a);
      d.seq = Number((await owner.query('SELECT max(seq) m FROM device_record WHERE device_id = $1', [a.deviceId])).rows[0].m);
      d.prev = (await owner.query('SELECT hash FROM device_record WHERE device_id = $1 AND seq = $2', [a.deviceId, d.seq])).rows[0].hash;
      expect((await d.post([d.nextEvent({ type: 'CARD_AT_TWO_LANES', message: 'live test' })])).status).toBe(200);
      const got = await until(() => clients.opA.got.find((g) => g.event === 'station.event'));
      expect(got.payload).toMatchObject({ type: 'CARD_AT_TWO_LANES', message: 'live test', siteId: a.siteId, deviceCode: a.deviceCode, lane: 'L1' });
      await until(() => clients.districtA.got.find((g) => g.event === 'station.event'));
      await new Promise((r) => setTimeout(r, 600)); // two flush windows
      expect(clients.opB.got.filter((g) => g.event === 'station.event')).toEqual([]);
      expect(clients.carrierA.got.filter((g) => g.event === 'station.event')).toEqual([]);
    } finally {
      for (const c of Object.values(clients)) c.socket.close();
    }
  });
});
