// The journal's SQLite schema. Versioned with PRAGMA user_version; each
// migration runs once, forward only, in its own transaction.
import type Database from 'better-sqlite3';

export class JournalSchemaError extends Error {
  override name = 'JournalSchemaError';
}

const MIGRATIONS: string[] = [
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
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Append-only guards, re-created on every open (a repair tool that dropped them
 * does not leave them off). Only the acknowledgement columns may change, and a
 * record row may only leave the table once its bytes are in quarantine.
 */
const GUARDS = `
  CREATE TRIGGER IF NOT EXISTS record_content_is_immutable
  BEFORE UPDATE OF seq, kind, canonical, signature, hash, prev, created_at ON record
  BEGIN SELECT RAISE(ABORT, 'journal records are append-only'); END;

  CREATE TRIGGER IF NOT EXISTS record_leaves_only_into_quarantine
  BEFORE DELETE ON record
  WHEN NOT EXISTS (SELECT 1 FROM quarantine WHERE source = 'record' AND seq = OLD.seq AND resolved_at IS NULL)
  BEGIN SELECT RAISE(ABORT, 'journal records are append-only; only a quarantined record leaves the table'); END;
`;

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new JournalSchemaError(`the journal has schema version ${current}, newer than this agent understands (${SCHEMA_VERSION}); run the newer agent or restore a backup`);
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  db.exec(GUARDS);
}
