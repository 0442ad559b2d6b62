// Damaged records and what happens to the chain after them.
//
// At start-up (integrity.ts) a damaged or missing record is moved, verbatim,
// into `quarantine` and an alarm (JOURNAL_QUARANTINE) is raised. Then:
//  - its seq is never reused: chain_head keeps allocating after it, and new
//    records keep chaining from the tail hash (chain_head holds a second copy
//    of it), so the lanes go on weighing and every new ticket is still signed;
//  - a signed JOURNAL_QUARANTINE event records the damage in the chain itself;
//  - forwarding sends everything before the first hole and stops there. The
//    server refuses a gap (CHAIN_GAP), and a re-signed replacement of the seq
//    would be a second version of it (409 SEQ_CONFLICT, a security event), so
//    the agent never re-signs, renumbers or skips on its own;
//  - the hole is closed only by an operator's decision, recorded below. The
//    damaged row stays in `quarantine` either way, as evidence.
import type { KeyObject } from 'node:crypto';
import type Database from 'better-sqlite3';
import { sha256Hex } from '@haulproof/contracts/signing';
import { damageOf, GENESIS_HASH, ticketIndex, type RawRecordRow } from './records.js';

export type QuarantineResolution =
  /**
   * The original bytes and signature were recovered (a backup of the journal, or
   * the server's copy if it did receive the record). They must verify with this
   * device's key and fit the chain on both sides; they go back into the outbox.
   */
  | { kind: 'restored'; canonical: Buffer; signature: Buffer; actor: string; note?: string }
  /**
   * An administrator has seen this seq in the server's ledger (the record was
   * delivered but its acknowledgement was lost with the damaged row). Forwarding
   * resumes after it; if the server does not in fact hold it, it answers
   * CHAIN_GAP and forwarding halts again, having changed nothing.
   */
  | { kind: 'held-by-server'; actor: string; note: string };

export interface QuarantineRow {
  id: number;
  source: 'record' | 'open_ticket';
  seq: number | null;
  lane: string | null;
  reason: string;
  foundAt: number;
  resolvedAt: number | null;
  resolution: string | null;
}

export class QuarantineResolutionError extends Error {
  override name = 'QuarantineResolutionError';
}

export function listQuarantine(db: Database.Database): QuarantineRow[] {
  return (db.prepare('SELECT id, source, seq, lane, reason, found_at, resolved_at, resolution FROM quarantine ORDER BY id').all() as Record<string, unknown>[]).map((r) => ({
    id: r.id as number,
    source: r.source as QuarantineRow['source'],
    seq: r.seq as number | null,
    lane: r.lane as string | null,
    reason: r.reason as string,
    foundAt: r.found_at as number,
    resolvedAt: r.resolved_at as number | null,
    resolution: r.resolution as string | null,
  }));
}

export function resolveQuarantined(db: Database.Database, device: string, publicKey: KeyObject, seq: number, how: QuarantineResolution, now: number): void {
  const hole = db.prepare(`SELECT id, created_at FROM quarantine WHERE source = 'record' AND seq = ? AND resolved_at IS NULL`).get(seq) as { id: number; created_at: unknown } | undefined;
  if (!hole) throw new QuarantineResolutionError(`seq ${seq} has no unresolved quarantine entry`);
  const resolve = db.prepare('UPDATE quarantine SET resolved_at = ?, resolution = ? WHERE id = ?');
  if (how.kind === 'held-by-server') {
    resolve.run(now, `held by server; confirmed by ${how.actor}: ${how.note}`, hole.id);
    return;
  }
  let payload: { kind?: unknown; prev?: unknown };
  try {
    payload = JSON.parse(how.canonical.toString('utf8')) as typeof payload;
  } catch {
    throw new QuarantineResolutionError('the restored bytes are not JSON');
  }
  const row: RawRecordRow = { seq, kind: payload.kind, canonical: how.canonical, signature: how.signature, hash: sha256Hex(how.canonical), prev: payload.prev, created_at: now, acked_at: null, ticket_id: null, received_at: null };
  const before = seq === 1 ? { hash: GENESIS_HASH } : (db.prepare('SELECT hash FROM record WHERE seq = ?').get(seq - 1) as { hash: string } | undefined);
  const damage = damageOf(row, device, publicKey, before?.hash ?? null);
  if (damage) throw new QuarantineResolutionError(`the restored record does not fit: ${damage}`);
  const after = db.prepare('SELECT prev FROM record WHERE seq = ?').get(seq + 1) as { prev: string } | undefined;
  if (after && after.prev !== row.hash) throw new QuarantineResolutionError(`seq ${seq + 1} chains to ${after.prev.slice(0, 12)}…, not to the restored record (${(row.hash as string).slice(0, 12)}…)`);
  const index = ticketIndex(row.kind, how.canonical); // a restored ticket counts for the repeat-weighing lookup again
  db.prepare('INSERT INTO record (seq, kind, canonical, signature, hash, prev, created_at, ticket_plate, ticket_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    seq, row.kind as string, how.canonical, how.signature, row.hash as string, row.prev as string, typeof hole.created_at === 'number' ? hole.created_at : now, index?.plate ?? null, index?.at ?? null,
  );
  resolve.run(now, `restored by ${how.actor}${how.note ? `: ${how.note}` : ''}`, hole.id);
}
