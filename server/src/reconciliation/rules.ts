// The tolerances reconciliation judges by. Defaults are what a Jiangsu bureau
// would accept; every one can be overridden per deployment (ReconRules is plain data).
import type { StreamCode } from '@haulproof/contracts';

export interface ReconRules {
  /** A departure with no arrival this long after it is "possible dumping". At most 24 h (the engine looks one day ahead). */
  custodyWindowMinutes: number;
  /** Arrival net may differ from departure net by this much either way… */
  legToleranceKg: number;
  /** …or this share of the departure net, whichever is larger. */
  legToleranceShare: number;
  /** Water a stream may lose between station and plant (leachate draining in the trailer). */
  transitLossShare: Partial<Record<StreamCode, number>>;
  /** Share of a day's inbound a transfer station may lose (kitchen waste drains leachate there). */
  stationLossShare: Partial<Record<StreamCode, number>> & { default: number };
  /** 日产日清: what a station may carry overnight per stream before its stock is implausible. */
  stationCarryLimitKg: number;
  /** Weighing uncertainty allowed in a station's balance: the larger of this… */
  balanceToleranceKg: number;
  /** …and this share of the day's throughput (in + out). */
  balanceToleranceShare: number;
  /** A run is short when its tonnes fall below planned × (1 − this). */
  routeKgTolerance: number;
  /** A weighed or keyed tare further than this from the registered tare is a deviation… */
  tareToleranceKg: number;
  /** …or this share of the registered tare, whichever is larger. */
  tareToleranceShare: number;
  /** A day is judged (runs, balances, capacity) this long after it ends locally, for late uploads. */
  closeGraceMinutes: number;
  /** Loose muck and spoil weigh about this much per m³; converts tonnes to a permit's approved volume. */
  muckKgPerM3: number;
  /** A ticket received this long after it was weighed counts as late in the report-quality score. */
  lateTicketMinutes: number;
}

export const DEFAULT_RULES: ReconRules = {
  custodyWindowMinutes: 240,
  legToleranceKg: 100,
  legToleranceShare: 0.01,
  transitLossShare: { KITCHEN: 0.04, FOOD_SERVICE: 0.04 },
  stationLossShare: { KITCHEN: 0.08, FOOD_SERVICE: 0.08, default: 0.01 },
  stationCarryLimitKg: 10_000,
  balanceToleranceKg: 1_000,
  balanceToleranceShare: 0.005,
  routeKgTolerance: 0.2,
  tareToleranceKg: 300,
  tareToleranceShare: 0.03,
  closeGraceMinutes: 120,
  muckKgPerM3: 1_800,
  lateTicketMinutes: 120,
};

export function withRules(overrides: Partial<ReconRules> = {}): ReconRules {
  const r = { ...DEFAULT_RULES, ...overrides };
  if (!(r.custodyWindowMinutes > 0 && r.custodyWindowMinutes <= 24 * 60)) throw new Error('custodyWindowMinutes must be within (0, 1440]: the engine looks one day ahead');
  for (const [k, v] of Object.entries(r)) if (typeof v === 'number' && !(v >= 0)) throw new Error(`reconciliation rule ${k} must be a non-negative number`);
  return r;
}

export const stationLossShare = (r: ReconRules, stream: StreamCode): number => r.stationLossShare[stream] ?? r.stationLossShare.default;
export const transitLossShare = (r: ReconRules, stream: StreamCode): number => r.transitLossShare[stream] ?? 0;
