import { normalisePlate, StreamCode } from '@haulproof/contracts';
import { z } from 'zod';
import type { OpenTicket } from '../types.js';
import { InvalidRecordError } from './records.js';

/** The persisted form of a first pass; checked on save and again on load. */
const OpenTicketSchema = z
  .object({
    lane: z.string().min(1).max(48),
    plate: z.string().min(1).max(16).refine((p) => normalisePlate(p) === p, 'the plate must be normalised'), // the key
    card: z.string().nullable(),
    stream: StreamCode,
    direction: z.enum(['IN', 'OUT']),
    firstKg: z.int().min(0),
    firstSource: z.enum(['WEIGHED', 'KEYED']),
    firstAt: z.int().min(0),
    route: z.string().nullable(),
    permit: z.string().nullable(),
    origin: z.string().nullable(),
    operator: z.string().nullable(),
    flags: z.array(z.string()),
  })
  .strict() satisfies z.ZodType<OpenTicket>;

export function validateOpenTicket(o: OpenTicket): OpenTicket {
  const parsed = OpenTicketSchema.safeParse(o);
  if (!parsed.success) throw new InvalidRecordError(`invalid open ticket: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The stored JSON as an OpenTicket, or why it cannot be one. `key` is the row's plate (its key) and lane columns. */
export function parseOpenTicket(key: { plate: string; lane: string }, data: unknown): { ok: true; ticket: OpenTicket } | { ok: false; reason: string } {
  const of = `the stored open ticket of ${key.plate}`;
  let json: unknown;
  try {
    json = JSON.parse(String(data));
  } catch {
    return { ok: false, reason: `${of} is not JSON` };
  }
  const parsed = OpenTicketSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `${of} is invalid: ${parsed.error.issues[0]?.message ?? 'unknown'}` };
  if (parsed.data.plate !== key.plate) return { ok: false, reason: `${of} names plate ${parsed.data.plate}` };
  if (parsed.data.lane !== key.lane) return { ok: false, reason: `${of} names lane ${parsed.data.lane}, not ${key.lane}` };
  return { ok: true, ticket: parsed.data };
}
