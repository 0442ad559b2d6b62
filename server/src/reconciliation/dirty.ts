// Which service days a changed ticket (accepted, voided or corrected) can change.
// Its own day always. The day before, if it could be the arrival of a departure
// weighed then; the day after, if a weighing then could be the arrival of this one
// (an arrival's day is that of its second pass, so allow for a long stay on the
// bridge). Nothing further: custody looks no further than the window (custody.ts),
// and what a day hands to the next is handled by the engine's cascade.
import { addDays, dayEnd, dayStart, localDay } from './calendar.js';
import type { ReconRules } from './rules.js';
import type { Day } from './types.js';

export interface TicketTouch {
  weighedAt: number;
  firstWeighedAt: number;
  timezone: string;
}

const MAX_STAY_MS = 12 * 3_600_000;

export function touchedDays(t: TicketTouch, rules: ReconRules): { day: Day; before: boolean; after: boolean } {
  const day = localDay(t.weighedAt, t.timezone);
  const windowMs = rules.custodyWindowMinutes * 60_000;
  return {
    day,
    before: t.firstWeighedAt - windowMs < dayStart(day, t.timezone),
    after: t.weighedAt + windowMs + MAX_STAY_MS >= dayEnd(day, t.timezone),
  };
}

/** The days to recompute for these changes: their own days, and neighbours already computed that they reach. */
export function daysToRecompute(touches: readonly TicketTouch[], rules: ReconRules, computed: (day: Day) => boolean): Day[] {
  const days = new Set<Day>();
  for (const t of touches) {
    const { day, before, after } = touchedDays(t, rules);
    days.add(day);
    if (before && computed(addDays(day, -1))) days.add(addDays(day, -1));
    if (after && computed(addDays(day, 1))) days.add(addDays(day, 1));
  }
  return [...days].sort();
}
