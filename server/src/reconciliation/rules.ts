// The tolerances reconciliation judges by. Defaults are what a Jiangsu bureau
// would accept; every one can be overridden per deployment (ReconRules is plain data):
// config.ts reads HAULPROOF_RECON_* variables, README "Settings" lists them.
import { ReconRules as RulesSchema, type StreamCode } from '@haulproof/contracts';

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
  /** Report quality: this many whole clock hours in a row without a heartbeat, ticket or station event from a site's devices are silent time. */
  silentAfterHours: number;
  /** Report quality: a first pass still open this long after it was weighed (as its station's last heartbeat reports) is overdue. */
  openTicketOverdueMinutes: number;
  /** The same vehicle weighed again at a site, same direction, sooner than this after its last ticket: REPEATED_WEIGHING (the agents' default refusal window). */
  repeatWithinMinutes: number;
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
  silentAfterHours: 2,
  openTicketOverdueMinutes: 240,
  repeatWithinMinutes: 10,
};

// The contracts schema (what the API shows and configuration is checked against) and this
// interface (what the engine reads, with each rule's meaning) must describe the same rules.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameRules: Same<RulesSchema, ReconRules> = true;
void sameRules;

/** Issues of a set of rules against the contracts schema: rule path (e.g. `stationLossShare.default`) → message. */
export function ruleIssues(candidate: unknown): { path: string; message: string }[] {
  const parsed = RulesSchema.safeParse(candidate);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

export function withRules(overrides: Partial<ReconRules> = {}): ReconRules {
  const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const r = { ...DEFAULT_RULES, ...given };
  const issues = ruleIssues(r);
  if (issues.length) throw new Error(`invalid reconciliation rules: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return r;
}

export const stationLossShare = (r: ReconRules, stream: StreamCode): number => r.stationLossShare[stream] ?? r.stationLossShare.default;
export const transitLossShare = (r: ReconRules, stream: StreamCode): number => r.transitLossShare[stream] ?? 0;
