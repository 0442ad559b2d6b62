// Report-quality score (issue 4, item 8): how well a site or district reports, 0–100.
//
//   timeliness   = 100 × (1 − late / tickets)
//                  late: received by the server more than `lateTicketMinutes` (rules, default 2 h)
//                  after the weighing — an agent that sat offline or a lane that batches uploads.
//   completeness = 100 × (1 − silentDays / siteDays) × (1 − openVoided / (tickets + openVoided))
//                  silent: a day on which a site with an active station device sent no ticket;
//                  openVoided: first passes that timed out without a second (OPEN_TICKET_VOIDED).
//   consistency  = 100 × (1 − imbalancedDays / balanceDays) × (1 − keyedKg / kg)
//                  imbalanced: a transfer-station day × stream out of balance beyond its allowance;
//                  keyed: tonnes resting on a typed-in weight rather than the scale's.
//
//   score = 0.3 × timeliness + 0.4 × completeness + 0.3 × consistency
//
// Completeness weighs most: a silent site hides tonnes entirely, while a late or keyed
// ticket at least records them. A part with nothing to judge (no tickets, no device days,
// no station balances and no tonnes) is left out and the other weights scaled up to 1;
// with no part at all the score is null. Each factor is a share, so the parts are
// comparable across a small landfill and a large transfer station.
import type { ReportQualityCounts, ReportQualityScore } from '@haulproof/contracts';

export const QUALITY_WEIGHTS = { timeliness: 0.3, completeness: 0.4, consistency: 0.3 } as const;

const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Multiplies the "good" shares that could be judged; null when none could. */
function factor(...bad: (number | null)[]): number | null {
  const known = bad.filter((b): b is number => b !== null);
  return known.length ? round1(100 * known.reduce((t, b) => t * (1 - b), 1)) : null;
}

export function qualityScore(c: ReportQualityCounts): ReportQualityScore {
  const timeliness = factor(share(c.lateTickets, c.tickets));
  const completeness = factor(share(c.silentDays, c.siteDays), share(c.openTicketsVoided, c.tickets + c.openTicketsVoided));
  const consistency = factor(share(c.imbalancedDays, c.balanceDays), share(c.keyedKg, c.kg));
  const parts = { timeliness, completeness, consistency };
  let weight = 0;
  let sum = 0;
  for (const k of Object.keys(QUALITY_WEIGHTS) as (keyof typeof QUALITY_WEIGHTS)[]) {
    const v = parts[k];
    if (v === null) continue;
    weight += QUALITY_WEIGHTS[k];
    sum += QUALITY_WEIGHTS[k] * v;
  }
  return { score: weight > 0 ? round1(sum / weight) : null, ...parts, counts: c };
}

export const NO_COUNTS: ReportQualityCounts = { tickets: 0, lateTickets: 0, siteDays: 0, silentDays: 0, openTicketsVoided: 0, balanceDays: 0, imbalancedDays: 0, kg: 0, keyedKg: 0 };

export function addCounts(a: ReportQualityCounts, b: ReportQualityCounts): ReportQualityCounts {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof ReportQualityCounts)[]) out[k] += b[k];
  return out;
}
