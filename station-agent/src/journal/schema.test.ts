// Forward migration: a journal written by the previous agent (schema v1) must open.
import Database from 'better-sqlite3';
import type { EventBody, TicketBody } from '@haulproof/contracts';
import { afterEach, expect, test } from 'vitest';
import { GENESIS_HASH, signRecordRow, type RecordKind } from './records.js';
import { migrate, SCHEMA_VERSION } from './schema.js';
import { DEVICE, eventBody, journalFixture, openTicket, ticketBody } from './test-fixtures.js';

const A = '苏E12345';
const B = '苏E67890';
const C = '苏E55555';

// the v1 agent's guard, without the index columns it did not have
const V1_GUARD = `CREATE TRIGGER record_content_is_immutable BEFORE UPDATE OF seq, kind, canonical, signature, hash, prev, created_at ON record
  BEGIN SELECT RAISE(ABORT, 'journal records are append-only'); END;`;

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((c) => c());
  cleanup = [];
});

test('a v1 journal opens: open tickets move from lane keys to plate keys, ticket rows are indexed, damage is quarantined', () => {
  const f = journalFixture();
  cleanup.push(f.remove);
  const v1 = new Database(`${f.dir}/journal.db`);
  migrate(v1, 1);
  v1.exec(V1_GUARD);
  expect(v1.pragma('user_version', { simple: true })).toBe(1);
  const records: [RecordKind, TicketBody | EventBody][] = [
    ['ticket', ticketBody(1)], // A
    ['event', eventBody()],
    ['ticket', ticketBody(20, { plate: B, secondAt: null, tareSource: 'STORED', flags: ['STORED_TARE'] })],
  ];
  let prev = GENESIS_HASH;
  const insert = v1.prepare('INSERT INTO record (seq, kind, canonical, signature, hash, prev, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  records.forEach(([kind, body], i) => {
    const row = signRecordRow(f.key.privateKey, DEVICE, i + 1, prev, kind, body);
    insert.run(row.seq, row.kind, row.canonical, row.signature, row.hash, row.prev, 1_000 + i);
    prev = row.hash;
  });
  v1.prepare('INSERT INTO chain_head (id, device, seq, hash) VALUES (1, ?, 3, ?)').run(DEVICE, prev);
  const open = v1.prepare('INSERT INTO open_ticket (lane, data, saved_at) VALUES (?, ?, ?)'); // v1: one per lane
  open.run('L1', JSON.stringify(openTicket('L1')), 1_000);
  open.run('L2', JSON.stringify(openTicket('L2', { plate: C })), 3_000);
  open.run('L3', '{"lane":"L3","plate":', 2_000); // damaged
  open.run('L4', JSON.stringify(openTicket('L4', { plate: C })), 2_000); // an older first pass of C
  v1.close();

  const journal = f.make();
  const report = journal.start();
  cleanup.unshift(() => journal.stop());
  const raw = new Database(`${f.dir}/journal.db`);
  cleanup.unshift(() => raw.close());
  expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  expect(SCHEMA_VERSION).toBe(2);
  expect(report).toMatchObject({ verified: 3, blockedAt: null, sqlite: ['ok'] });
  expect([...report.quarantined].sort((x, y) => x.lane!.localeCompare(y.lane!))).toEqual([
    { source: 'open_ticket', seq: null, lane: 'L3', reason: 'the stored open ticket of (lane L3) is not JSON' },
    { source: 'open_ticket', seq: null, lane: 'L4', reason: `the stored open ticket of (lane L4) names plate ${C}` },
  ]);
  expect(journal.openTickets()).toEqual([openTicket('L1'), openTicket('L2', { plate: C })]);

  expect(journal.lastTicketFor(A, 0)?.seq).toBe(1);
  expect(journal.lastTicketFor(B, Date.parse(ticketBody(20).firstAt))?.seq).toBe(3); // a one-pass ticket: completed at its first pass
  expect(journal.lastTicketFor(C, 0)).toBeUndefined();

  // the chain continues after the JOURNAL_QUARANTINE event, and the new guard covers the new columns
  expect(journal.entry(4)!.payload).toMatchObject({ kind: 'event', event: { type: 'JOURNAL_QUARANTINE', details: { openTickets: 2 } } });
  expect(journal.completeOpenTicket(A, ticketBody(30))).toMatchObject({ seq: 5, payload: { prev: journal.entry(4)!.hash } });
  expect(() => raw.prepare(`UPDATE record SET ticket_plate = '${C}' WHERE seq = 1`).run()).toThrow(/append-only/);
  expect(raw.prepare('SELECT count(*) FROM quarantine WHERE source = ? AND data IS NOT NULL').pluck().get('open_ticket')).toBe(2); // kept verbatim
});

test('a new journal is created at the latest version, keyed by plate and indexed; migrating it again changes nothing', () => {
  const f = journalFixture();
  cleanup.push(f.remove);
  const db = new Database(`${f.dir}/journal.db`);
  cleanup.unshift(() => db.close());
  migrate(db);
  expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  migrate(db); // nothing to do
  expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'record_ticket_by_plate'`).pluck().get()).toBe('record_ticket_by_plate');
  expect((db.prepare('PRAGMA table_info(open_ticket)').all() as { name: string; pk: number }[]).filter((c) => c.pk).map((c) => c.name)).toEqual(['plate']);
});
