import { z } from 'zod';
import { STREAM_CODES, type StreamCode } from './streams.js';

// The tolerances reconciliation judges by, as one deployment sets them. The server's
// defaults and their meaning: server/src/reconciliation/rules.ts; the environment
// variables that override them: README "Settings". GET /api/v1/reconciliation/rules
// returns the rules in effect.
const Share = z.number().min(0, 'a share from 0 to 1').max(1, 'a share from 0 to 1');
const Kg = z.int('whole kilograms').min(0, 'not negative').max(10_000_000, 'at most 10,000,000 kg');
const Minutes = (min: number, max: number) => z.int('whole minutes').min(min, `at least ${min} min`).max(max, `at most ${max} min`);
/** Stream → share, e.g. { KITCHEN: 0.04 }; a stream left out has none (or the `default`). */
const streamShares = Object.fromEntries(STREAM_CODES.map((s) => [s, Share.optional()])) as { [K in StreamCode]: z.ZodOptional<typeof Share> };

export const ReconRules = z
  .object({
    custodyWindowMinutes: Minutes(1, 24 * 60), // the engine looks one day ahead
    legToleranceKg: Kg,
    legToleranceShare: Share,
    transitLossShare: z.object(streamShares).strict(),
    stationLossShare: z.object({ ...streamShares, default: Share }).strict(),
    stationCarryLimitKg: Kg,
    balanceToleranceKg: Kg,
    balanceToleranceShare: Share,
    routeKgTolerance: Share,
    tareToleranceKg: Kg,
    tareToleranceShare: Share,
    closeGraceMinutes: Minutes(0, 7 * 24 * 60),
    muckKgPerM3: z.int('whole kilograms').min(1, 'at least 1 kg/m³').max(10_000, 'at most 10,000 kg/m³'),
    lateTicketMinutes: Minutes(1, 7 * 24 * 60),
    silentAfterHours: z.int('whole hours').min(1, 'at least 1 h').max(7 * 24, 'at most 168 h'),
    openTicketOverdueMinutes: Minutes(1, 7 * 24 * 60),
    repeatWithinMinutes: Minutes(1, 24 * 60),
  })
  .strict();
export type ReconRules = z.infer<typeof ReconRules>;

/** What a deployment overrides; the rest keeps its default. */
export const ReconRulesOverride = ReconRules.partial();
export type ReconRulesOverride = z.infer<typeof ReconRulesOverride>;

/** GET /api/v1/reconciliation/rules: the rules in effect, and which of them the deployment set. */
export interface ReconRulesView {
  rules: ReconRules;
  overridden: (keyof ReconRules)[];
}
