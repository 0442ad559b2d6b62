/**
 * 估重: the weight of a load the scale could not weigh, computed from what the journal already
 * proves, never typed in. Pure: the journal's history goes in, an estimate or a refusal comes out.
 *
 *   1. VEHICLE_MEDIAN: the median net of this vehicle's newest weighed tickets (gross weighed,
 *      tare weighed or stored) for the same stream and direction at this site. A median, not a
 *      mean: one half-empty trip does not drag the estimate down.
 *   2. RATED_LOAD_SHARE, only where the site configured a share: that share of the vehicle's
 *      rated load (registered max gross − stored tare).
 *   3. Otherwise the estimate is refused; the operator must hold the vehicle or key a weight
 *      from another scale (a keyed entry, with its own flag).
 */
import { ESTIMATE_MIN_SAMPLES, medianKg, normalisePlate, type Direction, type EstimateBasis, type StreamCode, type TicketBody } from '@haulproof/contracts';
import type { JournalEntry } from '../types.js';
import { usableStoredTare, type Vehicle } from './checks.js';
import { STREAM_NAMES } from './stream-names.js';

export interface EstimatePolicy {
  samples: number; // how many of the newest weighed tickets the median is of (5)
  minSamples: number; // fewer than this and the median is not used (3; never below ESTIMATE_MIN_SAMPLES)
  ratedLoadShare: number | null; // fallback share of the rated load (0.8 = 80 %); null: no fallback
}

/** What the operator asks for at the lane. */
export interface EstimateRequest {
  plate: string; // as typed; normalised before lookup
  stream?: StreamCode; // for a multi-stream vehicle
  direction?: Direction; // default: the lane's one-pass direction (IN: a delivery)
  operator: string;
  supervisor: string;
  reason: string; // why the scale cannot weigh, e.g. 检定 calibration
}

export interface EstimateQuery {
  site: string;
  stream: StreamCode;
  direction: Direction;
  vehicle: Vehicle;
  at: number; // ms: when the load is recorded (stored tares expire)
}

/** The load's weights and how they were obtained; the lane adds why the scale was unusable and who decided. */
export type Estimate =
  | { ok: true; netKg: number; tareKg: number; tareSource: 'STORED' | 'ESTIMATED'; basis: Omit<EstimateBasis, 'scale' | 'reason' | 'supervisor'> }
  | { ok: false; message: string };

/** Why this request cannot be accepted, or null (the same rules as a keyed entry: DOMAIN.md, manual entries). */
export function estimateRequestProblem(e: EstimateRequest): string | null {
  if (!e.operator.trim()) return '需要操作员 / an operator is required';
  if (!e.supervisor.trim()) return '需要主管签字 / a supervisor is required';
  if (e.supervisor.trim() === e.operator.trim()) return '主管不能是操作员本人 / the supervisor must be someone other than the operator';
  if (e.reason.trim().length < 3) return '需要估重原因 / a reason is required';
  if (normalisePlate(e.plate).length < 5) return '车牌不完整 / the plate is incomplete';
  return null;
}

/** A ticket an estimate may rest on: its gross was on a scale, and so was its tare or it is the registered one. */
const weighed = (t: TicketBody) => t.grossSource === 'WEIGHED' && (t.tareSource === 'WEIGHED' || t.tareSource === 'STORED');

/** @param history the vehicle's tickets, newest first (TicketJournal.recentTicketsFor) */
export function estimateLoad(history: readonly JournalEntry[], q: EstimateQuery, policy: EstimatePolicy): Estimate {
  const wanted = Math.max(policy.minSamples, ESTIMATE_MIN_SAMPLES);
  const sample = history
    .flatMap((e) => (e.payload.kind === 'ticket' ? [{ seq: e.seq, t: e.payload.ticket }] : []))
    .filter(({ t }) => t.site === q.site && t.stream === q.stream && t.direction === q.direction && weighed(t))
    .slice(0, Math.max(policy.samples, wanted));
  const stored = usableStoredTare(q.vehicle, q.at);

  if (sample.length >= wanted) {
    const netKg = medianKg(sample.map((s) => s.t.netKg));
    const tare = stored !== null ? { tareKg: stored, tareSource: 'STORED' as const } : { tareKg: medianKg(sample.map((s) => s.t.tareKg)), tareSource: 'ESTIMATED' as const };
    return { ok: true, netKg, ...tare, basis: { method: 'VEHICLE_MEDIAN', sampleSeqs: sample.map((s) => s.seq), sampleNetsKg: sample.map((s) => s.t.netKg), ratedLoadKg: null, sharePermille: null } };
  }
  if (policy.ratedLoadShare !== null && stored !== null && q.vehicle.maxGrossKg > stored) {
    const ratedLoadKg = q.vehicle.maxGrossKg - stored;
    const sharePermille = Math.round(policy.ratedLoadShare * 1000);
    const netKg = Math.round((ratedLoadKg * sharePermille) / 1000);
    return { ok: true, netKg, tareKg: stored, tareSource: 'STORED', basis: { method: 'RATED_LOAD_SHARE', sampleSeqs: [], sampleNetsKg: [], ratedLoadKg, sharePermille } };
  }
  const n = STREAM_NAMES[q.stream];
  const dir = q.direction === 'IN' ? { zh: '进场', en: 'inbound' } : { zh: '出场', en: 'outbound' };
  const why =
    policy.ratedLoadShare === null
      ? { zh: '本站未配置按核定载质量估重', en: 'no rated-load fallback is configured here' }
      : { zh: '车辆没有有效的预置皮重，核定载质量未知', en: 'the vehicle has no valid stored tare, so its rated load is unknown' };
  return {
    ok: false,
    message:
      `无法估重：${q.vehicle.plate} 在本站只有 ${sample.length} 次${n.zh}${dir.zh}称重记录（至少需要 ${wanted} 次），且${why.zh} / ` +
      `cannot estimate: ${q.vehicle.plate} has ${sample.length} weighed ${dir.en} ${n.en} ticket(s) at this site (${wanted} needed) and ${why.en}`,
  };
}
