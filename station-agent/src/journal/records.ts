// Building, signing and re-checking one journal record. Pure: no database here.
import type { KeyObject } from 'node:crypto';
import { canonicalBytes, EventBody, GENESIS_HASH, normalisePlate, RECORD_VERSION, TicketBody, VoidBody, type CanonicalValue, type DeviceRecordPayload } from '@haulproof/contracts';
import { sha256Hex, signBytes, verifyBytes } from '@haulproof/contracts/signing';
import type { z } from 'zod';
import type { JournalEntry } from '../types.js';

/** The SignedRecord schema allows 16 384 base64 characters, i.e. 12 KiB of bytes. */
export const MAX_RECORD_BYTES = 12_288;
const HASH = /^[0-9a-f]{64}$/;

/** A body that would be refused at the server. Thrown before anything is written or signed. */
export class InvalidRecordError extends Error {
  override name = 'InvalidRecordError';
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export type RecordKind = DeviceRecordPayload['kind'];
type Bodies = { ticket: TicketBody; void: VoidBody; event: EventBody };
const SCHEMAS: { [K in RecordKind]: z.ZodType<Bodies[K]> } = { ticket: TicketBody, void: VoidBody, event: EventBody };

/** Validates a body with the shared schema (and the server's plate rule) before it is signed. */
export function validateBody<K extends RecordKind>(kind: K, body: Bodies[K]): Bodies[K] {
  const parsed = SCHEMAS[kind].safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: [kind, ...i.path.map(String)].join('.'), message: i.message }));
    throw new InvalidRecordError(`invalid ${kind}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  if (kind === 'ticket') {
    const plate = (parsed.data as TicketBody).plate;
    // the server refuses a ticket whose plate is not in normal form (ingest.service.ts)
    if (normalisePlate(plate) !== plate) throw new InvalidRecordError(`invalid ticket: plate must be normalised (${normalisePlate(plate)}), got ${plate}`, [{ path: 'ticket.plate', message: 'not normalised' }]);
  }
  return parsed.data;
}

export interface SignedRow {
  seq: number;
  kind: RecordKind;
  canonical: Buffer;
  signature: Buffer;
  hash: string;
  prev: string;
}

/** Builds `{v:1, kind, device, seq, prev, <kind>: body}`, canonicalises and signs it. */
export function signRecordRow(key: KeyObject, device: string, seq: number, prev: string, kind: RecordKind, body: Bodies[RecordKind]): SignedRow {
  const payload = { v: RECORD_VERSION, kind, device, seq, prev, [kind]: body } as unknown as CanonicalValue;
  const canonical = Buffer.from(canonicalBytes(payload));
  if (canonical.length > MAX_RECORD_BYTES) throw new InvalidRecordError(`a ${kind} record of ${canonical.length} bytes exceeds the ${MAX_RECORD_BYTES}-byte limit`);
  return { seq, kind, canonical, signature: signBytes(key, canonical), hash: sha256Hex(canonical), prev };
}

/** When a ticket was completed: its second pass, or the only pass of a one-pass ticket (ms). */
export function ticketCompletedAt(t: Pick<TicketBody, 'firstAt' | 'secondAt'>): number {
  return Date.parse(t.secondAt ?? t.firstAt);
}

/**
 * The repeat-weighing index of a record (columns ticket_plate, ticket_at): the ticket's plate and
 * completion time, read from the signed bytes. Null for voids, events and unreadable bytes.
 */
export function ticketIndex(kind: unknown, canonical: unknown): { plate: string; at: number } | null {
  if (kind !== 'ticket' || !Buffer.isBuffer(canonical)) return null;
  let ticket: Partial<TicketBody> | undefined;
  try {
    ticket = (JSON.parse(canonical.toString('utf8')) as { ticket?: Partial<TicketBody> }).ticket;
  } catch {
    return null;
  }
  if (typeof ticket?.plate !== 'string' || typeof ticket.firstAt !== 'string') return null;
  const at = ticketCompletedAt({ firstAt: ticket.firstAt, secondAt: typeof ticket.secondAt === 'string' ? ticket.secondAt : null });
  return Number.isFinite(at) ? { plate: ticket.plate, at } : null;
}

/** A row as SQLite returns it. Damaged rows may hold anything, so nothing is assumed. */
export interface RawRecordRow {
  seq: number;
  kind: unknown;
  canonical: unknown;
  signature: unknown;
  hash: unknown;
  prev: unknown;
  created_at: unknown;
  acked_at: number | null;
  ticket_id: string | null;
  received_at: string | null;
}

export function rowToEntry(row: RawRecordRow): JournalEntry {
  const canonical = row.canonical as Buffer;
  return {
    seq: row.seq,
    kind: row.kind as RecordKind,
    payload: JSON.parse(canonical.toString('utf8')) as DeviceRecordPayload,
    canonical,
    signature: row.signature as Buffer,
    hash: row.hash as string,
    createdAt: row.created_at as number,
    ackedAt: row.acked_at,
  };
}

/**
 * Why a stored row can no longer be trusted, or null. The hash and signature
 * prove the bytes are the ones this device signed (which were validated before
 * signing), so the payload is only JSON-parsed here, not re-validated.
 * `expectedPrev` is the hash the row must chain to, or null when the previous
 * row is itself gone.
 */
export function damageOf(row: RawRecordRow, device: string, publicKey: KeyObject, expectedPrev: string | null): string | null {
  if (!Buffer.isBuffer(row.canonical) || row.canonical.length === 0) return 'the signed bytes are missing';
  if (!Buffer.isBuffer(row.signature) || row.signature.length !== 64) return 'the signature is missing or not 64 bytes';
  const actual = sha256Hex(row.canonical);
  if (actual !== row.hash) return `sha256 of the stored bytes (${actual.slice(0, 12)}…) differs from the stored hash (${String(row.hash).slice(0, 12)}…)`;
  if (!verifyBytes(publicKey, row.canonical, row.signature)) return "the signature does not verify with this device's key";
  let payload: { v?: unknown; kind?: unknown; device?: unknown; seq?: unknown; prev?: unknown };
  try {
    payload = JSON.parse(row.canonical.toString('utf8')) as typeof payload;
  } catch {
    return 'the signed bytes are not JSON';
  }
  if (payload.v !== RECORD_VERSION) return `record version ${String(payload.v)} is not ${RECORD_VERSION}`;
  if (payload.device !== device) return `the record is signed for device ${String(payload.device)}, not ${device}`;
  if (payload.seq !== row.seq) return `the signed seq ${String(payload.seq)} differs from the row's seq ${row.seq}`;
  if (payload.kind !== row.kind) return `the signed kind ${String(payload.kind)} differs from the row's kind ${String(row.kind)}`;
  if (payload.prev !== row.prev || typeof payload.prev !== 'string' || !HASH.test(payload.prev)) return 'the signed prev differs from the row, or is not a hash';
  if (expectedPrev !== null && payload.prev !== expectedPrev) {
    return `prev ${payload.prev.slice(0, 12)}… does not chain to ${row.seq === 1 ? 'the genesis hash' : `seq ${row.seq - 1} (${expectedPrev.slice(0, 12)}…)`}`;
  }
  return null;
}

export { GENESIS_HASH };
