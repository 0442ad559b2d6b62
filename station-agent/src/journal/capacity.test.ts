// 30 days offline at peak. A big transfer station weighs ~1,500 vehicles a day
// (two passes each, one ticket): 30 × 1,500 = 45,000 records, plus events.
// The journal must hold 50,000 unacknowledged records, verify them at start-up,
// and hand them out 500 at a time at a cost that does not grow with the backlog.
import type Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import type { SqliteJournal } from './journal.js';
import { journalFixture, ticketBody } from './test-fixtures.js';

const RECORDS = 50_000;
const conn = (j: SqliteJournal) => (j as unknown as { db: Database.Database }).db;

test(`the journal holds ${RECORDS} unacked records and pages through them in constant time per page`, { timeout: 180_000 }, () => {
  const f = journalFixture({ integrityCheck: 'quick' });
  try {
    const a = f.make();
    a.start();
    // Loading only: the appends share one outer transaction (better-sqlite3 nests
    // them as savepoints), so this takes one fsync instead of 50,000. Each record
    // is still validated, signed and chained by appendTicket itself.
    let t = performance.now();
    conn(a).transaction(() => {
      for (let i = 0; i < RECORDS; i++) a.appendTicket(ticketBody(i));
    })();
    const loadMs = performance.now() - t;
    a.stop();

    const journal = f.make();
    t = performance.now();
    const report = journal.start(); // re-verifies all 50,000: hash, signature, chain
    const startMs = performance.now() - t;
    expect(report).toMatchObject({ ok: true, verified: RECORDS, blockedAt: null });
    expect(journal.queueDepth()).toBe(RECORDS);

    const plan = (conn(journal).prepare('EXPLAIN QUERY PLAN SELECT * FROM record WHERE acked_at IS NULL AND seq < ? ORDER BY seq LIMIT ?').all(1e15, 500) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan).toMatch(/USING (COVERING )?INDEX record_unacked/);
    expect(plan).not.toMatch(/TEMP B-TREE/);

    const pageMs: number[] = [];
    let next = 1;
    t = performance.now();
    for (;;) {
      const p0 = performance.now();
      const page = journal.unacked(500);
      pageMs.push(performance.now() - p0);
      if (page.length === 0) break;
      expect(page[0]!.seq).toBe(next);
      expect(page.at(-1)!.seq).toBe(next + page.length - 1);
      next += page.length;
      journal.markAcked(page.map((e) => ({ seq: e.seq, ticketId: null, receivedAt: '2025-03-14T02:00:00.000Z' })));
    }
    const drainMs = performance.now() - t;
    expect(next - 1).toBe(RECORDS);
    expect(journal.queueDepth()).toBe(0);
    // no O(n²): the last pages cost what the first ones did
    const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const first = avg(pageMs.slice(0, 10));
    const last = avg(pageMs.slice(-11, -1));
    expect(last).toBeLessThan(first * 3 + 5);
    expect(drainMs).toBeLessThan(20_000);
    journal.stop();
    console.log(
      `capacity: load ${RECORDS} in ${loadMs.toFixed(0)} ms (${((RECORDS / loadMs) * 1000).toFixed(0)} signed records/s); start-up verify ${startMs.toFixed(0)} ms; ` +
        `unacked(500) first pages ${first.toFixed(2)} ms, last pages ${last.toFixed(2)} ms; page+ack all ${drainMs.toFixed(0)} ms`,
    );
  } finally {
    f.remove();
  }
});
