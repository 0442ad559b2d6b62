// Findings about the weighing itself, from the tickets and the agents' station events:
//   SCALE_INTEGRITY    — a WEIGHT_JUMP or NO_ZERO_RETURN about a ticket: its weight was taken
//                        while someone stepped on or off the deck, a second vehicle had wheels
//                        on it, or something was left on the bridge (压秤). One per ticket, on
//                        the ticket's service day, however many events.
//   CARD_DUPLICATE_USE — CARD_AT_TWO_LANES: one card presented at two lanes at once, a cloned
//                        or shared card. One per card per day (the events' day), with the
//                        tickets of the visits it interrupted as evidence.
//   REPEATED_WEIGHING  — repeats.ts.
// An event about no ticket raises no SCALE_INTEGRITY (station-events.ts says which are about
// one): the lane refused the vehicle or it left unweighed, so no tonne rests on that weight.
// The report-quality score still counts it. Events come from day − 1 … day + 1, like tickets,
// since a visit can cross midnight.
import { normalisePlate } from '@haulproof/contracts';
import { anomaly } from './anomalies.js';
import { iso, kg } from './format.js';
import { repeatedWeighings } from './repeats.js';
import { DEFAULT_RULES } from './rules.js';
import { tieEvents, vehiclesByPlate, type ReconStationEvent } from './station-events.js';
import type { AnomalyCandidate, Day, ReconTicket, Registry } from './types.js';

export function integrityForDay(day: Day, tickets: readonly ReconTicket[], events: readonly ReconStationEvent[], registry: Registry, repeatWithinMinutes = DEFAULT_RULES.repeatWithinMinutes): AnomalyCandidate[] {
  const ties = tieEvents(events, tickets, registry);
  return [...scaleFindings(day, events, ties, registry), ...cardFindings(day, events, ties, registry), ...repeatedWeighings(day, tickets, events, ties, registry, repeatWithinMinutes * 60_000)];
}

const eventFacts = (e: ReconStationEvent) => ({ id: e.id, eventNo: e.eventNo, type: e.type, at: iso(e.at), lane: e.lane, details: e.details });
const byTime = (a: ReconStationEvent, b: ReconStationEvent) => a.at - b.at || (a.id < b.id ? -1 : 1);

function scaleFindings(day: Day, events: readonly ReconStationEvent[], ties: ReadonlyMap<string, ReconTicket[]>, registry: Registry): AnomalyCandidate[] {
  const byTicket = new Map<string, { t: ReconTicket; events: ReconStationEvent[] }>();
  for (const e of events) {
    if (e.type !== 'WEIGHT_JUMP' && e.type !== 'NO_ZERO_RETURN') continue;
    for (const t of ties.get(e.id) ?? []) if (t.serviceDay === day) (byTicket.get(t.id) ?? byTicket.set(t.id, { t, events: [] }).get(t.id)!).events.push(e);
  }
  return [...byTicket.values()].map(({ t, events: list }) => {
    list.sort(byTime);
    const site = registry.sites.get(t.siteId)!;
    const vehicle = registry.vehicles.get(t.vehicleId);
    const what = [...new Set(list.map(condition))].join(' and ');
    return anomaly(
      'SCALE_INTEGRITY',
      `SCALE_INTEGRITY:${t.id}`,
      { serviceDay: day, siteId: t.siteId, districtId: site.districtId, carrierId: vehicle?.carrierId ?? null, vehicleId: t.vehicleId, routeId: t.routeId, permitId: t.permitId, stream: t.stream },
      `${vehicle?.plate ?? t.vehicleId} was weighed at ${site.code} while the scale ${what} (${t.ticketNo}): ${kg(t.netKg)} net rests on that weight`,
      { why: list.map((e) => `${e.eventNo} ${e.type}${e.lane ? ` on lane ${e.lane}` : ''}: ${e.message}`), events: list.map(eventFacts) },
      [t.id],
    );
  });
}

function condition(e: ReconStationEvent): string {
  const n = (k: string) => (typeof e.details[k] === 'number' ? (e.details[k] as number) : null);
  if (e.type === 'WEIGHT_JUMP') return n('jumpKg') === null ? 'jumped inside its stable window' : `jumped ${kg(n('jumpKg')!)} inside its stable window`;
  return n('lastKg') === null ? 'had not returned to zero' : `had not returned to zero (${kg(n('lastKg')!)} still on the deck)`;
}

function cardFindings(day: Day, events: readonly ReconStationEvent[], ties: ReadonlyMap<string, ReconTicket[]>, registry: Registry): AnomalyCandidate[] {
  const byCard = new Map<string, ReconStationEvent[]>();
  for (const e of events) {
    if (e.type !== 'CARD_AT_TWO_LANES' || e.serviceDay !== day) continue;
    const card = e.cardUid ?? (e.plate ? normalisePlate(e.plate) : null); // a plate typed in stands for its card
    if (card) (byCard.get(card) ?? byCard.set(card, []).get(card)!).push(e);
  }
  if (byCard.size === 0) return [];
  const plates = vehiclesByPlate(registry);
  return [...byCard].map(([card, list]) => {
    list.sort(byTime);
    const plate = list.find((e) => e.plate)?.plate ?? null;
    const vehicle = plate ? plates.get(normalisePlate(plate)) : undefined;
    const sites = [...new Set(list.map((e) => e.siteId))].sort();
    const siteId = sites.length === 1 ? sites[0]! : null;
    const codes = sites.map((s) => registry.sites.get(s)?.code ?? s).join(', ');
    const times = list.length === 1 ? 'once' : `${list.length} times`;
    return anomaly(
      'CARD_DUPLICATE_USE',
      `CARD_DUPLICATE_USE:${card}:${day}`,
      { serviceDay: day, siteId, districtId: siteId ? (registry.sites.get(siteId)?.districtId ?? null) : null, carrierId: vehicle?.carrierId ?? null, vehicleId: vehicle?.id ?? null, routeId: null, permitId: null, stream: null },
      `card ${card}${plate ? ` (${plate})` : ''} was presented at a second lane while in use at another, ${times} on ${day} at ${codes}: a cloned or shared card`,
      {
        why: list.map((e) => `${e.eventNo}: lane ${e.lane ?? '?'}${typeof e.details.otherLane === 'string' ? ` while in use at lane ${e.details.otherLane}` : ''}`),
        cardUid: list.find((e) => e.cardUid)?.cardUid ?? null,
        events: list.map(eventFacts),
      },
      list.flatMap((e) => (ties.get(e.id) ?? []).map((t) => t.id)),
    );
  });
}
