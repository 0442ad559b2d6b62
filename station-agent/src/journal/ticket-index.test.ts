// The repeat-weighing lookup: one indexed query over (ticket_plate, ticket_at).
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { journalFixture, ticketBody } from './test-fixtures.js';

const A = '苏E12345';
const B = '苏E67890';
const T0 = Date.UTC(2025, 2, 14, 1, 0, 0); // ticketBody(i): first pass T0 + i min, second 8 min later
const MIN = 60_000;

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((c) => c());
  cleanup = [];
});

function fixture() {
  const f = journalFixture();
  cleanup.push(f.remove);
  const open = () => {
    const journal = f.make();
    const report = journal.start();
    cleanup.unshift(() => journal.stop());
    return { journal, report };
  };
  return { ...f, open };
}

describe('lastTicketFor', () => {
  test('the newest ticket of that plate completed at or after `since`; other plates, voids and events do not count', () => {
    const { journal } = fixture().open();
    journal.appendTicket(ticketBody(0)); // A, completed T0 + 8 min
    journal.appendTicket(ticketBody(1, { plate: B }));
    journal.appendEvent({ type: 'WEIGHT_JUMP', lane: 'L1', at: '2025-03-14T09:30:00.000+08:00', plate: A, card: null, message: 'jump', details: {}, ticketSeq: null });
    journal.appendTicket(ticketBody(5)); // A, completed T0 + 13 min
    journal.appendVoid({ ticketSeq: 4, reason: 'weighed on the wrong stream', at: '2025-03-14T09:40:00.000+08:00', operator: 'op1' });
    journal.appendTicket(ticketBody(20, { secondAt: null, tareSource: 'STORED', flags: ['STORED_TARE'] })); // one pass: completed at its first pass, T0 + 20 min

    expect(journal.lastTicketFor(A, 0)?.seq).toBe(6);
    expect(journal.lastTicketFor(A, T0 + 20 * MIN)?.seq).toBe(6); // inclusive
    expect(journal.lastTicketFor(A, T0 + 20 * MIN + 1)).toBeUndefined();
    expect(journal.lastTicketFor(B, T0)?.seq).toBe(2);
    expect(journal.lastTicketFor('苏E99999', 0)).toBeUndefined();
    expect(journal.lastTicketFor(A, 0)).toEqual(journal.entry(6));
  });

  test('is answered from the index, not by scanning the records', () => {
    const f = fixture();
    const { journal } = f.open();
    journal.appendTicket(ticketBody(1));
    const db = new Database(`${f.dir}/journal.db`, { readonly: true });
    cleanup.unshift(() => db.close());
    const sql = 'SELECT * FROM record WHERE ticket_plate = ? AND ticket_at >= ? ORDER BY ticket_at DESC, seq DESC LIMIT 1';
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(A, 0) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan).toMatch(/SEARCH record USING INDEX record_ticket_by_plate \(ticket_plate=\? AND ticket_at>\?\)/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  test('a quarantined record does not hide older tickets, and a restored one counts again', () => {
    const f = fixture();
    const a = f.open().journal;
    a.appendTicket(ticketBody(1)); // A
    const b = a.appendTicket(ticketBody(2, { plate: B }));
    a.appendTicket(ticketBody(3, { plate: '苏E55555' }));
    a.stop();
    cleanup.shift();
    const raw = new Database(`${f.dir}/journal.db`);
    raw.exec('DROP TRIGGER record_content_is_immutable');
    raw.prepare('UPDATE record SET signature = ? WHERE seq = 2').run(Buffer.alloc(64, 7));
    raw.close();

    const { journal, report } = f.open();
    expect(report.quarantined.map((q) => q.seq)).toEqual([2]);
    expect(journal.lastTicketFor(A, 0)?.seq).toBe(1); // behind the hole
    expect(journal.lastTicketFor(B, 0)).toBeUndefined();
    journal.resolveQuarantined(2, { kind: 'restored', canonical: b.canonical, signature: b.signature, actor: 'admin' });
    expect(journal.lastTicketFor(B, 0)?.seq).toBe(2);
  });

  test('the index columns are as append-only as the record', () => {
    const f = fixture();
    f.open().journal.appendTicket(ticketBody(1));
    const raw = new Database(`${f.dir}/journal.db`);
    cleanup.unshift(() => raw.close());
    expect(() => raw.prepare(`UPDATE record SET ticket_plate = '苏E99999' WHERE seq = 1`).run()).toThrow(/append-only/);
    expect(() => raw.prepare('UPDATE record SET ticket_at = 0 WHERE seq = 1').run()).toThrow(/append-only/);
  });
});

describe('recentTicketsFor', () => {
  test('the plate’s tickets newest first (completion time, then seq), at most `limit`, without voided ones', () => {
    const { journal } = fixture().open();
    journal.appendTicket(ticketBody(0)); // 1: A, completed T0 + 8 min
    journal.appendTicket(ticketBody(30)); // 2: A, T0 + 38 min
    journal.appendTicket(ticketBody(1, { plate: B })); // 3
    journal.appendTicket(ticketBody(10)); // 4: A, T0 + 18 min
    journal.appendTicket(ticketBody(40)); // 5: A, voided below
    journal.appendVoid({ ticketSeq: 5, reason: 'weighed on the wrong stream', at: '2025-03-14T10:00:00.000+08:00', operator: 'op1' });
    expect(journal.recentTicketsFor(A, 10).map((e) => e.seq)).toEqual([2, 4, 1]);
    expect(journal.recentTicketsFor(A, 2).map((e) => e.seq)).toEqual([2, 4]);
    expect(journal.recentTicketsFor('苏E99999', 10)).toEqual([]);
  });
});
