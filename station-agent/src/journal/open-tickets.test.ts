// Open tickets are kept per vehicle and closed only together with the record that ends them.
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { JournalUnavailableError } from '../types.js';
import type { SqliteJournal } from './journal.js';
import { InvalidRecordError } from './records.js';
import { eventBody, journalFixture, openTicket, ticketBody } from './test-fixtures.js';

const A = '苏E12345'; // the fixtures' plate
const B = '苏E67890';

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((c) => c());
  cleanup = [];
  vi.useRealTimers();
});

function started() {
  const f = journalFixture({ probeIntervalMs: 5_000 });
  const journal = f.make();
  journal.start();
  cleanup.push(() => {
    journal.stop();
    f.remove();
  });
  return { ...f, journal, db: (journal as unknown as { db: Database.Database }).db };
}

const rows = (db: Database.Database) => db.prepare('SELECT count(*) FROM record').pluck().get() as number;
const plates = (j: SqliteJournal) => j.openTickets().map((o) => o.plate);

describe('open tickets', () => {
  test('any number per lane, at most one per vehicle', () => {
    const { journal } = started();
    journal.saveOpenTicket(openTicket('L1'));
    journal.saveOpenTicket(openTicket('L1', { plate: B, firstKg: 14_000 }));
    expect(() => journal.saveOpenTicket(openTicket('L2', { firstKg: 9_000 }))).toThrow(/苏E12345 already has an open first pass \(lane L1\)/);
    expect(journal.openTickets().map((o) => [o.plate, o.lane, o.firstKg])).toEqual([[A, 'L1', 21_340], [B, 'L1', 14_000]]);
    expect(journal.openTicketFor(B)).toEqual(openTicket('L1', { plate: B, firstKg: 14_000 }));
    expect(journal.openTicketFor('苏E99999')).toBeUndefined();
  });

  test('completing appends the ticket and closes that vehicle’s first pass, and refuses what would write a wrong ticket', () => {
    const { journal } = started();
    journal.saveOpenTicket(openTicket('L1'));
    journal.saveOpenTicket(openTicket('L1', { plate: B }));
    expect(() => journal.completeOpenTicket(A, ticketBody(1, { netKg: 3 }))).toThrow(InvalidRecordError);
    expect(() => journal.completeOpenTicket(B, ticketBody(1))).toThrow(/the ticket is for 苏E12345, not for the open ticket of 苏E67890/);
    expect(() => journal.completeOpenTicket('苏E99999', ticketBody(1, { plate: '苏E99999' }))).toThrow(/苏E99999 has no open ticket to close/);
    expect(journal.lastSeq()).toBe(0);
    expect(plates(journal)).toEqual([A, B]);

    const e = journal.completeOpenTicket(A, ticketBody(1, { lane: 'L2' })); // the second pass was at another lane
    expect(e).toMatchObject({ seq: 1, kind: 'ticket', payload: { ticket: { plate: A, lane: 'L2' } } });
    expect(plates(journal)).toEqual([B]);
    expect(() => journal.completeOpenTicket(A, ticketBody(2))).toThrow(/has no open ticket/); // never completed twice
    expect(journal.lastSeq()).toBe(1);
  });

  test('a failure inside the completion, after the ticket row was written, leaves neither the ticket nor the close', () => {
    const { journal, db } = started();
    const first = journal.appendEvent(eventBody());
    journal.saveOpenTicket(openTicket('L1'));
    db.exec(`CREATE TEMP TRIGGER fail_close AFTER DELETE ON open_ticket BEGIN SELECT RAISE(ABORT, 'injected failure after the ticket row'); END`);
    expect(() => journal.completeOpenTicket(A, ticketBody(1))).toThrow(/injected failure/);
    expect(journal.lastSeq()).toBe(1);
    expect(rows(db)).toBe(1);
    expect(journal.unacked(10).map((e) => e.seq)).toEqual([1]);
    expect(journal.lastTicketFor(A, 0)).toBeUndefined();
    expect(journal.openTicketFor(A)).toEqual(openTicket('L1'));

    db.exec('DROP TRIGGER temp.fail_close');
    const e = journal.completeOpenTicket(A, ticketBody(1));
    expect(e).toMatchObject({ seq: 2, payload: { prev: first.hash } }); // no gap, chained to the real tail
    expect(plates(journal)).toEqual([]);
  });

  test('a full disk inside the completion (max_page_count) leaves neither the ticket nor the close', () => {
    vi.useFakeTimers(); // the health probe's timer
    const { journal, db } = started();
    journal.saveOpenTicket(openTicket('L1'));
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`); // SQLITE_FULL as a full disk gives it
    let i = 1;
    for (let failed = false; !failed && i < 5_000; i++) {
      try {
        journal.appendTicket(ticketBody(i, { plate: B })); // fills the free space left in the last pages
      } catch (err) {
        expect(err).toBeInstanceOf(JournalUnavailableError);
        failed = true;
      }
    }
    const seq = journal.lastSeq();
    const count = rows(db);
    expect(() => journal.completeOpenTicket(A, ticketBody(i))).toThrow(JournalUnavailableError);
    expect(journal.healthy()).toBe(false);
    expect(journal.lastSeq()).toBe(seq);
    expect(rows(db)).toBe(count);
    expect(journal.lastTicketFor(A, 0)).toBeUndefined();
    expect(journal.openTicketFor(A)).toEqual(openTicket('L1'));

    db.pragma('max_page_count = 1073741823'); // space freed
    expect(journal.completeOpenTicket(A, ticketBody(i)).seq).toBe(seq + 1);
    expect(journal.healthy()).toBe(true);
    expect(plates(journal)).toEqual([]);
  });

  test('voiding appends the OPEN_TICKET_VOIDED event and deletes the open ticket together, once', () => {
    const { journal, db } = started();
    journal.saveOpenTicket(openTicket('L1'));
    const voided = eventBody({ type: 'OPEN_TICKET_VOIDED', message: 'first pass not completed within 12 h: voided', details: { why: 'timeout', firstKg: 21_340 } });
    expect(journal.voidOpenTicket(A, voided)).toMatchObject({ seq: 1, kind: 'event', payload: { event: { type: 'OPEN_TICKET_VOIDED' } } });
    expect(plates(journal)).toEqual([]);
    expect(() => journal.voidOpenTicket(A, voided)).toThrow(/has no open ticket/);
    expect(rows(db)).toBe(1);
  });
});
