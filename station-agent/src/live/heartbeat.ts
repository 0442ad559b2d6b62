import { HEARTBEAT_OPEN_PER_LANE, type HeartbeatOpenTickets } from '@haulproof/contracts';
import type { OpenTicket, TicketJournal } from '../types.js';

/**
 * The open first passes as a heartbeat reports them (contracts HeartbeatOpenTickets): how many,
 * the oldest one's first-weighed time, and per lane of the first pass the first-weighed times,
 * oldest first. The server counts the overdue ones from these times against report quality.
 */
export function openTicketSummary(open: readonly Pick<OpenTicket, 'lane' | 'firstAt'>[]): HeartbeatOpenTickets {
  const sorted = [...open].sort((a, b) => a.firstAt - b.firstAt);
  const lanes = new Map<string, string[]>();
  for (const o of sorted) {
    const times = lanes.get(o.lane) ?? [];
    lanes.set(o.lane, times);
    if (times.length < HEARTBEAT_OPEN_PER_LANE) times.push(new Date(o.firstAt).toISOString());
  }
  const oldest = sorted[0];
  return { count: sorted.length, oldestAt: oldest ? new Date(oldest.firstAt).toISOString() : null, lanes: Object.fromEntries(lanes) };
}

/**
 * The journal's open first passes for the next heartbeat; undefined (the field left out) when
 * there is no journal or it cannot be read just now: the heartbeat itself must still go.
 */
export function heartbeatOpenTickets(journal: Pick<TicketJournal, 'openTickets'> | null): HeartbeatOpenTickets | undefined {
  if (!journal) return undefined;
  try {
    return openTicketSummary(journal.openTickets());
  } catch {
    return undefined;
  }
}
