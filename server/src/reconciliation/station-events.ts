// Station events as reconciliation reads them, and which tickets they are about.
//
// The agents sign anti-cheat events into their chains (contracts ticket-record.ts). Only the
// integrity events (INTEGRITY_EVENT_TYPES) are read here: indicator and journal faults say
// nothing about a load, and count in the report-quality score instead.
//
// An event is about a ticket when it names it (ticketSeq → ticketId). Most do not: the agent
// writes a weight jump, a deck that had not returned to zero or a repeat at the moment it sees
// it, before the ticket exists (station-agent weighing/lane.ts, identify.ts). When it then
// makes a ticket anyway — the vehicle stayed, or the operator overrode the refusal — it signs
// the same flag into the ticket. So an event that names no ticket is about the tickets of its
// site and plate that carry its flag and whose visit (first pass … last pass) it falls in,
// give or take EVENT_SLACK_MS. A refusal the driver answered by driving off and on again is
// about nothing: the ticket that followed carries no flag. CARD_AT_TWO_LANES flags no ticket;
// it is tied by site, plate and visit alone, as evidence only.
import { normalisePlate, type StationEventType } from '@haulproof/contracts';
import { dayEnd, localDay } from './calendar.js';
import type { TicketTouch } from './dirty.js';
import type { Day, ReconTicket, Registry, VehicleInfo } from './types.js';

export interface ReconStationEvent {
  id: string;
  eventNo: string; // <device>-<seq>, for explanations
  siteId: string;
  serviceDay: Day; // the site's local date of `at`
  type: StationEventType;
  at: number;
  lane: string | null;
  plate: string | null;
  cardUid: string | null;
  /** The ticket it names, when the ledger holds it (voided ones included; reconciliation leaves those out). */
  ticketId: string | null;
  message: string;
  details: Record<string, string | number | boolean | null>;
}

/** How far outside a ticket's visit an event that names no ticket may fall and still be about it. */
export const EVENT_SLACK_MS = 10 * 60_000;
const FLAGGED: ReadonlySet<StationEventType> = new Set(['WEIGHT_JUMP', 'NO_ZERO_RETURN', 'REPEAT_WEIGHING']);

/** event id → the tickets (among these) it is about; events about none are left out. */
export function tieEvents(events: readonly ReconStationEvent[], tickets: readonly ReconTicket[], registry: Registry): Map<string, ReconTicket[]> {
  const ties = new Map<string, ReconTicket[]>();
  if (events.length === 0) return ties;
  const byId = new Map(tickets.map((t) => [t.id, t]));
  const bySitePlate = new Map<string, ReconTicket[]>();
  for (const t of tickets) {
    const plate = registry.vehicles.get(t.vehicleId)?.plate;
    if (!plate) continue;
    const key = `${t.siteId}|${normalisePlate(plate)}`;
    (bySitePlate.get(key) ?? bySitePlate.set(key, []).get(key)!).push(t);
  }
  for (const e of events) {
    let about: ReconTicket[];
    if (e.ticketId) about = byId.has(e.ticketId) ? [byId.get(e.ticketId)!] : [];
    else if (e.plate) {
      const flag = FLAGGED.has(e.type);
      about = (bySitePlate.get(`${e.siteId}|${normalisePlate(e.plate)}`) ?? []).filter(
        (t) => t.firstWeighedAt - EVENT_SLACK_MS <= e.at && e.at <= t.weighedAt + EVENT_SLACK_MS && (!flag || (t.flags ?? []).includes(e.type)),
      );
    } else about = [];
    if (about.length > 0) ties.set(e.id, about.sort((a, b) => (a.id < b.id ? -1 : 1)));
  }
  return ties;
}

/** Registered vehicles by normalised plate (events carry the plate the agent's registry gave). */
export function vehiclesByPlate(registry: Registry): Map<string, VehicleInfo> {
  return new Map([...registry.vehicles.values()].map((v) => [normalisePlate(v.plate), v]));
}

/**
 * The days a station event can change, as one ticket touch for dirty.ts: its own day; the day
 * before, when a ticket it is about could have completed then (up to EVENT_SLACK_MS before it);
 * the day after, when one could complete then (a visit under way at the event, or beginning up
 * to EVENT_SLACK_MS after it). Widening the touch that way holds whatever the custody window is.
 */
export function eventTouches(at: number, timezone: string): TicketTouch[] {
  const end = dayEnd(localDay(at, timezone), timezone);
  return [{ weighedAt: Math.min(at + EVENT_SLACK_MS, end - 1), firstWeighedAt: at - EVENT_SLACK_MS, timezone }];
}
