import { z } from 'zod';

/** A period written YYYY-MM-DD (a day), YYYY-MM (a month) or YYYY (a year). */
export const PeriodKey = z
  .string()
  .regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, 'a period YYYY, YYYY-MM or YYYY-MM-DD')
  .refine((p) => p.length !== 10 || new Date(`${p}T00:00:00Z`).toISOString().startsWith(p), 'not a calendar day');

/** How well sites and districts report: timeliness, completeness, consistency (issue 4, item 8). */
export const ReportQualityQuery = z.object({ period: PeriodKey, siteId: z.uuid('an id (UUID)').optional(), districtId: z.uuid('an id (UUID)').optional() }).strict();
export type ReportQualityQuery = z.infer<typeof ReportQualityQuery>;

/** The counts a score is made of; a district's are the sum of its sites'. */
export interface ReportQualityCounts {
  tickets: number;
  /** Tickets received more than `lateAfterMinutes` after they were weighed. */
  lateTickets: number;
  /** Days the site had an active station device, within the period and up to today. */
  siteDays: number;
  /** Of those, days without a single ticket (shown; the score judges silence by `silentHours`). */
  silentDays: number;
  /** Hours the site had an active station device, within the same days. */
  siteHours: number;
  /**
   * Of those, hours in stretches of at least `silentAfterHours` whole clock hours in which none of
   * the site's devices was heard: no heartbeat, no ticket weighed, no station event. Before the
   * site's heartbeat history begins, a day with a ticket counts as heard and one without as silent.
   */
  silentHours: number;
  /** How many such silent stretches. */
  silentSpans: number;
  /** First passes that timed out without a second (OPEN_TICKET_VOIDED station events). */
  openTicketsVoided: number;
  /**
   * First passes the site's stations report open now, and of those the ones open longer than
   * `openTicketOverdueMinutes`: for the period that runs on only (0 for a past one), from each
   * device's last heartbeat unless that is older than the silence span.
   */
  openTickets: number;
  openTicketsOverdue: number;
  /** Transfer-station balance days (site × day × stream), and those out of balance. */
  balanceDays: number;
  imbalancedDays: number;
  /** kg weighed at the site(s), and of those the kg resting on a keyed weight, and on an estimated one (估重). */
  kg: number;
  keyedKg: number;
  estimatedKg: number;
  /** Indicator and journal faults the stations signed (SCALE_FAULT_EVENT_TYPES), and the site-days with at least one. */
  scaleFaults: number;
  scaleFaultDays: number;
  /** Anti-cheat events the stations signed (INTEGRITY_EVENT_TYPES): jumps, no return to zero, a card at two lanes, repeats. */
  integrityEvents: number;
}

export interface ReportQualityScore {
  /** 0–100; null when no part could be judged. */
  score: number | null;
  /** Each 0–100, or null when there was nothing to judge it on. */
  timeliness: number | null;
  completeness: number | null;
  consistency: number | null;
  counts: ReportQualityCounts;
}

export interface ReportQuality {
  period: string;
  from: string;
  to: string; // the last day counted: the period's end, or today when the period runs on
  lateAfterMinutes: number;
  silentAfterHours: number;
  openTicketOverdueMinutes: number;
  /** When the open first passes were counted (the period runs on), or null (a past period: none counted). */
  openTicketsAsOf: string | null;
  weights: { timeliness: number; completeness: number; consistency: number };
  sites: (ReportQualityScore & { siteId: string; districtId: string })[];
  /** Empty for an operator, who sees one site. */
  districts: (ReportQualityScore & { districtId: string })[];
}
