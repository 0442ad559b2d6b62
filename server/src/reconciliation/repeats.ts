// REPEATED_WEIGHING: the same vehicle weighed twice at one site, in the same direction, within
// minutes, and both tickets stand (a voided ticket is not reconciled). The second ticket counts
// one load again: the site's intake, the route's run and the district's tonnes all grow by a
// load that never was.
//
// Found from the tickets, not only from the agents' REPEAT_WEIGHING events: the ledger is what
// the figures are made of, and an agent knows only its own journal — a second device at the
// site, a journal lost in a crash or a weight keyed in elsewhere escape it. The events add what
// the agent knew: a ticket it flagged as a repeat (the operator overrode its refusal) is one as
// far back as the event says the last weighing was, even beyond the rule's repeatWithinMinutes, since a
// station may refuse repeats over a longer window than ours. A refusal that was not overridden
// made no ticket and is about nothing (station-events.ts).
import { anomaly } from './anomalies.js';
import { kg, minutes } from './format.js';
import type { ReconStationEvent } from './station-events.js';
import type { AnomalyCandidate, Day, ReconTicket, Registry } from './types.js';

/** An event's minutesSinceLast is floored and taken before the first pass settles: allow this much more. */
const CLAIM_GRACE_MS = 3 * 60_000;

export function repeatedWeighings(day: Day, tickets: readonly ReconTicket[], events: readonly ReconStationEvent[], ties: ReadonlyMap<string, ReconTicket[]>, registry: Registry, repeatWithinMs: number): AnomalyCandidate[] {
  const flagged = new Map<string, ReconStationEvent[]>(); // second ticket id → the agent's REPEAT_WEIGHING events about it
  for (const e of events) {
    if (e.type !== 'REPEAT_WEIGHING') continue;
    for (const t of ties.get(e.id) ?? []) (flagged.get(t.id) ?? flagged.set(t.id, []).get(t.id)!).push(e);
  }
  const visits = new Map<string, ReconTicket[]>();
  for (const t of tickets) {
    const key = `${t.siteId}|${t.vehicleId}|${t.direction}`;
    (visits.get(key) ?? visits.set(key, []).get(key)!).push(t);
  }

  const out: AnomalyCandidate[] = [];
  for (const list of visits.values()) {
    list.sort((a, b) => a.firstWeighedAt - b.firstWeighedAt || a.weighedAt - b.weighedAt || (a.id < b.id ? -1 : 1));
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!;
      const b = list[i]!;
      if (b.serviceDay !== day) continue;
      const gap = b.firstWeighedAt - a.weighedAt;
      const byAgent = (flagged.get(b.id) ?? []).sort((x, y) => x.at - y.at || (x.id < y.id ? -1 : 1));
      const claimed = byAgent.map((e) => (typeof e.details.minutesSinceLast === 'number' ? e.details.minutesSinceLast * 60_000 + CLAIM_GRACE_MS : 0));
      if (gap >= Math.max(repeatWithinMs, ...claimed)) continue;

      const site = registry.sites.get(b.siteId)!;
      const vehicle = registry.vehicles.get(b.vehicleId);
      const plate = vehicle?.plate ?? b.vehicleId;
      const m = minutes(Math.max(0, gap));
      const why = [
        `both tickets stand (neither was voided); one vehicle cannot carry two loads ${m} min apart`,
        ...(byAgent.length ? [`the station flagged it as a repeat and the operator let it through: ${byAgent.map((e) => e.eventNo).join(', ')}`] : []),
      ];
      out.push(
        anomaly(
          'REPEATED_WEIGHING',
          `REPEATED_WEIGHING:${b.id}`,
          { serviceDay: day, siteId: b.siteId, districtId: site.districtId, carrierId: vehicle?.carrierId ?? null, vehicleId: b.vehicleId, routeId: b.routeId, permitId: b.permitId, stream: b.stream },
          `${plate} was weighed again at ${site.code} ${m} min after its last ticket there (${a.ticketNo}, then ${b.ticketNo}): ${kg(b.netKg)} may be counted twice`,
          { why, gapMinutes: m, earlierTicketId: a.id, netKg: b.netKg, stationEvents: byAgent.map((e) => e.eventNo) },
          [a.id, b.id],
        ),
      );
    }
  }
  return out;
}
