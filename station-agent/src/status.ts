import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { JOURNAL_FILE } from './journal/journal.js';

export interface JournalStatus {
  file: string;
  lastSeq: number;
  unacked: number;
  oldestUnackedAt: string | null;
  lastAckAt: string | null;
  openTickets: number;
  quarantined: number;
  registryFetchedAt: string | null;
}

/** Reads the journal without writing to it (safe beside a running agent: WAL allows readers). */
export function readJournalStatus(dataDir: string): JournalStatus {
  const file = path.join(dataDir, JOURNAL_FILE);
  if (!existsSync(file)) throw new Error(`no journal at ${file}: has this station been enrolled and run?`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const one = <T>(sql: string) => db.prepare(sql).get() as T;
    const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
    return {
      file,
      lastSeq: one<{ s: number | null }>('SELECT seq AS s FROM chain_head WHERE id = 1')?.s ?? 0,
      unacked: one<{ n: number }>('SELECT count(*) AS n FROM record WHERE acked_at IS NULL').n,
      oldestUnackedAt: iso(one<{ t: number | null }>('SELECT min(created_at) AS t FROM record WHERE acked_at IS NULL').t),
      lastAckAt: iso(one<{ t: number | null }>('SELECT max(acked_at) AS t FROM record').t),
      openTickets: one<{ n: number }>('SELECT count(*) AS n FROM open_ticket').n,
      quarantined: one<{ n: number }>('SELECT count(*) AS n FROM quarantine WHERE resolved_at IS NULL').n,
      registryFetchedAt: iso(one<{ t: number | null } | undefined>('SELECT fetched_at AS t FROM registry_cache WHERE id = 1')?.t),
    };
  } finally {
    db.close();
  }
}
