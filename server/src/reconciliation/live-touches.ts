// What a live message makes stale: a changed ticket touches the days of its weighing
// (dirty.ts); a station event reconciliation reads (INTEGRITY_EVENT_TYPES) touches the days
// of the tickets it can be about (station-events.ts eventTouches). Anything else touches nothing.
import { INTEGRITY_EVENT_TYPES, type StationEventType } from '@haulproof/contracts';
import type { LiveMessage } from '../live/publisher.js';
import type { TicketTouch } from './dirty.js';
import { eventTouches } from './station-events.js';

const TICKET_EVENTS = new Set(['ticket.accepted', 'ticket.voided', 'ticket.corrected']);
const READ_EVENTS: ReadonlySet<StationEventType> = new Set(INTEGRITY_EVENT_TYPES);

export interface LiveTouch {
  siteId: string;
  districtId: string;
  touches: TicketTouch[];
}

export function liveTouches(m: LiveMessage): LiveTouch | null {
  if (TICKET_EVENTS.has(m.event)) {
    const t = m.payload as { weighedAt: string; firstWeighedAt: string; siteTimezone: string; siteId: string; districtId: string };
    return { siteId: t.siteId, districtId: t.districtId, touches: [{ weighedAt: Date.parse(t.weighedAt), firstWeighedAt: Date.parse(t.firstWeighedAt), timezone: t.siteTimezone }] };
  }
  if (m.event === 'station.event') {
    const e = m.payload as LiveMessage<'station.event'>['payload'];
    return READ_EVENTS.has(e.type) ? { siteId: e.siteId, districtId: e.districtId, touches: eventTouches(Date.parse(e.at), e.siteTimezone) } : null;
  }
  return null;
}
