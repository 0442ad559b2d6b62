import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { JOURNAL_ALARMS, type SqliteJournal } from './journal.js';
import { QuarantineResolutionError } from './quarantine.js';
import { signRecordRow } from './records.js';
import { DEVICE, journalFixture, openTicket, ticketBody } from './test-fixtures.js';

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((c) => c());
  cleanup = [];
});

/** Five unacked tickets (seq 1 acked), then the journal is closed. */
function closedJournalWithRecords(n = 5) {
  const f = journalFixture();
  cleanup.push(f.remove);
  const j = f.make();
  j.start();
  for (let i = 1; i <= n; i++) j.appendTicket(ticketBody(i));
  j.markAcked([{ seq: 1, ticketId: 't1', receivedAt: '2025-03-14T02:00:00.000Z' }]);
  const entries = Array.from({ length: n }, (_, i) => j.entry(i + 1)!);
  j.stop();
  return { ...f, entries };
}

function reopen(f: { make: () => SqliteJournal }): { journal: SqliteJournal; report: ReturnType<SqliteJournal['start']> } {
  const journal = f.make();
  const report = journal.start();
  cleanup.unshift(() => journal.stop());
  return { journal, report };
}

/** A second connection, as a faulty disk or a meddling hand would, bypassing the append-only triggers. */
function tamper(dir: string, sql: string, ...params: unknown[]): void {
  const db = new Database(`${dir}/journal.db`);
  db.exec('DROP TRIGGER IF EXISTS record_content_is_immutable; DROP TRIGGER IF EXISTS record_leaves_only_into_quarantine');
  db.prepare(sql).run(...params);
  db.close();
}

describe('start-up integrity check', () => {
  test('a record whose bytes were changed is quarantined verbatim, an alarm is raised and forwarding stops before it', () => {
    const f = closedJournalWithRecords();
    const original = f.entries[2]!;
    const forged = Buffer.from(original.canonical.toString('utf8').replace(`"grossKg":${original.payload.kind === 'ticket' ? original.payload.ticket.grossKg : 0}`, '"grossKg":39980'));
    expect(Buffer.compare(forged, original.canonical)).not.toBe(0);
    tamper(f.dir, 'UPDATE record SET canonical = ? WHERE seq = 3', forged);

    const { journal, report } = reopen(f);
    expect(report.ok).toBe(false);
    expect(report.quarantined).toEqual([{ source: 'record', seq: 3, lane: null, reason: expect.stringMatching(/sha256 of the stored bytes .* differs from the stored hash/) }]);
    expect(report.blockedAt).toBe(3);
    expect(journal.blockedAt()).toEqual({ seq: 3, reason: expect.stringMatching(/sha256/) });
    // seq 2 (unacked, before the hole) is still forwarded; 4, 5 and the quarantine event are kept but held back
    expect(journal.unacked(500).map((e) => e.seq)).toEqual([2]);
    expect(journal.entry(3)).toBeUndefined();
    expect(journal.queueDepth()).toBe(1 + 2 + 1);
    // the damaged bytes are kept as evidence
    const raw = new Database(`${f.dir}/journal.db`, { readonly: true });
    const kept = raw.prepare(`SELECT canonical, signature, hash FROM quarantine WHERE seq = 3`).get() as { canonical: Buffer; signature: Buffer; hash: string };
    raw.close();
    expect(Buffer.compare(kept.canonical, forged)).toBe(0);
    expect(kept.hash).toBe(original.hash);
    // the fact is signed into the chain, after the tail, and an alarm says what to do
    const event = journal.entry(6)!;
    expect(event.payload).toMatchObject({ kind: 'event', prev: f.entries[4]!.hash, event: { type: 'JOURNAL_QUARANTINE', details: { records: 1, firstSeq: 3, lastSeq: 3 } } });
    expect(f.alarms()).toEqual([expect.objectContaining({ type: 'alarm', code: JOURNAL_ALARMS.quarantine, message: expect.stringMatching(/Forwarding is stopped before seq 3/) })]);
    // weighing goes on: the chain continues from the real tail
    expect(journal.appendTicket(ticketBody(7)).seq).toBe(7);
    expect(journal.quarantine()).toEqual([expect.objectContaining({ source: 'record', seq: 3, resolvedAt: null })]);
  });

  test('a damaged signature, a wrong prev and a missing row are each found', () => {
    const f = closedJournalWithRecords(6);
    tamper(f.dir, 'UPDATE record SET signature = ? WHERE seq = 2', Buffer.alloc(64, 7));
    tamper(f.dir, 'DELETE FROM record WHERE seq = 4');
    // validly signed by this device, but chained to something else
    const stray = signRecordRow(f.key.privateKey, DEVICE, 6, 'a'.repeat(64), 'ticket', ticketBody(6));
    tamper(f.dir, 'UPDATE record SET canonical = ?, signature = ?, hash = ?, prev = ? WHERE seq = 6', stray.canonical, stray.signature, stray.hash, stray.prev);
    const { report } = reopen(f);
    expect(report.quarantined.map((q) => [q.seq, q.reason])).toEqual([
      [2, "the signature does not verify with this device's key"],
      [4, 'the record is missing from the journal'],
      [6, expect.stringMatching(/^prev aaaaaaaaaaaa… does not chain to seq 5/)],
    ]);
    expect(report.blockedAt).toBe(2);
  });

  test('bytes flipped in the file itself are caught by the hash check', () => {
    const f = closedJournalWithRecords();
    const file = `${f.dir}/journal.db`;
    const bytes = readFileSync(file);
    const needle = Buffer.from(`"grossKg":${20_000 + 4 * 20}`); // ticketBody(4)
    const at = bytes.indexOf(needle);
    expect(at).toBeGreaterThan(0);
    bytes[at + needle.length - 1] = '9'.charCodeAt(0); // 20080 → 20089
    writeFileSync(file, bytes);
    const { report } = reopen(f);
    expect(report.quarantined.map((q) => q.seq)).toEqual([4]);
  });

  test('a damaged open ticket is set aside, not returned', () => {
    const f = journalFixture();
    cleanup.push(f.remove);
    const j = f.make();
    j.start();
    j.saveOpenTicket(openTicket('L1'));
    j.saveOpenTicket(openTicket('L2', { plate: '苏E67890' }));
    j.stop();
    const db = new Database(`${f.dir}/journal.db`);
    db.prepare(`UPDATE open_ticket SET data = '{"lane":"L2","plate":' WHERE plate = '苏E67890'`).run();
    db.close();
    const { journal, report } = reopen(f);
    expect(report.quarantined).toEqual([{ source: 'open_ticket', seq: null, lane: 'L2', reason: 'the stored open ticket of 苏E67890 is not JSON' }]);
    expect(report.blockedAt).toBeNull();
    expect(journal.openTickets().map((o) => o.lane)).toEqual(['L1']);
    expect(f.alarms()).toEqual([expect.objectContaining({ code: JOURNAL_ALARMS.quarantine })]);
  });

  test('a chain head that disagrees with the signed tail record is reset from the record', () => {
    const f = closedJournalWithRecords();
    const db = new Database(`${f.dir}/journal.db`);
    db.prepare(`UPDATE chain_head SET hash = ? WHERE id = 1`).run('e'.repeat(64));
    db.close();
    const { journal, report } = reopen(f);
    expect(report.notes).toEqual([expect.stringMatching(/chain head .* disagreed with the tail record/)]);
    expect(journal.appendTicket(ticketBody(6)).payload.prev).toBe(f.entries[4]!.hash);
  });

  test('when the tail record is damaged, its seq is not reused and new records chain to the original tail hash', () => {
    const f = closedJournalWithRecords();
    tamper(f.dir, 'UPDATE record SET canonical = ? WHERE seq = 5', Buffer.from('{"garbage":true}'));
    const { journal, report } = reopen(f);
    expect(report.quarantined.map((q) => q.seq)).toEqual([5]);
    expect(report.head).toEqual({ seq: 5, hash: f.entries[4]!.hash });
    expect(journal.entry(6)!.payload).toMatchObject({ seq: 6, prev: f.entries[4]!.hash, kind: 'event' });
    expect(journal.unacked(500).map((e) => e.seq)).toEqual([2, 3, 4]);
  });

  test('a quarantined record stays quarantined across restarts until resolved', () => {
    const f = closedJournalWithRecords();
    tamper(f.dir, 'UPDATE record SET hash = ? WHERE seq = 4', 'f'.repeat(64));
    reopen(f).journal.stop();
    cleanup.shift();
    const again = reopen(f);
    expect(again.report.quarantined).toEqual([]);
    expect(again.report.blockedAt).toBe(4);
    expect(again.journal.unacked(500).map((e) => e.seq)).toEqual([2, 3]);
  });
});

describe('resolving a quarantined record', () => {
  test('restoring the original bytes puts the record back in the outbox and clears the alarm', () => {
    const f = closedJournalWithRecords();
    const original = f.entries[2]!;
    tamper(f.dir, 'UPDATE record SET signature = ? WHERE seq = 3', Buffer.alloc(64));
    const { journal } = reopen(f);
    expect(() => journal.resolveQuarantined(3, { kind: 'restored', canonical: f.entries[3]!.canonical, signature: f.entries[3]!.signature, actor: 'admin' })).toThrow(QuarantineResolutionError);
    expect(() => journal.resolveQuarantined(3, { kind: 'restored', canonical: original.canonical, signature: Buffer.alloc(64, 1), actor: 'admin' })).toThrow(/signature/);
    journal.resolveQuarantined(3, { kind: 'restored', canonical: original.canonical, signature: original.signature, actor: 'admin', note: 'from the nightly backup' });
    expect(journal.blockedAt()).toBeNull();
    expect(journal.unacked(500).map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(journal.entry(3)!.hash).toBe(original.hash);
    expect(f.alarms().map((a) => a.type)).toEqual(['alarm', 'alarm.cleared']);
    expect(journal.quarantine()[0]).toMatchObject({ seq: 3, resolution: 'restored by admin: from the nightly backup', resolvedAt: expect.any(Number) });
  });

  test('confirming the server holds it lets forwarding continue after the hole', () => {
    const f = closedJournalWithRecords();
    tamper(f.dir, 'DELETE FROM record WHERE seq = 2');
    const { journal } = reopen(f);
    expect(journal.unacked(500)).toEqual([]);
    journal.resolveQuarantined(2, { kind: 'held-by-server', actor: 'admin', note: 'seq 2 is in the ledger (console, device page)' });
    expect(journal.unacked(500).map((e) => e.seq)).toEqual([3, 4, 5, 6]);
    expect(() => journal.resolveQuarantined(2, { kind: 'held-by-server', actor: 'admin', note: 'again' })).toThrow(/no unresolved quarantine entry/);
  });
});
