import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { DeviceRecordPayload, GENESIS_HASH, parseCanonical } from '@haulproof/contracts';
import { publicKeyFromBase64, sha256Hex, verifyBytes } from '@haulproof/contracts/signing';
import { JournalUnavailableError, type JournalEntry } from '../types.js';
import { InvalidRecordError } from './records.js';
import { JournalSchemaError, SCHEMA_VERSION } from './schema.js';
import { DEVICE, eventBody, journalFixture, openTicket, ticketBody } from './test-fixtures.js';
import type { SqliteJournal } from './journal.js';

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((c) => c());
  cleanup = [];
});

function started(opts: Parameters<typeof journalFixture>[0] = {}) {
  const f = journalFixture(opts);
  const journal = f.make();
  journal.start();
  cleanup.push(() => {
    journal.stop();
    f.remove();
  });
  return { ...f, journal };
}

/** Verifies entries with nothing but the contracts helpers and the public key. */
function expectValidChain(entries: JournalEntry[], publicKeyBase64: string, from = GENESIS_HASH) {
  const key = publicKeyFromBase64(publicKeyBase64);
  let prev = from;
  for (const e of entries) {
    const payload = DeviceRecordPayload.parse(parseCanonical(e.canonical));
    expect(payload).toEqual(e.payload);
    expect(payload.prev).toBe(prev);
    expect(payload.device).toBe(DEVICE);
    expect(sha256Hex(e.canonical)).toBe(e.hash);
    expect(verifyBytes(key, e.canonical, e.signature)).toBe(true);
    prev = e.hash;
  }
}

describe('appending', () => {
  test('tickets, voids and events are signed, canonical and chained from the genesis hash', () => {
    const { journal, key } = started();
    const t1 = journal.appendTicket(ticketBody(1));
    const t2 = journal.appendTicket(ticketBody(2, { tareSource: 'STORED', flags: ['STORED_TARE'] }));
    const v = journal.appendVoid({ ticketSeq: 1, reason: 'driver left before the second pass', at: '2025-03-14T02:00:00.000+08:00', operator: 'op1' });
    const e = journal.appendEvent(eventBody());
    expect([t1, t2, v, e].map((x) => [x.seq, x.kind])).toEqual([[1, 'ticket'], [2, 'ticket'], [3, 'void'], [4, 'event']]);
    expect(t1.payload).toMatchObject({ v: 1, kind: 'ticket', device: DEVICE, seq: 1, prev: GENESIS_HASH, ticket: ticketBody(1) });
    expectValidChain([t1, t2, v, e], key.publicKeyBase64);
    // what entry() reads back is byte-identical to what append returned
    const back = journal.entry(3)!;
    expect(Buffer.compare(back.canonical, v.canonical)).toBe(0);
    expect(back).toEqual(v);
    expect(journal.lastSeq()).toBe(4);
  });

  test('the file runs in WAL mode with synchronous=FULL', () => {
    const { journal } = started();
    const db = (journal as unknown as { db: Database.Database }).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  test('an invalid body throws before anything is signed or written, and leaves no gap', () => {
    const { journal } = started();
    journal.appendTicket(ticketBody(1));
    const bad = [
      () => journal.appendTicket(ticketBody(2, { netKg: 1 })), // net ≠ gross − tare
      () => journal.appendTicket(ticketBody(3, { plate: '苏E·12345' })), // not normalised: the server would refuse it
      () => journal.appendTicket({ ...ticketBody(4), extra: 1 } as never),
      () => journal.appendTicket(ticketBody(5, { grossKg: 20_000.5, netKg: 8_000.5 })),
      () => journal.appendVoid({ ticketSeq: 0, reason: 'x', at: 'yesterday', operator: null }),
      () => journal.appendEvent(eventBody({ details: { 'bad key': 1 } })),
    ];
    for (const b of bad) expect(b).toThrow(InvalidRecordError);
    expect(journal.lastSeq()).toBe(1);
    expect(journal.queueDepth()).toBe(1);
    expect(journal.appendTicket(ticketBody(6)).seq).toBe(2);
  });

  test('seq stays gapless over many appends with failures in between', () => {
    const { journal, key } = started();
    for (let i = 0; i < 1_000; i++) {
      if (i % 7 === 3) expect(() => journal.appendTicket(ticketBody(i, { tareKg: 1 }))).toThrow(InvalidRecordError);
      else if (i % 50 === 0) journal.appendEvent(eventBody({ message: `event ${i}` }));
      else journal.appendTicket(ticketBody(i));
    }
    const entries = journal.unacked(2_000);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: entries.length }, (_, i) => i + 1));
    expect(journal.lastSeq()).toBe(entries.length);
    expectValidChain(entries, key.publicKeyBase64);
  });

  test('a record over the 12 KiB wire limit is refused before it is written', () => {
    const { journal } = started();
    // control characters are escaped as \u0001 in JSON: six bytes each
    const details = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, '\u0001'.repeat(200)]));
    expect(() => journal.appendEvent(eventBody({ details }))).toThrow(/exceeds the 12288-byte limit/);
    expect(journal.lastSeq()).toBe(0);
  });

  test('records cannot be changed or deleted through SQL', () => {
    const { journal, dir } = started();
    journal.appendTicket(ticketBody(1));
    const other = new Database(`${dir}/journal.db`);
    cleanup.unshift(() => other.close());
    expect(() => other.prepare('UPDATE record SET canonical = x\'00\' WHERE seq = 1').run()).toThrow(/append-only/);
    expect(() => other.prepare('DELETE FROM record WHERE seq = 1').run()).toThrow(/append-only/);
    expect(journal.entry(1)).toBeDefined();
  });
});

describe('the outbox view', () => {
  test('unacked pages in seq order; acknowledgements are durable and recorded once', () => {
    const { journal } = started({ clock: (() => { let t = 1_000; return () => (t += 1); })() });
    for (let i = 1; i <= 10; i++) journal.appendTicket(ticketBody(i));
    expect(journal.unacked(4).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    journal.markAcked([1, 2, 3].map((seq) => ({ seq, ticketId: `t${seq}`, receivedAt: '2025-03-14T02:00:00.000Z' })));
    expect(journal.queueDepth()).toBe(7);
    expect(journal.unacked(4).map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    const firstAck = journal.entry(2)!.ackedAt;
    expect(firstAck).toEqual(expect.any(Number));
    journal.markAcked([{ seq: 2, ticketId: 't2', receivedAt: '2025-03-14T02:00:00.000Z' }]); // a duplicate ack
    expect(journal.entry(2)!.ackedAt).toBe(firstAck);
  });
});

describe('restart', () => {
  test('reopening keeps records, acks, open tickets and the registry cache, and the chain continues', () => {
    const f = journalFixture();
    cleanup.push(f.remove);
    const a = f.make();
    a.start();
    for (let i = 1; i <= 20; i++) a.appendTicket(ticketBody(i));
    a.markAcked([{ seq: 1, ticketId: 'x', receivedAt: '2025-03-14T02:00:00.000Z' }]);
    a.saveOpenTicket(openTicket('L1', { firstKg: 22_000 }));
    a.saveOpenTicket(openTicket('L1', { plate: '苏E67890', firstKg: 14_000, flags: ['KEYED'] })); // any number per lane
    a.saveRegistry({ snapshot: { generatedAt: 'now', device: { code: DEVICE, status: 'ACTIVE' }, site: { code: 'TS-1', nameZh: '站', nameEn: 'S', kind: 'TRANSFER_STATION', timezone: 'Asia/Shanghai', acceptedStreams: ['OTHER'] }, lanes: [], vehicles: [], cards: [], permits: [], routes: [], sites: [] }, etag: '"v1"', fetchedAt: 5 });
    const tail = a.entry(20)!;
    a.stop();

    const b = f.make();
    const report = b.start();
    cleanup.unshift(() => b.stop());
    expect(report).toMatchObject({ ok: true, verified: 19, quarantined: [], blockedAt: null, head: { seq: 20, hash: tail.hash }, sqlite: ['ok'] });
    expect(b.lastSeq()).toBe(20);
    expect(b.queueDepth()).toBe(19);
    expect(b.openTickets()).toEqual([openTicket('L1', { firstKg: 22_000 }), openTicket('L1', { plate: '苏E67890', firstKg: 14_000, flags: ['KEYED'] })]);
    expect(b.openTicketFor('苏E67890')).toEqual(openTicket('L1', { plate: '苏E67890', firstKg: 14_000, flags: ['KEYED'] }));
    expect(b.loadRegistry()).toMatchObject({ etag: '"v1"', fetchedAt: 5, snapshot: { site: { code: 'TS-1' } } });
    const next = b.appendTicket(ticketBody(21));
    expect(next.seq).toBe(21);
    expect(next.payload.prev).toBe(tail.hash);
    expect(f.alarms()).toEqual([]);
  });

  test('a journal written by a newer agent, or for another device, is refused', () => {
    const f = journalFixture();
    cleanup.push(f.remove);
    const a = f.make();
    a.start();
    a.appendTicket(ticketBody(1));
    a.stop();
    expect(() => f.make({ deviceCode: 'DEV-OTHER' }).start()).toThrow(/holds the chain of device DEV-TEST/);
    const raw = new Database(`${f.dir}/journal.db`);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => f.make().start()).toThrow(JournalSchemaError);
  });

  test('methods used before start() fail as unavailable', () => {
    const f = journalFixture();
    cleanup.push(f.remove);
    const j: SqliteJournal = f.make();
    expect(() => j.appendTicket(ticketBody(1))).toThrow(JournalUnavailableError);
  });

  test('invalid open tickets are refused on save', () => {
    const { journal } = started();
    expect(() => journal.saveOpenTicket(openTicket('L1', { firstKg: -5 }))).toThrow(InvalidRecordError);
    expect(() => journal.saveOpenTicket(openTicket('L1', { plate: '苏E·12345' }))).toThrow(/plate must be normalised/);
    expect(journal.openTickets()).toEqual([]);
  });
});
