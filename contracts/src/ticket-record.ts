import { z } from 'zod';
import { CARD_UID_PATTERN, CARD_UID_RULE } from './card-uid.js';
import { EstimateBasis, estimatedNetKg } from './estimate.js';
import { Direction, StreamCode, WeightSource } from './streams.js';
import { ABSURD_KG } from './weights.js';

/**
 * The records a station device signs and chains. Version 1.
 * Everything a ticket claims is inside the signed bytes; the server stores
 * those bytes verbatim and derives its rows from them.
 */
export const RECORD_VERSION = 1;
export const GENESIS_HASH = '0'.repeat(64);

const Code = z.string().regex(/^[A-Za-z0-9_-]{1,48}$/, 'a registry code: letters, digits, _ and -');
const Hash = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case sha256 hex digest');
// Device times carry their UTC offset so the ticket shows the time the operator saw.
const DeviceTime = z.iso.datetime({ offset: true, precision: 3, message: 'an ISO-8601 time with milliseconds and offset' });
const Kg = z.int('weights are integers in kg').min(0, 'weights cannot be negative').max(ABSURD_KG, `weights above ${ABSURD_KG} kg are not road vehicles`);

export const TicketFlag = z.enum([
  'KEYED', // a weight was typed in by an operator
  'STORED_TARE', // one-pass weighing against the vehicle's registered tare
  'ESTIMATED', // 估重: the scale could not weigh; the weight was computed from the vehicle's history (see `estimate`)
  'TARE_DEVIATION', // measured tare differs from the stored tare beyond tolerance
  'OVERWEIGHT', // gross above the vehicle's registered maximum
  'PLATE_MISMATCH', // camera plate differs from the card's vehicle
  'NO_ZERO_RETURN', // the scale did not return to zero before this vehicle
  'WEIGHT_JUMP', // a jump inside the stable window
  'REPEAT_WEIGHING', // same vehicle weighed again within the configured time
  'MANUAL_REVIEW',
]);
export type TicketFlag = z.infer<typeof TicketFlag>;

export const TicketBody = z
  .object({
    site: Code,
    lane: Code,
    plate: z.string().min(5).max(16),
    plateSeen: z.string().max(16).nullable(),
    card: z.string().regex(CARD_UID_PATTERN, CARD_UID_RULE).nullable(),
    stream: StreamCode,
    direction: Direction,
    grossKg: Kg.min(1, 'gross must be positive'),
    tareKg: Kg,
    netKg: Kg,
    grossSource: z.enum(['WEIGHED', 'KEYED', 'ESTIMATED']),
    tareSource: WeightSource,
    firstAt: DeviceTime,
    secondAt: DeviceTime.nullable(),
    route: Code.nullable(),
    permit: z.string().min(3).max(64).nullable(),
    origin: Code.nullable(),
    operator: z.string().min(1).max(64).nullable(),
    flags: z.array(TicketFlag).max(16),
    software: z.string().min(1).max(64),
    // Only on an ESTIMATED ticket, and then required: how the weight was computed. Optional, not
    // nullable, so tickets signed before it existed keep their exact bytes.
    estimate: EstimateBasis.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.grossKg - t.tareKg !== t.netKg) {
      ctx.addIssue({ code: 'custom', path: ['netKg'], message: `net must equal gross − tare (${t.grossKg} − ${t.tareKg} = ${t.grossKg - t.tareKg}), got ${t.netKg}` });
    }
    const keyed = t.grossSource === 'KEYED' || t.tareSource === 'KEYED';
    if (keyed !== t.flags.includes('KEYED')) {
      ctx.addIssue({ code: 'custom', path: ['flags'], message: 'a keyed weight must carry the KEYED flag, and only a keyed weight may' });
    }
    if ((t.tareSource === 'STORED') !== t.flags.includes('STORED_TARE')) {
      ctx.addIssue({ code: 'custom', path: ['flags'], message: 'a stored tare must carry the STORED_TARE flag, and only a stored tare may' });
    }
    const estimated = t.grossSource === 'ESTIMATED' || t.tareSource === 'ESTIMATED';
    if (estimated !== t.flags.includes('ESTIMATED')) {
      ctx.addIssue({ code: 'custom', path: ['flags'], message: 'an estimated weight must carry the ESTIMATED flag, and only an estimated weight may' });
    }
    if (estimated !== (t.estimate !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['estimate'], message: estimated ? 'an estimated weight must say how it was estimated (estimate basis missing)' : 'only an estimated weight carries an estimate basis' });
    }
    if (estimated) {
      // 估重 is one record of a load nobody weighed: the gross is the estimate, the tare the
      // registered one (STORED) or the sampled tickets' (ESTIMATED); nothing was keyed or weighed.
      if (t.grossSource !== 'ESTIMATED') ctx.addIssue({ code: 'custom', path: ['grossSource'], message: 'an estimated ticket estimates its gross' });
      if (t.tareSource !== 'ESTIMATED' && t.tareSource !== 'STORED') ctx.addIssue({ code: 'custom', path: ['tareSource'], message: 'an estimated ticket takes its tare from the registry (STORED) or estimates it' });
      if (t.secondAt !== null) ctx.addIssue({ code: 'custom', path: ['secondAt'], message: 'an estimated ticket is one record, with no second pass' });
      if (t.estimate?.method === 'RATED_LOAD_SHARE' && t.tareSource !== 'STORED') ctx.addIssue({ code: 'custom', path: ['tareSource'], message: 'a rated-load estimate rests on the stored tare' });
      // DOMAIN.md: manual entries need an operator, a reason and a supervisor; an estimate is one
      if (t.operator === null) ctx.addIssue({ code: 'custom', path: ['operator'], message: 'an estimate is recorded by a named operator' });
      else if (t.estimate && t.estimate.supervisor.trim() === t.operator.trim()) ctx.addIssue({ code: 'custom', path: ['estimate', 'supervisor'], message: 'the supervisor of an estimate must be someone other than the operator' });
      const net = t.estimate ? estimatedNetKg(t.estimate) : null;
      if (net !== null && net !== t.netKg) ctx.addIssue({ code: 'custom', path: ['netKg'], message: `the estimate basis gives ${net} kg net, the ticket says ${t.netKg}` });
    }
    if (t.tareSource === 'WEIGHED' && t.grossSource === 'WEIGHED' && t.secondAt === null) {
      ctx.addIssue({ code: 'custom', path: ['secondAt'], message: 'a two-pass weighing needs the second pass time' });
    }
    if (t.secondAt !== null && Date.parse(t.secondAt) < Date.parse(t.firstAt)) {
      ctx.addIssue({ code: 'custom', path: ['secondAt'], message: 'the second pass cannot precede the first' });
    }
    if (new Set(t.flags).size !== t.flags.length) {
      ctx.addIssue({ code: 'custom', path: ['flags'], message: 'flags must not repeat' });
    }
  });
export type TicketBody = z.infer<typeof TicketBody>;

export const VoidBody = z
  .object({
    ticketSeq: z.int().min(1),
    reason: z.string().trim().min(3).max(500),
    at: DeviceTime,
    operator: z.string().min(1).max(64).nullable(),
  })
  .strict();
export type VoidBody = z.infer<typeof VoidBody>;

/** Anti-cheat and fault events a station records in its chain (issue: station agent). */
export const StationEventType = z.enum([
  'WEIGHT_JUMP', // a jump larger than k·e inside a window that looked stable
  'NO_ZERO_RETURN', // the scale did not return below minimum load between vehicles
  'CARD_AT_TWO_LANES', // one card presented at two lanes at once
  'REPEAT_WEIGHING', // same vehicle weighed again within the configured time
  'TARE_DEVIATION', // measured tare differs from the stored tare beyond the configured share
  'CHECKSUM_FAULTS', // indicator frames with bad checksums or impossible layout
  'FRAME_RATE_FAULT', // indicator frames stopped or slowed below the expected rate
  'REFUSED_AT_LANE', // a vehicle refused by the lane checks (unknown card, banned, stream, permit…)
  'OPEN_TICKET_VOIDED', // a first pass timed out without a second
  'KEYED_WEIGHT', // an operator keyed a weight in
  'ESTIMATED_WEIGHT', // 估重: an operator recorded a load with a computed estimate while the scale could not weigh
  'SCALE_OUT_OF_SERVICE', // an operator took a lane's scale out of service (calibration, repair), or put it back
  'JOURNAL_QUARANTINE', // damaged journal records found and set aside at start-up
]);
export type StationEventType = z.infer<typeof StationEventType>;

export const EventBody = z
  .object({
    type: StationEventType,
    lane: Code.nullable(),
    at: DeviceTime,
    plate: z.string().min(5).max(16).nullable(),
    card: z.string().regex(CARD_UID_PATTERN, CARD_UID_RULE).nullable(),
    message: z.string().min(1).max(500),
    // small typed facts, e.g. { jumpKg: 180, windowMs: 2000 }; integers only, so they can be signed
    details: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,31}$/), z.union([z.string().max(200), z.int(), z.boolean(), z.null()])).refine((d) => Object.keys(d).length <= 16, 'at most 16 details'),
    ticketSeq: z.int().min(1).nullable(),
  })
  .strict();
export type EventBody = z.infer<typeof EventBody>;

const Envelope = {
  v: z.literal(RECORD_VERSION),
  device: Code,
  seq: z.int().min(1).max(2_000_000_000),
  prev: Hash,
};

export const DeviceRecordPayload = z.discriminatedUnion('kind', [
  z.object({ ...Envelope, kind: z.literal('ticket'), ticket: TicketBody }).strict(),
  z.object({ ...Envelope, kind: z.literal('void'), void: VoidBody }).strict(),
  z.object({ ...Envelope, kind: z.literal('event'), event: EventBody }).strict(),
]);
export type DeviceRecordPayload = z.infer<typeof DeviceRecordPayload>;

/** What travels over HTTP: the exact signed bytes and the signature, both base64. */
export const SignedRecord = z
  .object({
    canonical: z.base64().max(16_384, 'a record is at most 12 KiB'),
    signature: z.base64().length(88, 'an ed25519 signature is 64 bytes (88 base64 characters)'),
  })
  .strict();
export type SignedRecord = z.infer<typeof SignedRecord>;

export const IngestBatch = z
  .object({ records: z.array(SignedRecord).min(1, 'send at least one record').max(500, 'at most 500 records per batch') })
  .strict();
export type IngestBatch = z.infer<typeof IngestBatch>;

export const IngestResult = z.object({
  seq: z.int(),
  status: z.enum(['accepted', 'duplicate']),
  hash: Hash,
  ticketId: z.string().nullable(),
  receivedAt: z.string(),
});
export type IngestResult = z.infer<typeof IngestResult>;
