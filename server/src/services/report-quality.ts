// Report-quality score (issue 4, item 8): how well a site or district reports, 0–100.
//
//   timeliness   = 100 × (1 − late / tickets)
//                  late: received by the server more than `lateTicketMinutes` (rules, default 2 h)
//                  after the weighing — an agent that sat offline or a lane that batches uploads.
//   completeness = 100 × (1 − silentHours / siteHours)
//                      × (1 − (openVoided + openOverdue) / (tickets + openVoided + openOverdue))
//                      × (1 − scaleFaultDays / siteDays)
//                  silent: hours of a site with an active station device inside a stretch of at
//                  least `silentAfterHours` (rules, default 2) clock hours in which none of its
//                  devices was heard — no heartbeat, ticket or station event. Before the site's
//                  heartbeat history begins, a day without a ticket is 24 silent hours (the
//                  older rule, so past periods score as they did);
//                  openVoided: first passes that timed out without a second (OPEN_TICKET_VOIDED);
//                  openOverdue: first passes the stations' heartbeats report open for longer than
//                  `openTicketOverdueMinutes` (default 4 h) now — counted for the period that runs
//                  on only, as tonnes not (yet) recorded, like a voided one;
//                  scaleFault: a day the station signed an indicator or journal fault (frame rate,
//                  checksums, quarantined journal records) — weighings may be missing that day.
//                  Counted in days, not events: a flapping indicator logs dozens an hour.
//   consistency  = 100 × (1 − imbalancedDays / balanceDays) × (1 − (keyedKg + estimatedKg) / kg)
//                      × (1 − min(1, INTEGRITY_POINTS × integrityEvents / tickets))
//                  imbalanced: a transfer-station day × stream out of balance beyond its allowance;
//                  keyed: tonnes resting on a typed-in weight rather than the scale's;
//                  estimated: tonnes recorded with a computed estimate while a scale could not
//                  weigh (估重) — as far from the scale as a keyed weight, so they count the same;
//                  integrity: anti-cheat events the station signed (weight jump, no return to
//                  zero, a card at two lanes, a repeat weighing). Each one per 100 tickets costs
//                  INTEGRITY_POINTS (10) points: a sound lane logs a handful a month, so one in a
//                  hundred weighings is already a lane to look at.
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
/** Points of consistency one integrity event per 100 tickets costs. */
export const INTEGRITY_POINTS = 10;

const share = (part: number, whole: number): number | null => (whole > 0 ? Math.min(1, part / whole) : null);
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Multiplies the "good" shares that could be judged; null when none could. */
function factor(...bad: (number | null)[]): number | null {
  const known = bad.filter((b): b is number => b !== null);
  return known.length ? round1(100 * known.reduce((t, b) => t * (1 - b), 1)) : null;
}

export function qualityScore(c: ReportQualityCounts): ReportQualityScore {
  const timeliness = factor(share(c.lateTickets, c.tickets));
  const unfinished = c.openTicketsVoided + c.openTicketsOverdue;
  const completeness = factor(share(c.silentHours, c.siteHours), share(unfinished, c.tickets + unfinished), share(c.scaleFaultDays, c.siteDays));
  const consistency = factor(share(c.imbalancedDays, c.balanceDays), share(c.keyedKg + c.estimatedKg, c.kg), share(INTEGRITY_POINTS * c.integrityEvents, c.tickets));
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

export const NO_COUNTS: ReportQualityCounts = { tickets: 0, lateTickets: 0, siteDays: 0, silentDays: 0, siteHours: 0, silentHours: 0, silentSpans: 0, openTicketsVoided: 0, openTickets: 0, openTicketsOverdue: 0, balanceDays: 0, imbalancedDays: 0, kg: 0, keyedKg: 0, estimatedKg: 0, scaleFaults: 0, scaleFaultDays: 0, integrityEvents: 0 };

export function addCounts(a: ReportQualityCounts, b: ReportQualityCounts): ReportQualityCounts {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof ReportQualityCounts)[]) out[k] += b[k];
  return out;
}
