// Calendar dates in the site's time zone. Permits are valid on dates
// (YYYY-MM-DD) as the site's office reads them, not in UTC: at 07:00 in
// Suzhou it is still the previous day in UTC.
const formatters = new Map<string, Intl.DateTimeFormat>();
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hourCycle: 'h23' });
    } catch {
      f = formatter(DEFAULT_TIMEZONE); // an unknown zone name in the registry must not stop the lane
    }
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The local calendar date (YYYY-MM-DD) and ISO weekday (1 = Monday … 7) of an instant. */
export function localDay(at: number, timeZone: string): { date: string; weekday: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0 };
}
