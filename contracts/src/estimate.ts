import { z } from 'zod';
import { ABSURD_KG } from './weights.js';

/**
 * 估重: when a lane's scale cannot weigh (the indicator is dead or silent, or the scale is out of
 * service for calibration, 检定), trucks still tip and the operator records each load with an
 * estimated weight. The estimate is computed, never typed, and the ticket carries how
 * (TicketBody.estimate), so an inspector can check it against the tickets it names.
 */
export const ESTIMATE_MIN_SAMPLES = 3; // a median of fewer weighings says little about the next load
export const ESTIMATE_MAX_SAMPLES = 20;

export const EstimateMethod = z.enum([
  'VEHICLE_MEDIAN', // median net of the vehicle's last weighed tickets for this stream and direction at this site
  'RATED_LOAD_SHARE', // a configured share of the vehicle's rated load (registered max gross − stored tare)
]);
export type EstimateMethod = z.infer<typeof EstimateMethod>;

/** Why the scale could not weigh. */
export const ScaleUnusable = z.enum([
  'FAULT', // the lane's indicator was disconnected, faulty or silent
  'OUT_OF_SERVICE', // an operator took the scale out of service (calibration, repair)
]);
export type ScaleUnusable = z.infer<typeof ScaleUnusable>;

const Kg = z.int('weights are integers in kg').min(0, 'weights cannot be negative').max(ABSURD_KG);

/** Median of integer kg: the middle value, or the lower-rounded mean of the two middle ones. */
export function medianKg(values: readonly number[]): number {
  if (values.length === 0) throw new Error('the median of nothing');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : Math.floor((s[mid - 1]! + s[mid]!) / 2);
}

export const EstimateBasis = z
  .object({
    method: EstimateMethod,
    scale: ScaleUnusable,
    // checked, not trimmed: the row the server stores must say what the device signed
    reason: z.string().max(200).refine((s) => s.trim().length >= 3, 'an estimate needs a reason'),
    supervisor: z.string().max(64).refine((s) => s.trim().length >= 1, 'an estimate needs a supervisor'),
    /** VEHICLE_MEDIAN: the device's ticket seqs the median is of, newest first, and their nets in the same order. */
    sampleSeqs: z.array(z.int().min(1)).max(ESTIMATE_MAX_SAMPLES),
    sampleNetsKg: z.array(Kg).max(ESTIMATE_MAX_SAMPLES),
    /** RATED_LOAD_SHARE: max gross − stored tare as registered, and the share of it taken (‰). */
    ratedLoadKg: Kg.nullable(),
    sharePermille: z.int().min(1).max(1000).nullable(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.method === 'VEHICLE_MEDIAN') {
      if (b.sampleSeqs.length < ESTIMATE_MIN_SAMPLES) ctx.addIssue({ code: 'custom', path: ['sampleSeqs'], message: `a median needs at least ${ESTIMATE_MIN_SAMPLES} weighed tickets, got ${b.sampleSeqs.length}` });
      if (b.sampleNetsKg.length !== b.sampleSeqs.length) ctx.addIssue({ code: 'custom', path: ['sampleNetsKg'], message: 'one net per sampled ticket' });
      if (new Set(b.sampleSeqs).size !== b.sampleSeqs.length) ctx.addIssue({ code: 'custom', path: ['sampleSeqs'], message: 'sampled tickets must not repeat' });
      if (b.ratedLoadKg !== null || b.sharePermille !== null) ctx.addIssue({ code: 'custom', path: ['ratedLoadKg'], message: 'a median estimate names no rated load' });
    } else {
      if (b.ratedLoadKg === null || b.sharePermille === null) ctx.addIssue({ code: 'custom', path: ['ratedLoadKg'], message: 'a rated-load estimate names the rated load and the share taken' });
      if (b.sampleSeqs.length > 0 || b.sampleNetsKg.length > 0) ctx.addIssue({ code: 'custom', path: ['sampleSeqs'], message: 'a rated-load estimate samples no tickets' });
    }
  });
export type EstimateBasis = z.infer<typeof EstimateBasis>;

/** The net the basis gives (an estimated ticket's netKg must equal it); null when the basis gives none. */
export function estimatedNetKg(b: EstimateBasis): number | null {
  if (b.method === 'VEHICLE_MEDIAN') return b.sampleNetsKg.length ? medianKg(b.sampleNetsKg) : null;
  return b.ratedLoadKg !== null && b.sharePermille !== null ? Math.round((b.ratedLoadKg * b.sharePermille) / 1000) : null;
}
