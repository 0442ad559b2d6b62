import { z } from 'zod';
import { Uuid } from './registry.js';
import { StationEventType } from './ticket-record.js';

/** GET /api/v1/station-events: newest first, keyset-paged by `nextCursor`. */
export const StationEventQuery = z
  .object({
    siteId: Uuid.optional(),
    deviceId: Uuid.optional(),
    type: StationEventType.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), { path: ['to'], message: '`to` must not precede `from`' });
export type StationEventQuery = z.infer<typeof StationEventQuery>;

/**
 * Events that question a weighing: reconciliation raises findings from them
 * (server/src/reconciliation/integrity.ts) and the report-quality score counts them against consistency.
 */
export const INTEGRITY_EVENT_TYPES = ['WEIGHT_JUMP', 'NO_ZERO_RETURN', 'CARD_AT_TWO_LANES', 'REPEAT_WEIGHING'] as const satisfies readonly StationEventType[];
/** Faults of the indicator or the journal, or the scale taken out of service: weighings may be missing; the report-quality score counts the days with one against completeness. */
export const SCALE_FAULT_EVENT_TYPES = ['FRAME_RATE_FAULT', 'CHECKSUM_FAULTS', 'JOURNAL_QUARANTINE', 'SCALE_OUT_OF_SERVICE'] as const satisfies readonly StationEventType[];

/** A station event as the API and the live feed (`station.event`) show it. */
export interface StationEventView {
  id: string;
  deviceId: string;
  deviceCode: string;
  seq: number; // in the device's chain
  hash: string; // sha256 of the signed record
  siteId: string;
  siteCode: string;
  siteTimezone: string;
  districtId: string;
  lane: string | null;
  type: StationEventType;
  at: string; // device time, ISO-8601 UTC
  plate: string | null;
  cardUid: string | null;
  message: string;
  details: Record<string, string | number | boolean | null>;
  ticketSeq: number | null;
  ticketId: string | null; // the ticket ticketSeq names, when the ledger holds it
  receivedAt: string;
}
