import type Database from 'better-sqlite3';
import { afterEach, expect, test, vi } from 'vitest';
import { JournalUnavailableError } from '../types.js';
import { JOURNAL_ALARMS, type SqliteJournal } from './journal.js';
import { journalFixture, openTicket, ticketBody } from './test-fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

const conn = (j: SqliteJournal) => (j as unknown as { db: Database.Database }).db;

test('a full disk refuses the write whole, marks the journal unhealthy until a write succeeds again', async () => {
  vi.useFakeTimers();
  const f = journalFixture({ probeIntervalMs: 5_000 });
  const journal = f.make();
  journal.start();
  try {
    for (let i = 1; i <= 20; i++) journal.appendTicket(ticketBody(i));
    journal.saveOpenTicket(openTicket('L1'));
    const db = conn(journal);
    // SQLITE_FULL exactly as a full disk gives it: no page may be added to the file
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);

    let seq = journal.lastSeq();
    let failure: unknown = null;
    for (let i = 21; i < 2_000 && failure === null; i++) {
      try {
        seq = journal.appendTicket(ticketBody(i)).seq; // fills the free space left in the last pages
      } catch (err) {
        failure = err;
      }
    }
    expect(failure).toBeInstanceOf(JournalUnavailableError);
    expect((failure as Error).message).toMatch(/SQLITE_FULL \(disk full\?\)/);
    expect(journal.healthy()).toBe(false);
    // nothing partial: the chain head, the rows and the outbox agree, without a gap
    expect(journal.lastSeq()).toBe(seq);
    expect(db.prepare('SELECT count(*) FROM record').pluck().get()).toBe(seq);
    expect(db.prepare('SELECT max(seq) FROM record').pluck().get()).toBe(seq);
    expect(journal.unacked(5_000).map((e) => e.seq)).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
    expect(() => journal.appendTicket(ticketBody(9_999))).toThrow(JournalUnavailableError);
    // a small write may still fit in a page's free space; that does not make the journal healthy
    try {
      journal.saveOpenTicket(openTicket('L2', { plate: '苏E67890' }));
    } catch (err) {
      expect(err).toBeInstanceOf(JournalUnavailableError);
    }
    expect(journal.healthy()).toBe(false);
    expect(journal.probe()).toBe(false);
    // one alarm, not one per failed write
    expect(f.alarms()).toEqual([expect.objectContaining({ type: 'alarm', code: JOURNAL_ALARMS.unavailable, message: expect.stringMatching(/New weighings are refused/) })]);

    await vi.advanceTimersByTimeAsync(15_000); // still full: the probes fail quietly
    expect(journal.healthy()).toBe(false);

    db.pragma('max_page_count = 1073741823'); // space freed
    await vi.advanceTimersByTimeAsync(5_000);
    expect(journal.healthy()).toBe(true);
    expect(f.alarms().map((a) => a.type)).toEqual(['alarm', 'alarm.cleared']);
    expect(journal.appendTicket(ticketBody(10_000)).seq).toBe(seq + 1);
  } finally {
    journal.stop();
    f.remove();
  }
});

test('a read-only journal file cannot be written and says so', () => {
  const f = journalFixture();
  const journal = f.make();
  journal.start();
  try {
    journal.appendTicket(ticketBody(1));
    conn(journal).pragma('query_only = ON'); // stands in for storage remounted read-only
    expect(() => journal.appendTicket(ticketBody(2))).toThrow(JournalUnavailableError);
    expect(journal.healthy()).toBe(false);
    expect(journal.lastSeq()).toBe(1);
    conn(journal).pragma('query_only = OFF');
    expect(journal.appendTicket(ticketBody(3)).seq).toBe(2);
    expect(journal.healthy()).toBe(true);
  } finally {
    journal.stop();
    f.remove();
  }
});
