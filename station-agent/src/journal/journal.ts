// The station's durable journal: one SQLite file (WAL, synchronous=FULL) holding
// every signed record, the open first passes and the cached registry. Each
// append method returns only after its transaction has committed, so a ticket
// is on disk before anyone shows or prints it (STYLE 7).
import type { KeyObject } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DeviceRegistrySnapshot, type EventBody, type TicketBody, type VoidBody } from '@haulproof/contracts';
import type { EventBus } from '../event-bus.js';
import { realTimers, type Timers } from '../outbox/backoff.js';
import type { CachedRegistry, RegistryStore } from '../registry/cache.js';
import { JournalUnavailableError, type Clock, type JournalEntry, type OpenTicket, type TicketJournal } from '../types.js';
import { checkIntegrity, type IntegrityReport } from './integrity.js';
import { parseOpenTicket, validateOpenTicket } from './open-tickets.js';
import { listQuarantine, resolveQuarantined, type QuarantineResolution, type QuarantineRow } from './quarantine.js';
import { GENESIS_HASH, InvalidRecordError, rowToEntry, signRecordRow, ticketIndex, validateBody, type RawRecordRow, type RecordKind } from './records.js';
import { migrate } from './schema.js';
import { isStorageFailure, unavailable } from './storage-errors.js';
import { JOURNAL_UNAVAILABLE, StorageHealth } from './storage-health.js';
import { quarantineEvent } from './quarantine-event.js';

export const JOURNAL_FILE = 'journal.db';
export const JOURNAL_ALARMS = {
  unavailable: JOURNAL_UNAVAILABLE, // writes fail: weighing must stop
  quarantine: 'JOURNAL_QUARANTINE', // damaged records set aside: forwarding stopped before them
  integrity: 'JOURNAL_INTEGRITY', // PRAGMA integrity_check reported damage
} as const;

export interface JournalOptions {
  dataDir: string;
  deviceCode: string;
  key: { privateKey: KeyObject; publicKey: KeyObject };
  bus?: EventBus;
  clock?: Clock;
  timers?: Timers;
  /** How often to retry a write while the journal is unavailable. */
  probeIntervalMs?: number;
  /** PRAGMA integrity_check ('full', default) or quick_check at start-up. */
  integrityCheck?: 'full' | 'quick';
  fileName?: string;
}

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

export class SqliteJournal implements TicketJournal, RegistryStore {
  private db: Database.Database | null = null;
  private blocked: { seq: number; reason: string } | null = null;
  private report: IntegrityReport | null = null;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly clock: Clock;
  private readonly health: StorageHealth;

  constructor(private readonly opts: JournalOptions) {
    this.clock = opts.clock ?? Date.now;
    this.health = new StorageHealth(() => this.db && this.probe(), { bus: opts.bus, clock: this.clock, timers: opts.timers ?? realTimers, probeIntervalMs: opts.probeIntervalMs ?? 5_000 });
  }

  get file(): string {
    return path.join(this.opts.dataDir, this.opts.fileName ?? JOURNAL_FILE);
  }

  /** Opens the file, migrates it, re-verifies unacknowledged records and quarantines damage. */
  start(): IntegrityReport {
    if (this.db) throw new Error('the journal is already started');
    if (!/^[A-Za-z0-9_-]{1,48}$/.test(this.opts.deviceCode)) throw new Error(`${this.opts.deviceCode} is not a device code (letters, digits, _ and -)`);
    let db: Database.Database | undefined;
    try {
      mkdirSync(this.opts.dataDir, { recursive: true, mode: 0o700 });
      db = new Database(this.file);
      if (db.pragma('journal_mode = WAL', { simple: true }) !== 'wal') throw new JournalUnavailableError(`${this.file} cannot use WAL mode`);
      db.pragma('synchronous = FULL'); // fsync the WAL on every commit: a committed ticket survives power loss
      db.pragma('busy_timeout = 5000');
      migrate(db);
      const owner = db.prepare('SELECT device FROM chain_head WHERE id = 1').pluck().get() as string | undefined;
      if (owner !== undefined && owner !== this.opts.deviceCode) throw new Error(`${this.file} holds the chain of device ${owner}, not ${this.opts.deviceCode}`);
      this.report = checkIntegrity({ db, device: this.opts.deviceCode, publicKey: this.opts.key.publicKey, now: this.clock(), full: (this.opts.integrityCheck ?? 'full') === 'full' });
      db.prepare('INSERT INTO chain_head (id, device, seq, hash) VALUES (1, ?, 0, ?) ON CONFLICT DO NOTHING').run(this.opts.deviceCode, GENESIS_HASH);
    } catch (err) {
      db?.close();
      if (isStorageFailure(err)) throw unavailable(`open ${this.file}`, err);
      throw err;
    }
    this.db = db;
    this.raiseStartupAlarms(this.report);
    return this.report;
  }

  stop(): void {
    this.health.stop();
    this.statements.clear();
    this.db?.close();
    this.db = null;
  }

  /** False after a failed write, until a write (or the periodic probe) succeeds again. Lanes must not start a weighing while false. */
  healthy(): boolean {
    return this.health.healthy();
  }

  integrityReport(): IntegrityReport | null {
    return this.report;
  }

  /** The first quarantined seq: records from there on are kept but not forwarded until an operator resolves it. */
  blockedAt(): { seq: number; reason: string } | null {
    return this.blocked;
  }

  // ── records ──────────────────────────────────────────────────────
  appendTicket(ticket: TicketBody): JournalEntry {
    return this.append('ticket', ticket);
  }

  appendVoid(v: VoidBody): JournalEntry {
    return this.append('void', v);
  }

  appendEvent(e: EventBody): JournalEntry {
    return this.append('event', e);
  }

  entry(seq: number): JournalEntry | undefined {
    const row = this.sql('SELECT * FROM record WHERE seq = ?').get(seq) as RawRecordRow | undefined;
    return row ? rowToEntry(row) : undefined;
  }

  /** One lookup in record_ticket_by_plate; a quarantined seq is just a missing row, not the end of the search. */
  lastTicketFor(plate: string, sinceMs: number): JournalEntry | undefined {
    const row = this.sql('SELECT * FROM record WHERE ticket_plate = ? AND ticket_at >= ? ORDER BY ticket_at DESC, seq DESC LIMIT 1').get(plate, sinceMs) as RawRecordRow | undefined;
    return row ? rowToEntry(row) : undefined;
  }

  recentTicketsFor(plate: string, limit: number): JournalEntry[] {
    // voids of completed tickets are rare records: reading them all is cheaper than another index
    const voided = new Set((this.sql(`SELECT canonical FROM record WHERE kind = 'void'`).pluck().all() as Buffer[]).map((c) => (JSON.parse(c.toString('utf8')) as { void?: { ticketSeq?: number } }).void?.ticketSeq));
    const rows = this.sql('SELECT * FROM record WHERE ticket_plate = ? ORDER BY ticket_at DESC, seq DESC LIMIT ?').all(plate, limit + voided.size) as RawRecordRow[];
    return rows.filter((r) => !voided.has(r.seq)).slice(0, limit).map(rowToEntry);
  }

  lastSeq(): number {
    return this.sql('SELECT seq FROM chain_head WHERE id = 1').pluck().get() as number;
  }

  unacked(limit: number): JournalEntry[] {
    const rows = this.sql('SELECT * FROM record WHERE acked_at IS NULL AND seq < ? ORDER BY seq LIMIT ?').all(this.blocked?.seq ?? MAX_SEQ, limit) as RawRecordRow[];
    return rows.map(rowToEntry);
  }

  markAcked(acks: { seq: number; ticketId: string | null; receivedAt: string }[]): void {
    if (acks.length === 0) return;
    const db = this.conn();
    const ack = this.sql('UPDATE record SET acked_at = ?, ticket_id = ?, received_at = ? WHERE seq = ? AND acked_at IS NULL');
    const now = this.clock();
    this.health.write('record acknowledgements', () => db.transaction(() => acks.forEach((a) => ack.run(now, a.ticketId, a.receivedAt, a.seq))).immediate());
  }

  queueDepth(): number {
    return this.sql('SELECT count(*) FROM record WHERE acked_at IS NULL').pluck().get() as number;
  }

  // ── open tickets: one per vehicle, shared by every lane ────────────
  saveOpenTicket(o: OpenTicket): void {
    const valid = validateOpenTicket(o);
    const held = this.sql('SELECT lane FROM open_ticket WHERE plate = ?').pluck().get(valid.plate) as string | undefined;
    if (held !== undefined) throw new InvalidRecordError(`${valid.plate} already has an open first pass (lane ${held}); complete or void it first`);
    const stmt = this.sql('INSERT INTO open_ticket (plate, lane, data, saved_at) VALUES (?, ?, ?, ?)');
    this.health.write('save an open ticket', () => stmt.run(valid.plate, valid.lane, JSON.stringify(valid), this.clock()));
  }

  openTicketFor(plate: string): OpenTicket | undefined {
    const row = this.sql('SELECT plate, lane, data FROM open_ticket WHERE plate = ?').get(plate) as { plate: string; lane: string; data: unknown } | undefined;
    const parsed = row && parseOpenTicket(row, row.data);
    return parsed?.ok ? parsed.ticket : undefined;
  }

  openTickets(): OpenTicket[] {
    const rows = this.sql('SELECT plate, lane, data FROM open_ticket ORDER BY saved_at, plate').all() as { plate: string; lane: string; data: unknown }[];
    return rows.flatMap((r) => {
      const parsed = parseOpenTicket(r, r.data);
      return parsed.ok ? [parsed.ticket] : [];
    });
  }

  /**
   * The second pass: appends the ticket and deletes the plate's open ticket in
   * one transaction, so a crash or a failed write cannot leave the first pass
   * open after its ticket was written, nor close it without its ticket.
   */
  completeOpenTicket(plate: string, ticket: TicketBody): JournalEntry {
    if (ticket.plate !== plate) throw new InvalidRecordError(`the ticket is for ${ticket.plate}, not for the open ticket of ${plate}`);
    return this.append('ticket', ticket, plate);
  }

  /** A first pass that will not be completed: its OPEN_TICKET_VOIDED event and its deletion commit together. */
  voidOpenTicket(plate: string, event: EventBody): JournalEntry {
    return this.append('event', event, plate);
  }

  // ── registry cache (RegistryStore) ───────────────────────────────
  loadRegistry(): CachedRegistry | null {
    const row = this.sql('SELECT etag, fetched_at, snapshot FROM registry_cache WHERE id = 1').get() as { etag: string | null; fetched_at: number; snapshot: string } | undefined;
    if (!row) return null;
    let json: unknown;
    try {
      json = JSON.parse(row.snapshot);
    } catch {
      return null;
    }
    const parsed = DeviceRegistrySnapshot.safeParse(json);
    return parsed.success ? { snapshot: parsed.data, etag: row.etag, fetchedAt: row.fetched_at } : null;
  }

  saveRegistry(c: CachedRegistry): void {
    const stmt = this.sql('INSERT OR REPLACE INTO registry_cache (id, etag, fetched_at, snapshot) VALUES (1, ?, ?, ?)');
    this.health.write('cache the registry', () => stmt.run(c.etag, c.fetchedAt, JSON.stringify(c.snapshot)));
  }

  // ── quarantine ───────────────────────────────────────────────────
  quarantine(): QuarantineRow[] {
    return listQuarantine(this.conn());
  }

  /** Records an operator's decision about a quarantined seq (see quarantine.ts); forwarding resumes up to the next hole. */
  resolveQuarantined(seq: number, how: QuarantineResolution): void {
    const db = this.conn();
    this.health.write('resolve a quarantined record', () => db.transaction(() => resolveQuarantined(db, this.opts.deviceCode, this.opts.key.publicKey, seq, how, this.clock())).immediate());
    this.blocked = this.firstHole();
    if (!this.blocked) this.opts.bus?.emit({ type: 'alarm.cleared', code: JOURNAL_ALARMS.quarantine, at: this.clock() });
  }

  /** Tries a small write (a few pages, then removed). On success the journal is healthy again. */
  probe(): boolean {
    const db = this.conn();
    try {
      this.health.write('write (probe)', () =>
        db.transaction(() => {
          this.sql('INSERT INTO probe (data) VALUES (zeroblob(16384))').run();
          this.sql('DELETE FROM probe').run();
        }).immediate(),
        true,
      );
      return true;
    } catch (err) {
      if (err instanceof JournalUnavailableError) return false;
      throw err;
    }
  }

  // ── internals ────────────────────────────────────────────────────
  /** Appends one record; with `closePlate`, also deletes that plate's open ticket, which must exist, in the same transaction. */
  private append(kind: RecordKind, body: TicketBody | VoidBody | EventBody, closePlate?: string): JournalEntry {
    const db = this.conn();
    const valid = validateBody(kind, body); // throws before anything is signed or written
    const head = this.sql('SELECT seq, hash FROM chain_head WHERE id = 1');
    const insert = this.sql('INSERT INTO record (seq, kind, canonical, signature, hash, prev, created_at, ticket_plate, ticket_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const advance = this.sql('UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1');
    const close = this.sql('DELETE FROM open_ticket WHERE plate = ?');
    return this.health.write(`append a ${kind}`, () =>
      db.transaction(() => {
        if (closePlate !== undefined && !this.sql('SELECT 1 FROM open_ticket WHERE plate = ?').get(closePlate)) {
          throw new InvalidRecordError(`${closePlate} has no open ticket to close`); // completed or voided already: nothing is written
        }
        // seq is allocated inside the insert's transaction: a failed append leaves no gap
        const h = head.get() as { seq: number; hash: string };
        const row = signRecordRow(this.opts.key.privateKey, this.opts.deviceCode, h.seq + 1, h.hash, kind, valid);
        const createdAt = this.clock();
        const index = ticketIndex(row.kind, row.canonical);
        insert.run(row.seq, row.kind, row.canonical, row.signature, row.hash, row.prev, createdAt, index?.plate ?? null, index?.at ?? null);
        advance.run(row.seq, row.hash);
        if (closePlate !== undefined) close.run(closePlate);
        return rowToEntry({ ...row, created_at: createdAt, acked_at: null, ticket_id: null, received_at: null });
      }).immediate(),
      true,
    );
  }

  private firstHole(): { seq: number; reason: string } | null {
    const row = this.sql(`SELECT seq, reason FROM quarantine WHERE source = 'record' AND resolved_at IS NULL ORDER BY seq LIMIT 1`).get() as { seq: number; reason: string } | undefined;
    return row ?? null;
  }

  private raiseStartupAlarms(report: IntegrityReport): void {
    const bus = this.opts.bus;
    const at = this.clock();
    if (report.sqlite.length !== 1 || report.sqlite[0] !== 'ok') {
      bus?.emit({ type: 'alarm', code: JOURNAL_ALARMS.integrity, message: `SQLite integrity check of ${this.file} failed: ${report.sqlite.slice(0, 5).join('; ')}`, at });
    }
    this.blocked = this.firstHole();
    if (report.quarantined.length > 0) {
      try {
        this.appendEvent(quarantineEvent(report, at));
      } catch (err) {
        report.notes.push(`could not record the JOURNAL_QUARANTINE event: ${(err as Error).message}`);
      }
    }
    if (this.blocked) {
      const n = report.quarantined.filter((q) => q.source === 'record').length;
      const message = `${n > 0 ? `${n} damaged journal record(s) set aside at start-up. ` : ''}Forwarding is stopped before seq ${this.blocked.seq} (${this.blocked.reason}); later records are kept. An operator must restore the record or confirm the server holds it.`;
      bus?.emit({ type: 'alarm', code: JOURNAL_ALARMS.quarantine, message, at });
    } else if (report.quarantined.length > 0) {
      bus?.emit({ type: 'alarm', code: JOURNAL_ALARMS.quarantine, message: `${report.quarantined.length} damaged open ticket(s) set aside at start-up: ${report.quarantined.map((q) => `lane ${q.lane}`).join(', ')}`, at });
    }
  }

  /** Prepared statements, cached for the life of the connection. */
  private sql(text: string): Database.Statement {
    let stmt = this.statements.get(text);
    if (!stmt) {
      stmt = this.conn().prepare(text);
      this.statements.set(text, stmt);
    }
    return stmt;
  }

  private conn(): Database.Database {
    if (!this.db) throw new JournalUnavailableError('the journal is not started');
    return this.db;
  }
}
