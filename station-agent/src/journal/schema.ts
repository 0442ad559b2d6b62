// The journal's SQLite schema. Versioned with PRAGMA user_version; each
// migration runs once, forward only, in its own transaction.
import type Database from 'better-sqlite3';
import { ticketIndex } from './records.js';

export class JournalSchemaError extends Error {
  override name = 'JournalSchemaError';
}

type Migration = string | ((db: Database.Database) => void);

const MIGRATIONS: Migration[] = [
  // 1: records, chain head, open tickets, registry cache, quarantine
  `
  CREATE TABLE record (
    seq        INTEGER PRIMARY KEY,          -- the device sequence number, gapless
    kind       TEXT    NOT NULL CHECK (kind IN ('ticket', 'void', 'event')),
    canonical  BLOB    NOT NULL,             -- exactly the signed bytes
    signature  BLOB    NOT NULL,
    hash       TEXT    NOT NULL,             -- sha256(canonical), hex
    prev       TEXT    NOT NULL,             -- hash of seq - 1, or 64 zeros
    created_at INTEGER NOT NULL,             -- ms
    acked_at   INTEGER,                      -- ms, when the server's acknowledgement was recorded
    ticket_id  TEXT,
    received_at TEXT
  ) STRICT;
  -- the outbox: only unacknowledged records, in seq order; stays small once caught up
  CREATE INDEX record_unacked ON record (seq) WHERE acked_at IS NULL;

  -- The tail of the chain, written in the same transaction as each record. It
  -- allocates the next seq (never reused, even if the last row is quarantined)
  -- and keeps a second copy of the tail hash.
  CREATE TABLE chain_head (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    device TEXT    NOT NULL,
    seq    INTEGER NOT NULL,
    hash   TEXT    NOT NULL
  ) STRICT;

  CREATE TABLE open_ticket (
    lane     TEXT    PRIMARY KEY,
    data     TEXT    NOT NULL,               -- OpenTicket as JSON
    saved_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE registry_cache (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    etag       TEXT,
    fetched_at INTEGER NOT NULL,
    snapshot   TEXT    NOT NULL
  ) STRICT;

  -- Damaged rows set aside at start-up, kept verbatim as evidence. Columns are
  -- untyped: a damaged value is kept as whatever SQLite returned.
  CREATE TABLE quarantine (
    id         INTEGER PRIMARY KEY,
    source     TEXT    NOT NULL,             -- 'record' | 'open_ticket'
    seq        INTEGER,
    lane       TEXT,
    reason     TEXT    NOT NULL,
    found_at   INTEGER NOT NULL,
    kind       ANY, canonical ANY, signature ANY, hash ANY, prev ANY, created_at ANY, data ANY,
    resolved_at INTEGER,
    resolution TEXT
  ) STRICT;
  CREATE INDEX quarantine_open ON quarantine (seq) WHERE resolved_at IS NULL;

  -- a write probe's scratch space (see SqliteJournal.probe)
  CREATE TABLE probe (id INTEGER PRIMARY KEY, data BLOB) STRICT;
  `,
  // 2: open tickets keyed by vehicle instead of lane; ticket rows indexed by plate and completion time
  (db) => {
    keyOpenTicketsByPlate(db);
    indexTicketsByPlate(db);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Append-only guards, re-created on every open (a repair tool that dropped them
 * does not leave them off). Only the acknowledgement columns may change, and a
 * record row may only leave the table once its bytes are in quarantine.
 */
const GUARDS = `
  CREATE TRIGGER IF NOT EXISTS record_content_is_immutable
  BEFORE UPDATE OF seq, kind, canonical, signature, hash, prev, created_at, ticket_plate, ticket_at ON record
  BEGIN SELECT RAISE(ABORT, 'journal records are append-only'); END;

  CREATE TRIGGER IF NOT EXISTS record_leaves_only_into_quarantine
  BEFORE DELETE ON record
  WHEN NOT EXISTS (SELECT 1 FROM quarantine WHERE source = 'record' AND seq = OLD.seq AND resolved_at IS NULL)
  BEGIN SELECT RAISE(ABORT, 'journal records are append-only; only a quarantined record leaves the table'); END;
`;

/** Migrates to `target` (tests stop at an older version to build an old journal; the guards come with the latest). */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new JournalSchemaError(`the journal has schema version ${current}, newer than this agent understands (${SCHEMA_VERSION}); run the newer agent or restore a backup`);
  }
  for (let v = current; v < target; v++) {
    const step = MIGRATIONS[v]!;
    db.transaction(() => {
      if (typeof step === 'string') db.exec(step);
      else step(db);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  if (target === SCHEMA_VERSION) db.exec(GUARDS);
}

/**
 * v2: one open ticket per vehicle (a truck weighs in on one lane and out on another), any number
 * per lane. Each v1 row moves under its plate. A row whose plate cannot be read, or the older of
 * two first passes of one vehicle, keeps a placeholder key that is no plate: the start-up check
 * then finds that the key does not match the data and quarantines the row verbatim.
 */
function keyOpenTicketsByPlate(db: Database.Database): void {
  const rows = db.prepare('SELECT lane, data, saved_at FROM open_ticket ORDER BY saved_at DESC, lane').all() as { lane: string; data: string; saved_at: number }[];
  db.exec(`
    CREATE TABLE open_ticket_v2 (
      plate    TEXT    NOT NULL PRIMARY KEY,   -- normalised plate: at most one open first pass per vehicle
      lane     TEXT    NOT NULL,               -- the lane of the first pass
      data     TEXT    NOT NULL,               -- OpenTicket as JSON
      saved_at INTEGER NOT NULL
    ) STRICT;
  `);
  const insert = db.prepare('INSERT INTO open_ticket_v2 (plate, lane, data, saved_at) VALUES (?, ?, ?, ?)');
  const taken = new Set<string>();
  for (const r of rows) {
    const plate = plateOf(r.data);
    const key = plate !== null && !taken.has(plate) ? plate : `(lane ${r.lane})`; // lane was the v1 key: unique
    taken.add(key);
    insert.run(key, r.lane, r.data, r.saved_at);
  }
  db.exec('DROP TABLE open_ticket; ALTER TABLE open_ticket_v2 RENAME TO open_ticket;');
}

function plateOf(data: string): string | null {
  try {
    const plate = (JSON.parse(data) as { plate?: unknown }).plate;
    return typeof plate === 'string' && plate.length > 0 ? plate : null;
  } catch {
    return null;
  }
}

/**
 * v2: the repeat-weighing lookup ("was this vehicle weighed in the last T minutes?") becomes one
 * indexed query instead of a walk back through the records. Existing ticket rows are filled in
 * from their signed bytes. The immutability guard is dropped here and re-created (by GUARDS,
 * after the migrations) to cover the new columns.
 */
function indexTicketsByPlate(db: Database.Database): void {
  db.exec(`
    DROP TRIGGER IF EXISTS record_content_is_immutable;
    ALTER TABLE record ADD COLUMN ticket_plate TEXT;      -- ticket rows: the normalised plate
    ALTER TABLE record ADD COLUMN ticket_at    INTEGER;   -- ticket rows: completed at (secondAt, or firstAt of a one-pass ticket), ms
  `);
  const page = db.prepare(`SELECT seq, kind, canonical FROM record WHERE kind = 'ticket' AND seq > ? ORDER BY seq LIMIT 1000`);
  const set = db.prepare('UPDATE record SET ticket_plate = ?, ticket_at = ? WHERE seq = ?');
  for (let after = 0; ; ) {
    const rows = page.all(after) as { seq: number; kind: unknown; canonical: unknown }[];
    if (rows.length === 0) break;
    for (const r of rows) {
      const index = ticketIndex(r.kind, r.canonical); // unreadable bytes stay unindexed; the start-up check judges them
      if (index) set.run(index.plate, index.at, r.seq);
    }
    after = rows.at(-1)!.seq;
  }
  db.exec('CREATE INDEX record_ticket_by_plate ON record (ticket_plate, ticket_at) WHERE ticket_plate IS NOT NULL;');
}
