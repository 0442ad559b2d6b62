// Service days are local dates. The city's sites share a zone in practice, but
// nothing here assumes it: a day's bounds are computed in the site's zone.
import type { Day } from './types.js';

const DAY_MS = 86_400_000;

export function addDays(day: Day, n: number): Day {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: Day, to: Day): Day[] {
  const out: Day[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: Day): number {
  const w = new Date(`${day}T00:00:00Z`).getUTCDay();
  return w === 0 ? 7 : w;
}

const offsetCache = new Map<string, number>();
/** The zone's UTC offset in ms at that instant (cached per zone and hour; zones change offset on the hour). */
function offsetMs(timeZone: string, at: number): number {
  const hour = Math.floor(at / 3_600_000);
  const key = `${timeZone}|${hour}`;
  let off = offsetCache.get(key);
  if (off === undefined) {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(hour * 3_600_000));
    const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
    off = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - hour * 3_600_000;
    if (offsetCache.size > 10_000) offsetCache.clear();
    offsetCache.set(key, off);
  }
  return off;
}

/** The local date of an instant in a zone. */
export function localDay(at: number, timeZone: string): Day {
  return new Date(at + offsetMs(timeZone, at)).toISOString().slice(0, 10);
}

/** The instant a local day starts in a zone. */
export function dayStart(day: Day, timeZone: string): number {
  const naive = Date.parse(`${day}T00:00:00Z`);
  // two passes settle DST edges
  let t = naive - offsetMs(timeZone, naive);
  t = naive - offsetMs(timeZone, t);
  return t;
}

export const dayEnd = (day: Day, timeZone: string): number => dayStart(addDays(day, 1), timeZone);
