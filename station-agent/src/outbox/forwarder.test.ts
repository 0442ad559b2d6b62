import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { GENESIS_HASH, type IngestResult } from '@haulproof/contracts';
import type { SqliteJournal } from '../journal/journal.js';
import { journalFixture, ticketBody } from '../journal/test-fixtures.js';
import { JournalUnavailableError, type JournalEntry } from '../types.js';
import { FORWARD_ALARMS, Forwarder, type ForwarderOptions } from './forwarder.js';
import type { IngestAnswer, IngestTransport } from './ingest-client.js';

/**
 * The server's ingestion rules in miniature (ingest.service.ts): exactly once
 * per seq, in order, a batch stops at its first failure and keeps the records
 * before it. Tests script failures with `next`.
 */
class MemoryServer implements IngestTransport {
  stored = new Map<number, { hash: string; receivedAt: string }>();
  batches: number[][] = [];
  sendTimes: number[] = [];
  /** One-off answers for the coming requests; 'store-then-fail' stores the batch and loses the answer. */
  next: (IngestAnswer | 'store-then-fail' | ((records: JournalEntry[]) => IngestAnswer | undefined))[] = [];
  /** Content the server refuses (the registry does not know the plate, say). */
  refuse = new Set<number>();

  async send(records: JournalEntry[]): Promise<IngestAnswer> {
    this.batches.push(records.map((r) => r.seq));
    this.sendTimes.push(Date.now());
    const scripted = this.next.shift();
    if (typeof scripted === 'function') {
      const a = scripted(records);
      if (a) return a;
    } else if (scripted && scripted !== 'store-then-fail') return scripted;
    const answer = this.ingest(records);
    return scripted === 'store-then-fail' ? { kind: 'failed', status: null, message: 'socket hang up' } : answer;
  }

  ingest(records: JournalEntry[]): IngestAnswer {
    const results: IngestResult[] = [];
    for (const r of records) {
      const had = this.stored.get(r.seq);
      if (had) {
        if (had.hash !== r.hash) return { kind: 'rejected', status: 409, reason: 'SEQ_CONFLICT', message: `seq ${r.seq} differs`, failedSeq: r.seq, chainHead: this.head(), results };
        results.push({ seq: r.seq, status: 'duplicate', hash: had.hash, ticketId: `t${r.seq}`, receivedAt: had.receivedAt });
        continue;
      }
      const head = this.head();
      if (r.seq !== head.seq + 1) return { kind: 'rejected', status: 422, reason: 'CHAIN_GAP', message: `expected seq ${head.seq + 1}, got ${r.seq}`, failedSeq: r.seq, chainHead: head, results };
      if (r.payload.prev !== head.hash) return { kind: 'rejected', status: 422, reason: 'CHAIN_BROKEN', message: 'prev mismatch', failedSeq: r.seq, chainHead: head, results };
      if (this.refuse.has(r.seq)) return { kind: 'rejected', status: 422, reason: 'REJECTED_RECORD', message: `device DEV-TEST seq ${r.seq}: no registered vehicle has plate 苏E12345`, failedSeq: r.seq, chainHead: null, results };
      const receivedAt = new Date(Date.now()).toISOString();
      this.stored.set(r.seq, { hash: r.hash, receivedAt });
      results.push({ seq: r.seq, status: 'accepted', hash: r.hash, ticketId: `t${r.seq}`, receivedAt });
    }
    return { kind: 'ok', results };
  }

  head(): { seq: number; hash: string } {
    const seq = this.stored.size;
    return { seq, hash: seq === 0 ? GENESIS_HASH : this.stored.get(seq)!.hash };
  }
}

let f: ReturnType<typeof journalFixture>;
let journal: SqliteJournal;
let server: MemoryServer;
let forwarder: Forwarder | null;

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2025, 2, 14, 2, 0, 0) });
  f = journalFixture();
  journal = f.make();
  journal.start();
  server = new MemoryServer();
  forwarder = null;
});

afterEach(async () => {
  await forwarder?.stop();
  journal.stop();
  f.remove();
  vi.useRealTimers();
});

function start(opts: Partial<ForwarderOptions> = {}): Forwarder {
  forwarder = new Forwarder({ journal, transport: server, bus: f.bus, random: () => 0.5, backoff: { baseMs: 1_000, maxMs: 60_000 }, idleMs: 10_000, rejectedRetryMs: 600_000, ...opts });
  forwarder.start();
  return forwarder;
}

function journalTickets(n: number): void {
  for (let i = 0; i < n; i++) journal.appendTicket(ticketBody(i));
}

/** Runs due timers and the sends they start, until nothing more is due now. */
async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await vi.advanceTimersByTimeAsync(0);
}

const alarms = () => f.alarms().map((a) => (a.type === 'alarm' ? `${a.code}: ${a.message}` : `cleared ${a.code}`));

describe('delivery', () => {
  test('forwards every record in seq order, in batches of at most batchSize, and records each ack', async () => {
    journalTickets(1_234);
    const fw = start();
    const idle = fw.whenIdle();
    await flush();
    await idle;
    expect(server.batches.map((b) => b.length)).toEqual([500, 500, 234]);
    expect(server.batches.flat()).toEqual(Array.from({ length: 1_234 }, (_, i) => i + 1));
    expect(journal.queueDepth()).toBe(0);
    expect(journal.entry(700)).toMatchObject({ ackedAt: Date.now() });
    expect(fw.status()).toMatchObject({ state: 'idle', queueDepth: 0, lastAckAt: Date.now(), lastError: null, halt: null });
  });

  test('a lost acknowledgement is resent; the server says duplicate and the ack is recorded once', async () => {
    journalTickets(3);
    server.next.push('store-then-fail');
    const fw = start();
    await flush();
    expect(journal.queueDepth()).toBe(3);
    expect(fw.status()).toMatchObject({ state: 'retrying', lastError: 'socket hang up' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.batches).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(journal.queueDepth()).toBe(0);
    expect(server.stored.size).toBe(3);
  });

  test('new records are sent at once after kick(), otherwise on the idle poll', async () => {
    const fw = start();
    await flush();
    journalTickets(1);
    fw.kick();
    await flush();
    expect(server.batches).toEqual([[1]]);
    journalTickets(1);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(server.batches).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.batches).toEqual([[1], [2]]);
  });

  test('stop() lets the batch in flight finish and records its acks', async () => {
    journalTickets(2);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const send = server.send.bind(server);
    server.send = async (records) => {
      await gate;
      return send(records);
    };
    const fw = start();
    await flush();
    const stopping = fw.stop();
    release();
    await stopping;
    expect(journal.queueDepth()).toBe(0);
    expect(fw.status().state).toBe('stopped');
  });
});

describe('backoff', () => {
  test('network errors and 5xx back off exponentially with jitter, and success resets it', async () => {
    journalTickets(1);
    const down: IngestAnswer = { kind: 'failed', status: null, message: 'connect ECONNREFUSED 127.0.0.1:8080' };
    server.next.push(down, down, down, { kind: 'failed', status: 503, message: 'HTTP 503: unavailable' }, down, down, down, down);
    const t0 = Date.now();
    start({ random: () => 0.5 });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    // equal jitter with random() = 0.5: ¾ of min(60 s, 1 s · 2^n)
    const gaps = server.sendTimes.map((t, i) => t - (server.sendTimes[i - 1] ?? t0));
    expect(gaps).toEqual([0, 750, 1_500, 3_000, 6_000, 12_000, 24_000, 45_000, 45_000]);
    expect(journal.queueDepth()).toBe(0);
    expect(alarms()).toEqual([]); // being offline is normal; the heartbeat shows the backlog
  });

  test('the jitter spreads retries between half and all of the capped delay', async () => {
    journalTickets(1);
    server.next.push({ kind: 'failed', status: null, message: 'down' }, { kind: 'failed', status: null, message: 'down' });
    const randoms = [0, 0.999];
    start({ random: () => randoms.shift() ?? 0 });
    await vi.advanceTimersByTimeAsync(60_000);
    const gaps = server.sendTimes.slice(1).map((t, i) => t - server.sendTimes[i]!);
    expect(gaps).toEqual([500, 1_999]);
  });

  test('401/403 raise an alarm and back off; the alarm clears when the server accepts again', async () => {
    journalTickets(1);
    server.next.push({ kind: 'failed', status: 403, message: 'HTTP 403: device DEV-TEST is SUSPENDED; only ACTIVE devices may send' });
    const fw = start();
    await flush();
    expect(alarms()).toEqual([`${FORWARD_ALARMS.auth}: the server refuses this device (403): HTTP 403: device DEV-TEST is SUSPENDED; only ACTIVE devices may send`]);
    expect(fw.status()).toMatchObject({ state: 'retrying', nextAttemptAt: Date.now() + 750 });
    await vi.advanceTimersByTimeAsync(750);
    expect(journal.queueDepth()).toBe(0);
    expect(alarms().at(-1)).toBe(`cleared ${FORWARD_ALARMS.auth}`);
  });

  test('a 413 halves the batch until the server takes it', async () => {
    journalTickets(10);
    server.next.push({ kind: 'failed', status: 413, message: 'HTTP 413: request entity too large' });
    start({ batchSize: 8 });
    await flush();
    expect(server.batches.map((b) => b.length)).toEqual([8, 4, 4, 2]);
  });

  test('an acknowledgement the journal cannot record is not counted; the records go again', async () => {
    journalTickets(2);
    const markAcked = journal.markAcked.bind(journal);
    let fail = true;
    journal.markAcked = (acks) => {
      if (fail) {
        fail = false;
        throw new JournalUnavailableError('the journal cannot record acknowledgements: SQLITE_FULL');
      }
      markAcked(acks);
    };
    const fw = start();
    await flush();
    expect(fw.status()).toMatchObject({ state: 'retrying', lastAckAt: null, lastError: expect.stringMatching(/SQLITE_FULL/) });
    await vi.advanceTimersByTimeAsync(750);
    expect(server.batches).toEqual([[1, 2], [1, 2]]);
    expect(journal.queueDepth()).toBe(0);
  });
  test('an unexpected exception in a send is retried with backoff, not thrown into the agent', async () => {
    journalTickets(1);
    const send = server.send.bind(server);
    let calls = 0;
    server.send = async (records) => {
      if (calls++ === 0) throw new TypeError('a bug');
      return send(records);
    };
    const fw = start();
    await flush();
    expect(fw.status()).toMatchObject({ state: 'retrying', lastError: 'forwarding failed: a bug' });
    await vi.advanceTimersByTimeAsync(750);
    expect(journal.queueDepth()).toBe(0);
  });
});

describe('refusals', () => {
  test('a refused record keeps the ones before it, raises an alarm and is retried slowly, never dropped', async () => {
    journalTickets(5);
    server.refuse.add(3);
    const fw = start();
    await flush();
    expect(server.batches).toEqual([[1, 2, 3, 4, 5]]);
    expect(journal.unacked(10).map((e) => e.seq)).toEqual([3, 4, 5]); // 1 and 2 acknowledged from the partial results
    expect(alarms()).toEqual([`${FORWARD_ALARMS.rejected}: the server refused a record at seq 3 (REJECTED_RECORD): device DEV-TEST seq 3: no registered vehicle has plate 苏E12345. It is kept and retried; later records wait behind it.`]);
    expect(fw.status()).toMatchObject({ state: 'retrying', queueDepth: 3 });
    await vi.advanceTimersByTimeAsync(599_999);
    expect(server.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.batches).toHaveLength(2);
    expect(alarms()).toHaveLength(1); // the same refusal is not announced again
    server.refuse.clear(); // the vehicle was registered at the server
    await vi.advanceTimersByTimeAsync(600_000);
    expect(journal.queueDepth()).toBe(0);
    expect(alarms().at(-1)).toBe(`cleared ${FORWARD_ALARMS.rejected}`);
  });

  test.each([
    ['SEQ_CONFLICT', 409],
    ['CHAIN_GAP', 422],
    ['CHAIN_BROKEN', 422],
  ])('%s halts forwarding with the server message and chain head; records are kept', async (reason, status) => {
    journalTickets(4);
    server.next.push((records) => {
      const before = server.ingest(records.slice(0, 2)); // the server keeps the records before the failure
      return { kind: 'rejected', status, reason, message: `the server says ${reason}`, failedSeq: 3, chainHead: { seq: 2, hash: 'c'.repeat(64) }, results: before.kind === 'ok' ? before.results : [] };
    });
    const fw = start();
    await flush();
    expect(fw.status()).toMatchObject({ state: 'halted', queueDepth: 2, halt: { reason, failedSeq: 3, chainHead: { seq: 2, hash: 'c'.repeat(64) } } });
    expect(alarms()).toEqual([expect.stringMatching(new RegExp(`^${FORWARD_ALARMS.halted}: forwarding halted: the server answered ${status} ${reason} at seq 3: the server says ${reason}\\. The server's chain ends at seq 2 \\(cccccccccccc…\\)\\. Records are kept`))]);
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    fw.kick();
    await flush();
    expect(server.batches).toHaveLength(1); // nothing more is sent, nothing is rewritten
    expect(journal.unacked(10).map((e) => e.seq)).toEqual([3, 4]);
    fw.resume(); // an operator resolved it
    await flush();
    expect(server.batches).toEqual([[1, 2, 3, 4], [3, 4]]);
    expect(alarms().at(-1)).toBe(`cleared ${FORWARD_ALARMS.halted}`);
  });

  test('an acknowledgement with another hash than ours halts forwarding', async () => {
    journalTickets(2);
    server.next.push((records) => ({ kind: 'ok', results: records.map(({ seq }) => ({ seq, status: 'duplicate' as const, hash: 'd'.repeat(64), ticketId: null, receivedAt: 'x' })) }));
    const fw = start();
    await flush();
    expect(fw.status()).toMatchObject({ state: 'halted', halt: { reason: 'HASH_MISMATCH', failedSeq: 1 } });
    expect(journal.queueDepth()).toBe(2);
  });
});

test('records behind a quarantined seq are held back; the forwarder reports it is blocked', async () => {
  journalTickets(3);
  const blocked = { seq: 2, reason: 'damaged' };
  const view = { unacked: (n: number) => journal.unacked(n).filter((e) => e.seq < blocked.seq), markAcked: journal.markAcked.bind(journal), queueDepth: journal.queueDepth.bind(journal), blockedAt: () => blocked };
  forwarder = new Forwarder({ journal: view, transport: server, random: () => 0.5 });
  forwarder.start();
  await flush();
  expect(server.batches).toEqual([[1]]);
  expect(forwarder.status()).toMatchObject({ state: 'blocked', queueDepth: 2 });
});
