import { z } from 'zod';
import type { EstimateBasis } from './estimate.js';
import { Direction, StreamCode, WeightSource } from './streams.js';
import { Uuid } from './registry.js';

/** Every error the API returns has this shape; `correlationId` matches the X-Correlation-Id header. */
export const ErrorBody = z.object({
  message: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  correlationId: z.string(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * How a ticket's net was obtained, from the weakest part of it: ESTIMATED (any part estimated)
 * before KEYED (any part typed in) before STORED_TARE (one pass against the registered tare).
 */
export const Provenance = z.enum(['WEIGHED', 'STORED_TARE', 'KEYED', 'ESTIMATED']);
export type Provenance = z.infer<typeof Provenance>;

export const TicketQuery = z
  .object({
    siteId: Uuid.optional(),
    districtId: Uuid.optional(),
    stream: StreamCode.optional(),
    vehicleId: Uuid.optional(),
    plate: z.string().min(2).max(16).optional(),
    direction: Direction.optional(),
    provenance: Provenance.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    includeVoided: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), { path: ['to'], message: '`to` must not precede `from`' });
export type TicketQuery = z.infer<typeof TicketQuery>;

export const VoidInput = z.object({ reason: z.string().trim().min(3).max(500) }).strict();
export const CorrectionInput = z
  .object({
    reason: z.string().trim().min(3).max(500),
    changes: z
      .object({ stream: StreamCode.optional(), routeId: Uuid.nullable().optional(), permitId: Uuid.nullable().optional(), originSiteId: Uuid.nullable().optional(), vehicleId: Uuid.optional() })
      .strict()
      .refine((c) => Object.keys(c).length > 0, 'a correction must change something'),
  })
  .strict();

/** A ticket as the API and live feed show it: the original record plus its later events applied. */
export interface TicketView {
  id: string;
  ticketNo: string; // <device>-<seq>
  deviceCode: string;
  seq: number;
  siteId: string;
  siteCode: string;
  siteTimezone: string;
  districtId: string;
  laneCode: string;
  vehicleId: string;
  plate: string;
  carrierId: string;
  cardUid: string | null;
  stream: StreamCode;
  direction: Direction;
  grossKg: number;
  tareKg: number;
  netKg: number;
  grossSource: WeightSource;
  tareSource: WeightSource;
  provenance: Provenance;
  /** How an ESTIMATED ticket's weight was computed (the signed basis); null otherwise. */
  estimate: EstimateBasis | null;
  firstWeighedAt: string;
  secondWeighedAt: string | null;
  weighedAt: string;
  receivedAt: string;
  routeId: string | null;
  permitId: string | null;
  originSiteId: string | null;
  operator: string | null;
  flags: string[];
  softwareVersion: string;
  hash: string;
  voided: boolean;
  corrected: boolean;
  events: { kind: 'VOID' | 'CORRECTION'; reason: string; at: string; actor: string; changes: unknown }[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
