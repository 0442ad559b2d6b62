// Custody legs: every outbound weighing matched to the inbound weighing that
// delivered it. The rule, deterministic and explained on every leg:
//   the arrival of a departure is the same vehicle's next weighing, if that is an
//   inbound weighing at another site that began within the custody window.
// A truck cannot be loaded twice without unloading, so a next weighing that is
// another departure (or at the same site) means the first load went somewhere unweighed.
// It must arrive where its permit, or with no permit its route, names (destination.ts).
import { kg, minutes, signedKg } from './format.js';
import type { ReconRules } from './rules.js';
import { transitLossShare } from './rules.js';
import { anomaly } from './anomalies.js';
import { expectedDestination } from './destination.js';
import type { VehicleTimelines } from './timeline.js';
import type { AnomalyCandidate, CustodyLegRow, Day, ReconTicket, Registry } from './types.js';

export interface CustodyResult {
  legs: CustodyLegRow[];
  /** Inbound tickets of the day that delivered a departure (the departure may be yesterday's). */
  arrivals: Map<string, ReconTicket>;
  anomalies: AnomalyCandidate[];
}

const isArrivalOf = (out: ReconTicket, next: ReconTicket | null, windowMs: number): boolean =>
  next !== null && next.direction === 'IN' && next.siteId !== out.siteId && next.firstWeighedAt - out.weighedAt <= windowMs;

export function custodyForDay(day: Day, tickets: readonly ReconTicket[], timelines: VehicleTimelines, registry: Registry, rules: ReconRules, asOf: number): CustodyResult {
  const windowMs = rules.custodyWindowMinutes * 60_000;
  // Only weighings inside the window count, in the match and in its explanation: a
  // ticket far outside it cannot change a day's result (the incremental path relies on it).
  const within = (t: ReconTicket, other: ReconTicket | null) => (other && Math.abs(Math.max(other.firstWeighedAt, t.firstWeighedAt) - Math.min(other.weighedAt, t.weighedAt)) <= windowMs ? other : null);
  const result: CustodyResult = { legs: [], arrivals: new Map(), anomalies: [] };
  for (const t of tickets) {
    if (t.serviceDay !== day) continue;
    if (t.direction === 'OUT') result.legs.push(leg(t, within(t, timelines.next(t)), registry, rules, asOf, windowMs, result.anomalies));
    else {
      const prev = within(t, timelines.previous(t));
      if (prev && prev.direction === 'OUT' && isArrivalOf(prev, t, windowMs)) result.arrivals.set(t.id, prev);
      else unmatchedArrival(t, prev, registry, result.anomalies);
    }
  }
  return result;
}

function leg(out: ReconTicket, next: ReconTicket | null, registry: Registry, rules: ReconRules, asOf: number, windowMs: number, anomalies: AnomalyCandidate[]): CustodyLegRow {
  const from = registry.sites.get(out.siteId)!;
  const vehicle = registry.vehicles.get(out.vehicleId);
  const plate = vehicle?.plate ?? out.vehicleId;
  const deadlineAt = out.weighedAt + windowMs;
  const base = { outTicketId: out.id, serviceDay: out.serviceDay, vehicleId: out.vehicleId, fromSiteId: out.siteId, stream: out.stream, outKg: out.netKg, departedAt: out.weighedAt, deadlineAt };
  const scope = { serviceDay: out.serviceDay, siteId: out.siteId, districtId: from.districtId, carrierId: vehicle?.carrierId ?? null, vehicleId: out.vehicleId, routeId: null, permitId: out.permitId, stream: out.stream };
  const why = [`departure ${out.ticketNo}: ${plate} left ${from.code} with ${kg(out.netKg)} ${out.stream}`];

  if (!isArrivalOf(out, next, windowMs)) {
    const nextSays = !next
      ? `no weighing of ${plate} within ${rules.custodyWindowMinutes} min of departure`
      : next.direction === 'OUT'
        ? `next weighing of ${plate} is another departure (${next.ticketNo}), so this load was unloaded somewhere unweighed`
        : `next weighing of ${plate} is back at ${from.code} (${next.ticketNo})`;
    // Still inside the window and no later weighing says otherwise: on its way.
    if (!next && asOf < deadlineAt) {
      return { ...base, status: 'IN_TRANSIT', inTicketId: null, toSiteId: null, inKg: null, arrivedAt: null, explanation: { why: [...why, `${nextSays}; on its way until ${new Date(deadlineAt).toISOString()}`] } };
    }
    const explanation = { why: [...why, nextSays, `possible dumping: no arrival within ${rules.custodyWindowMinutes} min`], nextTicketId: next?.id ?? null };
    anomalies.push(anomaly('LEG_NO_ARRIVAL', `LEG_NO_ARRIVAL:${out.id}`, scope, `${plate} left ${from.code} with ${kg(out.netKg)} ${out.stream} (${out.ticketNo}) and did not arrive anywhere within ${rules.custodyWindowMinutes} min: possible dumping`, explanation, [out.id]));
    return { ...base, status: 'NO_ARRIVAL', inTicketId: null, toSiteId: null, inKg: null, arrivedAt: null, explanation };
  }

  if (!next) throw new Error('unreachable: an arrival is a ticket');
  const to = registry.sites.get(next.siteId)!;
  const transit = minutes(next.firstWeighedAt - out.weighedAt);
  const diff = next.netKg - out.netKg;
  const tol = Math.max(rules.legToleranceKg, Math.round(out.netKg * rules.legToleranceShare));
  const minKg = out.netKg - Math.round(out.netKg * transitLossShare(rules, out.stream)) - tol;
  const maxKg = out.netKg + tol;
  const weightOk = next.netKg >= minKg && next.netKg <= maxKg;
  // 估重: an end recorded with an estimate was never weighed, so it cannot prove a difference.
  // The leg is still matched on custody (vehicle, window, destination, stream); only the weight
  // comparison is left out, and the explanation says so.
  const estimatedEnds = [out.provenance === 'ESTIMATED' ? 'departure' : null, next.provenance === 'ESTIMATED' ? 'arrival' : null].filter((e): e is string => e !== null);
  const weightCompared = estimatedEnds.length === 0;
  const destination = expectedDestination(out, next.siteId, registry);
  const expected = destination?.siteId ?? null;
  why.push(
    `arrival ${next.ticketNo}: the same vehicle's next weighing, inbound at ${to.code}, began ${transit} min after departure (window ${rules.custodyWindowMinutes} min)`,
    weightCompared
      ? `arrived with ${kg(next.netKg)} (${signedKg(diff)}; allowed ${kg(minKg)} … ${kg(maxKg)})${weightOk ? '' : ' — OUTSIDE tolerance'}`
      : `arrived with ${kg(next.netKg)} (${signedKg(diff)}); weights NOT compared: the ${estimatedEnds.join(' and ')} weight is an estimate (估重, the scale could not weigh), which cannot prove a difference`,
  );
  if (destination) why.push(`${destination.says}${expected === next.siteId ? '' : ' — DIFFERENT site'}`);
  if (next.stream !== out.stream) why.push(`declared ${next.stream} on arrival, ${out.stream} on departure — stream CHANGED`);
  // a route's expectation says which route; a permit's is the leg's permitId
  const byRoute = destination?.route ? { expectedBy: destination.by, expectedRouteId: destination.route.id } : {};
  const explanation = { why, transitMinutes: transit, diffKg: diff, allowedMinKg: minKg, allowedMaxKg: maxKg, expectedSiteId: expected, ...byRoute, weightCompared };
  const evidence = [out.id, next.id].sort();
  if (weightCompared && !weightOk) anomalies.push(anomaly('LEG_WEIGHT_MISMATCH', `LEG_WEIGHT_MISMATCH:${out.id}`, scope, `${plate} left ${from.code} with ${kg(out.netKg)} and arrived at ${to.code} with ${kg(next.netKg)} (${signedKg(diff)}, allowed ${kg(minKg)} … ${kg(maxKg)})`, explanation, evidence));
  if (destination && expected !== next.siteId) {
    const named = registry.sites.get(destination.siteId)?.code ?? destination.siteId;
    const summary = destination.permit ? `${plate} under permit ${destination.permit.permitNo} delivered to ${to.code}, not the named ${named}` : `${plate} on route ${destination.route!.code} delivered to ${to.code}, not the route’s ${named}`;
    anomalies.push(anomaly('LEG_WRONG_DESTINATION', `LEG_WRONG_DESTINATION:${out.id}`, destination.route ? { ...scope, routeId: destination.route.id } : scope, summary, explanation, evidence));
  }
  if (next.stream !== out.stream) anomalies.push(anomaly('LEG_STREAM_CHANGED', `LEG_STREAM_CHANGED:${out.id}`, scope, `${plate} left ${from.code} as ${out.stream} and arrived at ${to.code} declared as ${next.stream}`, explanation, evidence));
  return { ...base, status: 'DELIVERED', inTicketId: next.id, toSiteId: next.siteId, inKg: next.netKg, arrivedAt: next.firstWeighedAt, explanation };
}

/** An inbound load that names an origin which weighs its departures, with no departure weighed. */
function unmatchedArrival(t: ReconTicket, prev: ReconTicket | null, registry: Registry, anomalies: AnomalyCandidate[]): void {
  if (!t.originSiteId || t.originSiteId === t.siteId) return;
  const origin = registry.sites.get(t.originSiteId);
  if (!origin?.weighs) return;
  const site = registry.sites.get(t.siteId)!;
  const vehicle = registry.vehicles.get(t.vehicleId);
  const plate = vehicle?.plate ?? t.vehicleId;
  const why = [`arrival ${t.ticketNo}: ${plate} at ${site.code} declares origin ${origin.code}, which weighs departures`, prev ? `the vehicle's previous weighing within the custody window (${prev.ticketNo}) is not a departure that this arrival can close` : 'no earlier weighing of the vehicle within the custody window'];
  anomalies.push(
    anomaly('ARRIVAL_WITHOUT_DEPARTURE', `ARRIVAL_WITHOUT_DEPARTURE:${t.id}`, { serviceDay: t.serviceDay, siteId: t.siteId, districtId: site.districtId, carrierId: vehicle?.carrierId ?? null, vehicleId: t.vehicleId, routeId: null, permitId: t.permitId, stream: t.stream }, `${plate} arrived at ${site.code} from ${origin.code} (${t.ticketNo}) but no departure from ${origin.code} was weighed`, { why }, [t.id]),
  );
}
