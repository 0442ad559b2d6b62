/** The station events a lane journals, shaped to pass contracts/ticket-record.ts EventBody. */
import { CARD_UID_PATTERN, EventBody, type StationEventType } from '@haulproof/contracts';
import type { JournalEntry, OpenTicket, TicketJournal } from '../types.js';
import type { EventDetails } from './refusals.js';
import { formatSiteTime } from './site-time.js';

export interface EventFacts {
  plate: string | null;
  card: string | null;
  details: EventDetails;
  ticketSeq: number | null;
}

const PLATE_OK = /^.{5,16}$/u;

/** Signs and writes one event. Throws what the journal throws; the lane faults on it. */
export function appendLaneEvent(journal: TicketJournal, lane: string, timeZone: string, at: number, type: StationEventType, message: string, f: EventFacts): JournalEntry {
  return journal.appendEvent(laneEventBody(lane, timeZone, at, type, message, f));
}

/** One station event as the contract wants it (lengths cut, plate and card only when well-formed). */
export function laneEventBody(lane: string, timeZone: string, at: number, type: StationEventType, message: string, f: EventFacts): EventBody {
  const details: EventDetails = {};
  for (const [k, v] of Object.entries(f.details).slice(0, 16)) details[k] = typeof v === 'string' ? v.slice(0, 200) : v;
  return EventBody.parse({
    type,
    lane,
    at: formatSiteTime(at, timeZone),
    plate: f.plate && PLATE_OK.test(f.plate) ? f.plate : null,
    card: f.card && CARD_UID_PATTERN.test(f.card) ? f.card : null,
    message: message.slice(0, 500),
    details,
    ticketSeq: f.ticketSeq,
  });
}

/**
 * An open ticket is not a journal record yet, so its void cannot be a VoidBody (which names a
 * ticket seq): the first-pass facts go into an OPEN_TICKET_VOIDED event instead.
 */
export function openTicketVoidFacts(o: OpenTicket, timeZone: string, why: string, operator: string | null): EventFacts {
  return {
    plate: o.plate,
    card: o.card,
    ticketSeq: null,
    details: {
      why,
      firstKg: o.firstKg,
      firstSource: o.firstSource,
      firstAt: formatSiteTime(o.firstAt, timeZone),
      firstLane: o.lane,
      stream: o.stream,
      route: o.route,
      permit: o.permit,
      origin: o.origin,
      firstOperator: o.operator,
      flags: o.flags.join(','),
      voidedBy: operator,
    },
  };
}
