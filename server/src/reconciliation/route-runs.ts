// Daily route runs: the schedule says which routes run on a day; collection
// tickets are matched to runs by vehicle, service day, stream and destination:
//   1. a route declared on the ticket wins (the station read it off the plan);
//   2. otherwise the vehicle's routes for that stream, preferring one scheduled
//      that day, then one whose destination is this site, then the lowest code.
// A run is judged once its day has closed: no trip at all is a missed run; fewer
// trips, or tonnes below the tolerance (the route's own, else the rule's), is a short run. A route exists only on the
// days its plan is in force (effectiveFrom … effectiveTo): a changed plan is a new
// route, so a past run keeps the plan it was judged by.
// A haul route (originSiteId: a transfer station's trailers, station → plant) counts
// instead the inbound tickets at its destination that came from its origin: the arrival
// of a departure weighed there, or a ticket naming it as origin; declared on the ticket
// (or its departure), else the vehicle's haul routes from that origin to that site. A
// delivery elsewhere is not its trip (the leg is LEG_WRONG_DESTINATION, destination.ts).
// Haul tonnes were collected once already, into the station: they stay out of `routeOf`,
// so they never count as a district's collected tonnes (attribution.ts).
import { anomaly } from './anomalies.js';
import { isoWeekday } from './calendar.js';
import { kg } from './format.js';
import type { ReconRules } from './rules.js';
import type { AnomalyCandidate, Day, ReconTicket, Registry, RouteInfo, RouteRunRow, RunTicketRow } from './types.js';

export interface RouteRunResult {
  runs: RouteRunRow[];
  runTickets: RunTicketRow[];
  /** ticket id → the route whose run it counted towards */
  routeOf: Map<string, RouteInfo>;
  anomalies: AnomalyCandidate[];
}

export function routeRunsForDay(day: Day, tickets: readonly ReconTicket[], arrivals: ReadonlyMap<string, ReconTicket>, registry: Registry, rules: ReconRules, isClosed: (siteId: string) => boolean): RouteRunResult {
  const weekday = isoWeekday(day);
  const routes = [...registry.routes.values()].filter((r) => inEffect(r, day));
  const routesByVehicle = new Map<string, RouteInfo[]>();
  for (const r of routes) for (const v of r.vehicleIds) (routesByVehicle.get(v) ?? routesByVehicle.set(v, []).get(v)!).push(r);

  const runs = new Map<string, RouteRunRow>();
  const runFor = (r: RouteInfo): RouteRunRow => {
    let run = runs.get(r.id);
    if (!run) {
      const scheduled = r.active && r.scheduleDays.has(weekday);
      const plannedKg = scheduled ? r.plannedKg : 0;
      const kgTolerance = r.kgTolerance ?? rules.routeKgTolerance;
      run = {
        routeId: r.id, serviceDay: day, districtId: r.districtId, stream: r.stream, destinationSiteId: r.destinationSiteId, originSiteId: r.originSiteId, scheduled, plannedTrips: scheduled ? r.plannedTrips : 0, plannedKg,
        trips: 0, netKg: 0, weighedKg: 0, storedTareKg: 0, keyedKg: 0, estimatedKg: 0, unplannedSiteTrips: 0, status: 'OPEN',
        kgTolerance, kgToleranceSource: r.kgTolerance === null ? 'RULE' : 'ROUTE', minKg: Math.round(plannedKg * (1 - kgTolerance)), missedTrips: 0,
      };
      runs.set(r.id, run);
    }
    return run;
  };
  for (const r of routes) if (r.active && r.scheduleDays.has(weekday)) runFor(r);

  const result: RouteRunResult = { runs: [], runTickets: [], routeOf: new Map(), anomalies: [] };
  const count = (t: ReconTicket, route: RouteInfo, by: RunTicketRow['matchedBy']) => {
    const run = runFor(route);
    run.trips += 1;
    run.netKg += t.netKg;
    if (t.provenance === 'ESTIMATED') run.estimatedKg += t.netKg;
    else if (t.provenance === 'KEYED') run.keyedKg += t.netKg;
    else if (t.provenance === 'STORED_TARE') run.storedTareKg += t.netKg;
    else run.weighedKg += t.netKg;
    result.runTickets.push({ ticketId: t.id, routeId: route.id, serviceDay: day, matchedBy: by });
  };
  for (const t of tickets) {
    if (t.serviceDay !== day || t.direction !== 'IN') continue;
    const site = registry.sites.get(t.siteId)!;
    if (site.kind === 'PROJECT_SITE') continue;
    const departure = arrivals.get(t.id);
    const haul = matchHaulRoute(t, departure?.siteId ?? t.originSiteId, departure?.routeId ?? null, routesByVehicle.get(t.vehicleId) ?? [], registry, weekday);
    if (haul) {
      count(t, haul.route, haul.by);
      continue;
    }
    if (departure) continue; // a trailer's delivery is not a collection trip
    const match = matchRoute(t, routesByVehicle.get(t.vehicleId) ?? [], registry, weekday);
    if (!match) continue;
    const { route, by } = match;
    const run = runFor(route);
    count(t, route, by);
    result.routeOf.set(t.id, route);
    if (t.siteId !== route.destinationSiteId) {
      run.unplannedSiteTrips += 1;
      const dest = registry.sites.get(route.destinationSiteId);
      const vehicle = registry.vehicles.get(t.vehicleId);
      result.anomalies.push(
        anomaly(
          'ROUTE_UNPLANNED_SITE',
          `ROUTE_UNPLANNED_SITE:${t.id}`,
          { serviceDay: day, siteId: t.siteId, districtId: route.districtId, carrierId: vehicle?.carrierId ?? null, vehicleId: t.vehicleId, routeId: route.id, permitId: null, stream: t.stream },
          `route ${route.code} delivered ${kg(t.netKg)} ${t.stream} to ${site.code}; the run plans ${dest?.code ?? route.destinationSiteId} (${t.ticketNo})`,
          { why: [`${vehicle?.plate ?? t.vehicleId} counted towards route ${route.code} (${by === 'DECLARED' ? 'declared on the ticket' : 'the vehicle runs this route for this stream'})`, `the route delivers to ${dest?.code}, the ticket was weighed at ${site.code}`] },
          [t.id],
        ),
      );
    }
  }

  const evidence = new Map<string, string[]>();
  for (const rt of result.runTickets) (evidence.get(rt.routeId) ?? evidence.set(rt.routeId, []).get(rt.routeId)!).push(rt.ticketId);
  for (const run of runs.values()) {
    const route = registry.routes.get(run.routeId)!;
    run.status = judge(run, isClosed(route.destinationSiteId));
    // a trip not yet made is not missed until the day has closed
    run.missedTrips = run.status === 'OPEN' || run.status === 'UNSCHEDULED' ? 0 : Math.max(0, run.plannedTrips - run.trips);
    if (run.status === 'MISSED' || run.status === 'SHORT') result.anomalies.push(runAnomaly(run, route, evidence.get(run.routeId) ?? []));
  }
  result.runs = [...runs.values()].sort((a, b) => (a.routeId < b.routeId ? -1 : 1));
  result.runTickets.sort((a, b) => (a.ticketId < b.ticketId ? -1 : 1));
  return result;
}

const byCode = (a: RouteInfo, b: RouteInfo) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/** A collection trip's route; haul routes are never matched here. */
function matchRoute(t: ReconTicket, vehicleRoutes: readonly RouteInfo[], registry: Registry, weekday: number): { route: RouteInfo; by: 'DECLARED' | 'VEHICLE' } | null {
  if (t.routeId) {
    const declared = registry.routes.get(t.routeId);
    if (declared && declared.originSiteId === null && inEffect(declared, t.serviceDay)) return { route: declared, by: 'DECLARED' };
  }
  const candidates = vehicleRoutes.filter((r) => r.stream === t.stream && r.originSiteId === null);
  if (candidates.length === 0) return null;
  const rank = (r: RouteInfo) => (r.active && r.scheduleDays.has(weekday) ? 0 : 2) + (r.destinationSiteId === t.siteId ? 0 : 1);
  const [best] = [...candidates].sort((a, b) => rank(a) - rank(b) || byCode(a, b));
  return { route: best!, by: 'VEHICLE' };
}

/**
 * A haul trip's route: an inbound ticket at the route's destination from its origin (`origin`: where
 * its departure was weighed, else the origin the ticket names). A route declared on the ticket or
 * its departure wins (a ticket naming no origin is taken to come from the declared route's);
 * otherwise the vehicle's haul routes for the stream from that origin to this site, one
 * scheduled that day first, then the lowest code.
 */
function matchHaulRoute(t: ReconTicket, origin: string | null, departureRouteId: string | null, vehicleRoutes: readonly RouteInfo[], registry: Registry, weekday: number): { route: RouteInfo; by: 'DECLARED' | 'VEHICLE' } | null {
  const leadsHere = (r: RouteInfo, from: string | null) => r.originSiteId !== null && r.originSiteId === from && r.destinationSiteId === t.siteId && inEffect(r, t.serviceDay);
  for (const id of [t.routeId, departureRouteId]) {
    const declared = id ? registry.routes.get(id) : undefined;
    if (declared && leadsHere(declared, origin ?? declared.originSiteId)) return { route: declared, by: 'DECLARED' };
  }
  if (origin === null || origin === t.siteId) return null;
  const candidates = vehicleRoutes.filter((r) => r.stream === t.stream && leadsHere(r, origin));
  if (candidates.length === 0) return null;
  const rank = (r: RouteInfo) => (r.active && r.scheduleDays.has(weekday) ? 0 : 1);
  const [best] = [...candidates].sort((a, b) => rank(a) - rank(b) || byCode(a, b));
  return { route: best!, by: 'VEHICLE' };
}

/** Whether the route's plan is in force on the day (both ends included, null = open). */
export function inEffect(r: Pick<RouteInfo, 'effectiveFrom' | 'effectiveTo'>, day: Day): boolean {
  return (r.effectiveFrom === null || r.effectiveFrom <= day) && (r.effectiveTo === null || day <= r.effectiveTo);
}

function judge(run: RouteRunRow, closed: boolean): RouteRunRow['status'] {
  if (!run.scheduled) return 'UNSCHEDULED';
  if (!closed) return 'OPEN';
  if (run.trips === 0) return 'MISSED';
  if (run.trips < run.plannedTrips || run.netKg < run.minKg) return 'SHORT';
  return 'COMPLETE';
}

function runAnomaly(run: RouteRunRow, route: RouteInfo, evidence: string[]): AnomalyCandidate {
  const kind = run.status === 'MISSED' ? 'ROUTE_MISSED_RUN' : 'ROUTE_RUN_SHORT';
  const floorKg = run.minKg;
  const summary =
    kind === 'ROUTE_MISSED_RUN'
      ? `route ${route.code} was scheduled on ${run.serviceDay} (${run.plannedTrips} trips, ${kg(run.plannedKg)}) and made no trip`
      : `route ${route.code} on ${run.serviceDay}: ${run.trips} of ${run.plannedTrips} trips, ${kg(run.netKg)} of ${kg(run.plannedKg)} planned`;
  const tolerance = `${+(run.kgTolerance * 100).toFixed(1)}% tolerance, ${run.kgToleranceSource === 'ROUTE' ? 'the route’s own' : 'the deployment’s rule'}`;
  const why = [`planned ${run.plannedTrips} trips and ${kg(run.plannedKg)} (tonnes may fall to ${kg(floorKg)}: ${tolerance})`, `weighed ${run.trips} trips and ${kg(run.netKg)}`];
  if (run.missedTrips > 0) why.push(`${run.missedTrips} trip(s) missing`);
  if (run.estimatedKg > 0) why.push(`${kg(run.estimatedKg)} of the tonnes are estimates (估重) recorded while a scale could not weigh`);
  return anomaly(
    kind,
    `${kind}:${route.id}:${run.serviceDay}`,
    { serviceDay: run.serviceDay, siteId: route.destinationSiteId, districtId: route.districtId, carrierId: null, vehicleId: null, routeId: route.id, permitId: null, stream: route.stream },
    summary,
    { why, plannedTrips: run.plannedTrips, trips: run.trips, missedTrips: run.missedTrips, plannedKg: run.plannedKg, netKg: run.netKg, minKg: floorKg, kgTolerance: run.kgTolerance },
    evidence,
  );
}
