// The station agent's journal and forwarder against the REAL server and
// PostgreSQL: order, exactly-once after lost acks and outages, and refusals.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { TicketBody } from '@haulproof/contracts';
import { loadConfig } from '../server/src/config.js';
import { createLogger } from '../server/src/lib/logger.js';
import { startServer, type RunningServer } from '../server/src/server.js';
import { EventBus } from '../station-agent/src/event-bus.js';
import { SqliteJournal } from '../station-agent/src/journal/journal.js';
import { tempDir } from '../station-agent/src/journal/test-fixtures.js';
import { loadDeviceKey, storeDeviceKey } from '../station-agent/src/keys.js';
import { FORWARD_ALARMS, Forwarder } from '../station-agent/src/outbox/forwarder.js';
import { HttpIngestTransport, type IngestAnswer, type IngestTransport } from '../station-agent/src/outbox/ingest-client.js';
import type { AgentEvent, JournalEntry } from '../station-agent/src/types.js';
import { createTestDatabase } from './support/db.js';
import { createStation, TestDevice, type StationFixture } from './support/station.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let server: RunningServer;
let admin: pg.Client;
const cleanup: (() => Promise<void> | void)[] = [];

function serve(port = 0): Promise<RunningServer> {
  const config = loadConfig({ PORT: String(port), HOST: '127.0.0.1', JWT_SECRET: 'test-secret-test-secret-test-secret!', LOG_LEVEL: 'silent', HAULPROOF_DATA_DIR: '/tmp/haulproof-test-data' });
  return startServer(config, db.url, createLogger('silent'));
}

beforeAll(async () => {
  db = await createTestDatabase();
  server = await serve();
  admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
});

afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await admin.end();
  await server.close();
  await db.drop();
});

/** Records what the server answered, batch by batch. */
class Recording implements IngestTransport {
  answers: { seqs: number[]; answer: IngestAnswer }[] = [];
  constructor(readonly inner: IngestTransport) {}
  async send(records: JournalEntry[]): Promise<IngestAnswer> {
    const answer = await this.inner.send(records);
    this.answers.push({ seqs: records.map((r) => r.seq), answer });
    return answer;
  }
}

/** An agent for a registered station: the station's key written where keys.ts expects it, a journal and a forwarder. */
function agent(station: StationFixture, serverUrl: string) {
  const tmp = tempDir('haulproof-agent-');
  storeDeviceKey(tmp.dir, station.privateKeyPem);
  const key = loadDeviceKey(tmp.dir);
  const events: AgentEvent[] = [];
  const bus = new EventBus();
  bus.on((e) => events.push(e));
  const journal = new SqliteJournal({ dataDir: tmp.dir, deviceCode: station.deviceCode, key, bus });
  journal.start();
  const transport = new Recording(new HttpIngestTransport({ serverUrl, device: { code: station.deviceCode, privateKey: key.privateKey } }));
  const forwarder = new Forwarder({ journal, transport, bus, backoff: { baseMs: 50, maxMs: 400 }, rejectedRetryMs: 300, idleMs: 200 });
  cleanup.push(async () => {
    await forwarder.stop();
    journal.stop();
    tmp.remove();
  });
  const ticket = (i: number, overrides: Partial<TicketBody> = {}): TicketBody => {
    const fmt = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
    const gross = 15_000 + (i % 500) * 20;
    return {
      site: station.siteCode, lane: station.laneCode, plate: station.plate, plateSeen: null, card: station.cardUid,
      stream: 'OTHER', direction: 'IN', grossKg: gross, tareKg: 12_000, netKg: gross - 12_000, grossSource: 'WEIGHED', tareSource: 'WEIGHED',
      firstAt: fmt(Date.now() - 20 * 60_000), secondAt: fmt(Date.now() - 60_000),
      route: null, permit: null, origin: null, operator: 'op1', flags: [], software: 'haulproof-agent test', ...overrides,
    };
  };
  const journalTickets = (n: number) => {
    for (let i = 0; i < n; i++) journal.appendTicket(ticket(i));
  };
  const alarms = () => events.filter((e): e is Extract<AgentEvent, { type: 'alarm' }> => e.type === 'alarm');
  return { journal, forwarder, transport, ticket, journalTickets, alarms, dir: tmp.dir };
}

/** The device's rows in the ledger, in seq order. */
async function ledger(deviceId: string): Promise<{ seq: number; hash: string }[]> {
  const { rows } = await admin.query<{ seq: number; hash: string }>('SELECT seq, hash FROM device_record WHERE device_id = $1 ORDER BY seq', [deviceId]);
  return rows.map((r) => ({ seq: Number(r.seq), hash: r.hash }));
}

async function until(cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('forwarding to the real server', () => {
  test('1,200 journaled records arrive in order, once, in batches of 500, and every ack is recorded', async () => {
    const station = await createStation(db.url);
    const a = agent(station, server.url);
    a.journalTickets(1_200);
    a.forwarder.start();
    await a.forwarder.whenIdle();
    expect(a.transport.answers.map((x) => [x.seqs.length, x.answer.kind])).toEqual([[500, 'ok'], [500, 'ok'], [200, 'ok']]);
    const rows = await ledger(station.deviceId);
    expect(rows.map((r) => r.seq)).toEqual(range(1_200));
    expect(rows.map((r) => r.hash)).toEqual(range(1_200).map((seq) => a.journal.entry(seq)!.hash));
    expect(a.journal.queueDepth()).toBe(0);
    expect(a.forwarder.status()).toMatchObject({ state: 'idle', queueDepth: 0, lastAckAt: expect.any(Number), lastError: null });
    const { rows: stored } = await admin.query<{ n: string }>('SELECT count(*) n FROM ticket WHERE device_id = $1', [station.deviceId]);
    expect(Number(stored[0]!.n)).toBe(1_200);
  });

  test('after a lost acknowledgement the records are sent again; the server says duplicate and each is acked once', async () => {
    const station = await createStation(db.url);
    const a = agent(station, server.url);
    a.journalTickets(30);
    // delivered, but the answer never reached the journal (power cut, timeout…): nothing is marked acked
    const lost = await a.transport.inner.send(a.journal.unacked(500));
    expect(lost.kind).toBe('ok');
    expect(a.journal.queueDepth()).toBe(30);
    a.forwarder.start();
    await a.forwarder.whenIdle();
    const replay = a.transport.answers[0]!.answer;
    expect(replay.kind === 'ok' && replay.results.map((r) => r.status)).toEqual(Array(30).fill('duplicate'));
    expect(replay.kind === 'ok' && replay.results.map((r) => r.ticketId)).toEqual(lost.kind === 'ok' && lost.results.map((r) => r.ticketId));
    expect(a.journal.queueDepth()).toBe(0);
    expect((await ledger(station.deviceId)).map((r) => r.seq)).toEqual(range(30));
  });

  test('with the server down while 1,000 records are journaled, a server on the same database later gets each exactly once, in order', async () => {
    const station = await createStation(db.url);
    const first = await serve();
    const port = Number(new URL(first.url).port);
    const a = agent(station, first.url);
    a.journalTickets(100);
    a.forwarder.start();
    await a.forwarder.whenIdle();
    expect(a.journal.queueDepth()).toBe(0);

    await first.close();
    a.journalTickets(1_000);
    a.forwarder.kick();
    await until(() => a.transport.answers.filter((x) => x.answer.kind === 'failed').length >= 3);
    expect(a.forwarder.status()).toMatchObject({ state: 'retrying', queueDepth: 1_000, lastError: expect.stringMatching(/ECONNREFUSED/) });

    const second = await serve(port);
    cleanup.push(() => second.close());
    await until(() => a.journal.queueDepth() === 0);
    const rows = await ledger(station.deviceId);
    expect(rows.length).toBe(1_100);
    expect(rows.map((r) => r.seq)).toEqual(range(1_100));
    expect(rows.map((r) => r.hash)).toEqual(range(1_100).map((seq) => a.journal.entry(seq)!.hash));
    const sent = a.transport.answers.filter((x) => x.answer.kind === 'ok').flatMap((x) => x.seqs);
    expect(sent).toEqual(range(1_100)); // strictly ascending, nothing sent twice once acknowledged
  });

  test('a 409 SEQ_CONFLICT halts forwarding with an alarm carrying the server message and chain head; records are kept', async () => {
    const station = await createStation(db.url);
    // Someone else signed a different seq 1 with this device's key (an old copy of the station, say).
    const other = new TestDevice(server.url, station);
    expect((await other.post([other.nextTicket({ grossKg: 30_000, netKg: 18_000 })])).status).toBe(200);
    const a = agent(station, server.url);
    a.journalTickets(5);
    a.forwarder.start();
    await a.forwarder.whenIdle();
    expect(a.forwarder.status()).toMatchObject({ state: 'halted', queueDepth: 5, halt: { reason: 'SEQ_CONFLICT', failedSeq: 1, chainHead: { seq: 1, hash: other.prev } } });
    expect(a.alarms()).toEqual([expect.objectContaining({ code: FORWARD_ALARMS.halted, message: expect.stringMatching(/409 SEQ_CONFLICT at seq 1: seq 1 of device .* is already in the ledger with different content.*The server's chain ends at seq 1/) })]);
    await new Promise((r) => setTimeout(r, 1_000)); // well past every retry interval
    expect(a.transport.answers).toHaveLength(1);
    expect(a.journal.unacked(500).map((e) => e.seq)).toEqual(range(5));
    expect((await ledger(station.deviceId)).map((r) => r.hash)).toEqual([other.prev]);
  });

  test('a record the server refuses for its content is kept and retried until the registry is fixed', async () => {
    const station = await createStation(db.url);
    const a = agent(station, server.url);
    a.journalTickets(2);
    a.journal.appendTicket(a.ticket(3, { plate: '苏E0NEW1' })); // not registered (yet)
    a.journalTickets(2);
    a.forwarder.start();
    await until(() => a.alarms().length > 0);
    expect(a.alarms()[0]).toMatchObject({ code: FORWARD_ALARMS.rejected, message: expect.stringMatching(/at seq 3 \(REJECTED_RECORD\): .*no registered vehicle has plate 苏E0NEW1/) });
    expect(a.journal.unacked(500).map((e) => e.seq)).toEqual([3, 4, 5]); // 1 and 2 were kept by the server and acknowledged
    await admin.query(`INSERT INTO vehicle (plate, plate_raw, carrier_id, max_gross_kg) VALUES ('苏E0NEW1', '苏E·0NEW1', $1, 31000)`, [station.carrierId]);
    await until(() => a.journal.queueDepth() === 0);
    expect((await ledger(station.deviceId)).map((r) => r.seq)).toEqual(range(5));
  });

  test('a quarantined record the server already holds: after the operator confirms it, forwarding resumes past the hole', async () => {
    const station = await createStation(db.url);
    const a = agent(station, server.url);
    a.journalTickets(5);
    await a.transport.inner.send(a.journal.unacked(3)); // 1–3 delivered, acknowledgements lost
    a.journal.stop();
    const raw = new Database(`${a.dir}/journal.db`);
    raw.exec('DROP TRIGGER record_content_is_immutable');
    raw.prepare(`UPDATE record SET signature = zeroblob(64) WHERE seq = 3`).run(); // the disk damaged seq 3
    raw.close();
    const report = a.journal.start();
    expect(report.quarantined.map((q) => q.seq)).toEqual([3]);

    a.forwarder.start();
    await a.forwarder.whenIdle();
    expect(a.forwarder.status()).toMatchObject({ state: 'blocked' });
    expect(a.journal.unacked(500)).toEqual([]); // 1 and 2 went (duplicates), nothing past the hole
    a.journal.resolveQuarantined(3, { kind: 'held-by-server', actor: 'admin', note: 'seq 3 is in the ledger' });
    a.forwarder.kick();
    await until(() => a.journal.queueDepth() === 0);
    // the server chained 4 onto its own 3; seq 6 is the signed JOURNAL_QUARANTINE event
    expect((await ledger(station.deviceId)).map((r) => r.seq)).toEqual(range(6));
    expect(a.journal.entry(6)!.payload).toMatchObject({ kind: 'event', event: { type: 'JOURNAL_QUARANTINE', details: { firstSeq: 3 } } });
  });
});
