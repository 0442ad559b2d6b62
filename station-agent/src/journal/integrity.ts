// Start-up integrity check. Every unacknowledged record is re-verified (hash,
// signature, chain) because it has not reached the server yet: the journal is
// its only copy. Damaged rows are moved, verbatim, to `quarantine`; nothing is
// deleted without its bytes being kept there first (a trigger enforces it).
import type { KeyObject } from 'node:crypto';
import type Database from 'better-sqlite3';
import { sha256Hex } from '@haulproof/contracts/signing';
import { damageOf, GENESIS_HASH, type RawRecordRow } from './records.js';
import { parseOpenTicket } from './open-tickets.js';

export interface QuarantineFinding {
  source: 'record' | 'open_ticket';
  seq: number | null;
  lane: string | null;
  reason: string;
}

export interface IntegrityReport {
  at: number;
  /** PRAGMA quick_check / integrity_check output: ['ok'] when the file is sound. */
  sqlite: string[];
  /** Unacknowledged records whose hash, signature and chain were re-verified. */
  verified: number;
  /** Rows set aside at this start-up. */
  quarantined: QuarantineFinding[];
  /** Notes that need no quarantine (e.g. the chain head was rebuilt from the records). */
  notes: string[];
  /** The first seq whose record is in quarantine and unresolved: forwarding stops before it. */
  blockedAt: number | null;
  head: { seq: number; hash: string };
  ok: boolean;
}

export interface IntegrityInput {
  db: Database.Database;
  device: string;
  publicKey: KeyObject;
  now: number;
  full: boolean;
}

interface Damaged {
  row: RawRecordRow | null; // null: the seq was allocated but its row is gone
  seq: number;
  reason: string;
}

export function checkIntegrity({ db, device, publicKey, now, full }: IntegrityInput): IntegrityReport {
  const sqlite = (db.pragma(full ? 'integrity_check' : 'quick_check') as Record<string, string>[]).map((r) => Object.values(r)[0]!);
  const notes: string[] = [];
  const damaged: Damaged[] = [];
  const knownHoles = new Set((db.prepare(`SELECT seq FROM quarantine WHERE source = 'record' AND resolved_at IS NULL`).pluck().all() as number[]));
  const byId = db.prepare('SELECT * FROM record WHERE seq = ?');

  // Seqs allocated whose rows are gone (and not already in quarantine). Whether
  // they were acknowledged is unknown, so forwarding must stop at them too.
  let expected = 1;
  for (const seq of db.prepare('SELECT seq FROM record ORDER BY seq').pluck().iterate() as IterableIterator<number>) {
    for (let s = expected; s < seq; s++) if (!knownHoles.has(s)) damaged.push({ row: null, seq: s, reason: 'the record is missing from the journal' });
    expected = seq + 1;
  }
  const lastSeen = expected - 1;

  // Verify from the first unacknowledged record to the tail. The record before it
  // was acknowledged by the server, which checked it; its hash anchors the chain.
  const firstUnacked = db.prepare('SELECT min(seq) FROM record WHERE acked_at IS NULL').pluck().get() as number | null;
  let verified = 0;
  let lastIntact: { seq: number; hash: string } | null = null;
  if (firstUnacked !== null) {
    const anchor = firstUnacked === 1 ? null : (byId.get(firstUnacked - 1) as RawRecordRow | undefined);
    let expectedPrev: string | null = firstUnacked === 1 ? GENESIS_HASH : typeof anchor?.hash === 'string' ? anchor.hash : null;
    let previous = firstUnacked - 1;
    for (const row of db.prepare('SELECT * FROM record WHERE seq >= ? ORDER BY seq').iterate(firstUnacked) as IterableIterator<RawRecordRow>) {
      if (row.seq !== previous + 1) expectedPrev = null; // after a hole there is nothing to chain to
      const reason = damageOf(row, device, publicKey, expectedPrev);
      if (reason) {
        damaged.push({ row, seq: row.seq, reason });
        expectedPrev = null; // the next row cannot be chained to bytes we no longer trust
      } else {
        expectedPrev = row.hash as string;
        lastIntact = { seq: row.seq, hash: row.hash as string };
        verified++;
      }
      previous = row.seq;
    }
  }

  const head = chainHead(db, device, lastSeen, lastIntact, knownHoles, damaged, notes);
  const openTickets = checkOpenTickets(db);
  damaged.sort((a, b) => a.seq - b.seq);
  const quarantined: QuarantineFinding[] = [...damaged.map((d) => ({ source: 'record' as const, seq: d.seq, lane: null, reason: d.reason })), ...openTickets.map((o) => ({ source: 'open_ticket' as const, seq: null, lane: o.lane, reason: o.reason }))];
  if (quarantined.length > 0) moveToQuarantine(db, damaged, openTickets, now);
  const holes = [...knownHoles, ...damaged.map((d) => d.seq)];
  return {
    at: now,
    sqlite,
    verified,
    quarantined,
    notes,
    blockedAt: holes.length > 0 ? Math.min(...holes) : null,
    head,
    ok: quarantined.length === 0 && sqlite.length === 1 && sqlite[0] === 'ok' && knownHoles.size === 0,
  };
}

/**
 * Checks the chain head (next seq, tail hash) against the records. The tail
 * record is verified even when acknowledged: new records chain to its hash.
 */
function chainHead(db: Database.Database, device: string, lastSeen: number, lastIntact: { seq: number; hash: string } | null, holes: Set<number>, damaged: Damaged[], notes: string[]): { seq: number; hash: string } {
  const stored = db.prepare('SELECT seq, hash, device FROM chain_head WHERE id = 1').get() as { seq: number; hash: string; device: string } | undefined;
  const maxRecord = (db.prepare('SELECT max(seq) FROM record').pluck().get() as number | null) ?? 0;
  const maxHole = (db.prepare(`SELECT max(seq) FROM quarantine WHERE source = 'record'`).pluck().get() as number | null) ?? 0;
  const tailSeq = Math.max(maxRecord, maxHole, lastSeen);
  const tailRow = tailSeq > 0 ? (db.prepare('SELECT * FROM record WHERE seq = ?').get(tailSeq) as RawRecordRow | undefined) : undefined;
  const tailDamaged = damaged.some((d) => d.seq === tailSeq);
  const tailHash = lastIntact?.seq === tailSeq ? lastIntact.hash : !tailDamaged && tailRow && Buffer.isBuffer(tailRow.canonical) && sha256Hex(tailRow.canonical) === tailRow.hash ? (tailRow.hash as string) : null;

  if (!stored) {
    if (tailSeq === 0) return { seq: 0, hash: GENESIS_HASH };
    const hash = tailHash ?? GENESIS_HASH;
    notes.push(`the chain head was missing; rebuilt from the records at seq ${tailSeq}`);
    db.prepare('INSERT INTO chain_head (id, device, seq, hash) VALUES (1, ?, ?, ?)').run(device, tailSeq, hash);
    return { seq: tailSeq, hash };
  }
  if (stored.seq > tailSeq) {
    // seqs were allocated and their rows are gone (the file was cut short, or rows deleted by hand)
    for (let s = tailSeq + 1; s <= stored.seq; s++) if (!holes.has(s)) damaged.push({ row: null, seq: s, reason: 'the record is missing from the journal (after the last stored row)' });
    return { seq: stored.seq, hash: stored.hash };
  }
  if (stored.seq < tailSeq || (tailHash !== null && tailHash !== stored.hash)) {
    // The signed tail record is authoritative over the head's copy of its hash.
    const hash = tailHash ?? stored.hash;
    notes.push(`the chain head (seq ${stored.seq}, ${stored.hash.slice(0, 12)}…) disagreed with the tail record; reset to seq ${tailSeq} (${hash.slice(0, 12)}…)`);
    db.prepare('UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1').run(tailSeq, hash);
    return { seq: tailSeq, hash };
  }
  if (tailHash === null && tailSeq > 0 && !tailDamaged && !holes.has(tailSeq)) {
    notes.push(`the acknowledged tail record seq ${tailSeq} no longer matches its hash; new records chain to the head's copy (${stored.hash.slice(0, 12)}…)`);
  }
  return { seq: stored.seq, hash: stored.hash };
}

interface DamagedOpenTicket {
  plate: string; // the row's key
  lane: string;
  data: unknown;
  reason: string;
}

function checkOpenTickets(db: Database.Database): DamagedOpenTicket[] {
  const bad: DamagedOpenTicket[] = [];
  for (const row of db.prepare('SELECT plate, lane, data FROM open_ticket').all() as { plate: string; lane: string; data: unknown }[]) {
    const parsed = parseOpenTicket(row, row.data);
    if (!parsed.ok) bad.push({ plate: row.plate, lane: row.lane, data: row.data, reason: parsed.reason });
  }
  return bad;
}

function moveToQuarantine(db: Database.Database, records: Damaged[], openTickets: DamagedOpenTicket[], now: number): void {
  const keep = db.prepare(
    `INSERT INTO quarantine (source, seq, reason, found_at, kind, canonical, signature, hash, prev, created_at, data)
     VALUES ('record', @seq, @reason, @now, @kind, @canonical, @signature, @hash, @prev, @created_at, @data)`,
  );
  const drop = db.prepare('DELETE FROM record WHERE seq = ?');
  const keepOpen = db.prepare(`INSERT INTO quarantine (source, lane, reason, found_at, data) VALUES ('open_ticket', ?, ?, ?, ?)`);
  const dropOpen = db.prepare('DELETE FROM open_ticket WHERE plate = ?');
  db.transaction(() => {
    for (const d of records) {
      const r = d.row;
      keep.run({ seq: d.seq, reason: d.reason, now, kind: r?.kind ?? null, canonical: r?.canonical ?? null, signature: r?.signature ?? null, hash: r?.hash ?? null, prev: r?.prev ?? null, created_at: r?.created_at ?? null, data: r ? JSON.stringify({ ackedAt: r.acked_at, ticketId: r.ticket_id, receivedAt: r.received_at }) : null });
      if (r) drop.run(d.seq);
    }
    for (const o of openTickets) {
      keepOpen.run(o.lane, o.reason, now, o.data as string | Buffer | null);
      dropOpen.run(o.plate);
    }
  }).immediate();
}
