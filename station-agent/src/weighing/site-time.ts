/**
 * Device times on tickets and events carry the SITE's UTC offset
 * (contracts/ticket-record.ts DeviceTime), so the ticket shows the time the operator saw:
 * 2025-03-01T08:15:02.123+08:00 for Asia/Shanghai, whatever zone the agent's host runs in.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // throws RangeError for an unknown zone: the caller treats that as a fault, never as UTC
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(ms: number, timeZone: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second! };
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/** `YYYY-MM-DDTHH:mm:ss.SSS±hh:mm` in the site's zone. */
export function formatSiteTime(ms: number, timeZone: string): string {
  const l = localParts(ms, timeZone);
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  const offsetMin = Math.round((Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - wholeSecond) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const date = `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}`;
  const time = `${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}.${pad(ms - wholeSecond, 3)}`;
  return `${date}T${time}${sign}${pad(Math.trunc(offsetMin / 60))}:${pad(offsetMin % 60)}`;
}

/** The calendar date (YYYY-MM-DD) at the site: permits are valid per local day. */
export function siteLocalDate(ms: number, timeZone: string): string {
  return formatSiteTime(ms, timeZone).slice(0, 10);
}
