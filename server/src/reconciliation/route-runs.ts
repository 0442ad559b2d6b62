// Daily route runs: the schedule says which routes run on a day; collection
// tickets are matched to runs by vehicle, service day, stream and destination:
//   1. a route declared on the ticket wins (the station read it off the plan);
//   2. otherwise the vehicle's routes for that stream, preferring one scheduled
//      that day, then one whose destination is this site, then the lowest code.
// A run is judged once its day has closed: no trip at all is a missed run; fewer
// trips, or tonnes below the tolerance, is a short run.
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
  const routesByVehicle = new Map<string, RouteInfo[]>();
  for (const r of registry.routes.values()) for (const v of r.vehicleIds) (routesByVehicle.get(v) ?? routesByVehicle.set(v, []).get(v)!).push(r);

  const runs = new Map<string, RouteRunRow>();
  const runFor = (r: RouteInfo): RouteRunRow => {
    let run = runs.get(r.id);
    if (!run) {
      const scheduled = r.active && r.scheduleDays.has(weekday);
      run = { routeId: r.id, serviceDay: day, districtId: r.districtId, stream: r.stream, destinationSiteId: r.destinationSiteId, scheduled, plannedTrips: scheduled ? r.plannedTrips : 0, plannedKg: scheduled ? r.plannedKg : 0, trips: 0, netKg: 0, weighedKg: 0, storedTareKg: 0, keyedKg: 0, unplannedSiteTrips: 0, status: 'OPEN' };
      runs.set(r.id, run);
    }
    return run;
  };
  for (const r of registry.routes.values()) if (r.active && r.scheduleDays.has(weekday)) runFor(r);

  const result: RouteRunResult = { runs: [], runTickets: [], routeOf: new Map(), anomalies: [] };
  for (const t of tickets) {
    if (t.serviceDay !== day || t.direction !== 'IN' || arrivals.has(t.id)) continue; // a trailer's delivery is not a collection trip
    const site = registry.sites.get(t.siteId)!;
    if (site.kind === 'PROJECT_SITE') continue;
    const match = matchRoute(t, routesByVehicle.get(t.vehicleId) ?? [], registry, weekday);
    if (!match) continue;
    const { route, by } = match;
    const run = runFor(route);
    run.trips += 1;
    run.netKg += t.netKg;
    if (t.provenance === 'KEYED') run.keyedKg += t.netKg;
    else if (t.provenance === 'STORED_TARE') run.storedTareKg += t.netKg;
    else run.weighedKg += t.netKg;
    result.runTickets.push({ ticketId: t.id, routeId: route.id, serviceDay: day, matchedBy: by });
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
    run.status = judge(run, rules, isClosed(route.destinationSiteId));
    if (run.status === 'MISSED' || run.status === 'SHORT') result.anomalies.push(runAnomaly(run, route, evidence.get(run.routeId) ?? [], rules));
  }
  result.runs = [...runs.values()].sort((a, b) => (a.routeId < b.routeId ? -1 : 1));
  result.runTickets.sort((a, b) => (a.ticketId < b.ticketId ? -1 : 1));
  return result;
}

function matchRoute(t: ReconTicket, vehicleRoutes: readonly RouteInfo[], registry: Registry, weekday: number): { route: RouteInfo; by: 'DECLARED' | 'VEHICLE' } | null {
  if (t.routeId) {
    const declared = registry.routes.get(t.routeId);
    if (declared) return { route: declared, by: 'DECLARED' };
  }
  const candidates = vehicleRoutes.filter((r) => r.stream === t.stream);
  if (candidates.length === 0) return null;
  const rank = (r: RouteInfo) => (r.active && r.scheduleDays.has(weekday) ? 0 : 2) + (r.destinationSiteId === t.siteId ? 0 : 1);
  const [best] = [...candidates].sort((a, b) => rank(a) - rank(b) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { route: best!, by: 'VEHICLE' };
}

function judge(run: RouteRunRow, rules: ReconRules, closed: boolean): RouteRunRow['status'] {
  if (!run.scheduled) return 'UNSCHEDULED';
  if (!closed) return 'OPEN';
  if (run.trips === 0) return 'MISSED';
  if (run.trips < run.plannedTrips || run.netKg < Math.round(run.plannedKg * (1 - rules.routeKgTolerance))) return 'SHORT';
  return 'COMPLETE';
}

function runAnomaly(run: RouteRunRow, route: RouteInfo, evidence: string[], rules: ReconRules): AnomalyCandidate {
  const kind = run.status === 'MISSED' ? 'ROUTE_MISSED_RUN' : 'ROUTE_RUN_SHORT';
  const floorKg = Math.round(run.plannedKg * (1 - rules.routeKgTolerance));
  const summary =
    kind === 'ROUTE_MISSED_RUN'
      ? `route ${route.code} was scheduled on ${run.serviceDay} (${run.plannedTrips} trips, ${kg(run.plannedKg)}) and made no trip`
      : `route ${route.code} on ${run.serviceDay}: ${run.trips} of ${run.plannedTrips} trips, ${kg(run.netKg)} of ${kg(run.plannedKg)} planned`;
  const why = [`planned ${run.plannedTrips} trips and ${kg(run.plannedKg)} (tonnes may fall to ${kg(floorKg)})`, `weighed ${run.trips} trips and ${kg(run.netKg)}`];
  if (run.trips < run.plannedTrips) why.push(`${run.plannedTrips - run.trips} trip(s) missing`);
  return anomaly(
    kind,
    `${kind}:${route.id}:${run.serviceDay}`,
    { serviceDay: run.serviceDay, siteId: route.destinationSiteId, districtId: route.districtId, carrierId: null, vehicleId: null, routeId: route.id, permitId: null, stream: route.stream },
    summary,
    { why, plannedTrips: run.plannedTrips, trips: run.trips, plannedKg: run.plannedKg, netKg: run.netKg, minKg: floorKg },
    evidence,
  );
}
