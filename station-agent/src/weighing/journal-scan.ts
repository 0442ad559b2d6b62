/**
 * Looks back through the device's own chain (newest first). The journal is the only memory that
 * survives a restart, so repeat-weighing and half-finished completions are judged from it.
 */
import type { TicketBody } from '@haulproof/contracts';
import type { JournalEntry, OpenTicket, TicketJournal } from '../types.js';
import { formatSiteTime } from './site-time.js';

const MAX_SCAN = 5000; // a busy site journals a few hundred records a day

function* ticketsSince(journal: TicketJournal, since: number): Generator<{ entry: JournalEntry; ticket: TicketBody }> {
  const last = journal.lastSeq();
  for (let seq = last; seq >= 1 && seq > last - MAX_SCAN; seq--) {
    const entry = journal.entry(seq);
    if (!entry || entry.createdAt < since) return;
    if (entry.payload.kind === 'ticket') yield { entry, ticket: entry.payload.ticket };
  }
}

/** The newest ticket for this vehicle journaled at or after `since`, if any. */
export function lastTicketFor(journal: TicketJournal, plate: string, since: number): JournalEntry | null {
  for (const { entry, ticket } of ticketsSince(journal, since)) if (ticket.plate === plate) return entry;
  return null;
}

/**
 * The ticket that already completes this open ticket. appendTicket and deleteOpenTicket are two
 * writes; if the second failed, the open ticket must not be completed a second time.
 */
export function ticketCompleting(journal: TicketJournal, open: OpenTicket, timeZone: string): JournalEntry | null {
  const firstAt = formatSiteTime(open.firstAt, timeZone);
  for (const { entry, ticket } of ticketsSince(journal, open.firstAt)) {
    if (ticket.plate === open.plate && ticket.firstAt === firstAt) return entry;
  }
  return null;
}
