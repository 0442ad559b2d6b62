// Where a departure must arrive; a custody leg that arrives elsewhere is LEG_WRONG_DESTINATION.
//   1. the departure's permit names the disposal site (处置证);
//   2. no permit: the route the departure ticket declares (the station read it off the plan);
//   3. otherwise the vehicle's own haul routes from the site it left (originSiteId: a transfer
//      trailer's plan, station → plant) for the departure's stream, in force and active that
//      day, those scheduled that day if any is: the load must reach one of their destinations.
// A collection route says nothing about where a load from a station goes (the load left its
// destination, or it is not a haul at all); a declared haul route speaks only for departures
// from its own origin. No permit and no such route: no expectation.
import { isoWeekday } from './calendar.js';
import { inEffect } from './route-runs.js';
import type { PermitInfo, ReconTicket, Registry, RouteInfo } from './types.js';

export type ExpectedBy = 'PERMIT' | 'DECLARED_ROUTE' | 'VEHICLE_ROUTE';

export interface ExpectedDestination {
  by: ExpectedBy;
  /** The site named: the arrival's own when one of several routes names it, else the first by route code. */
  siteId: string;
  permit: PermitInfo | null;
  route: RouteInfo | null;
  /** The line the leg's explanation gives, without the verdict. */
  says: string;
}

const byCode = (a: RouteInfo, b: RouteInfo) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

export function expectedDestination(out: ReconTicket, arrivalSiteId: string, registry: Registry): ExpectedDestination | null {
  const code = (siteId: string) => registry.sites.get(siteId)?.code ?? siteId;
  const permit = out.permitId ? registry.permits.get(out.permitId) : undefined;
  if (permit) return { by: 'PERMIT', siteId: permit.disposalSiteId, permit, route: null, says: `permit ${permit.permitNo} names ${code(permit.disposalSiteId)} for disposal` };

  // a haul route leads away from its origin only; a collection route from anywhere but into its destination
  const leadsAway = (r: RouteInfo) => inEffect(r, out.serviceDay) && r.destinationSiteId !== out.siteId && (r.originSiteId === null || r.originSiteId === out.siteId);
  const declared = out.routeId ? registry.routes.get(out.routeId) : undefined;
  if (declared && leadsAway(declared)) {
    return { by: 'DECLARED_ROUTE', siteId: declared.destinationSiteId, permit: null, route: declared, says: `route ${declared.code}, declared on the departure, delivers to ${code(declared.destinationSiteId)}` };
  }

  const own = [...registry.routes.values()].filter((r) => r.originSiteId === out.siteId && r.vehicleIds.has(out.vehicleId) && r.active && r.stream === out.stream && leadsAway(r)).sort(byCode);
  if (own.length === 0) return null;
  const weekday = isoWeekday(out.serviceDay);
  const today = own.filter((r) => r.scheduleDays.has(weekday));
  const routes = today.length > 0 ? today : own;
  const route = routes.find((r) => r.destinationSiteId === arrivalSiteId) ?? routes[0]!;
  const plate = registry.vehicles.get(out.vehicleId)?.plate ?? out.vehicleId;
  const sites = [...new Set(routes.map((r) => code(r.destinationSiteId)))];
  const says =
    routes.length === 1
      ? `${plate} runs route ${route.code} for ${out.stream}${today.length ? '' : ' (not scheduled that day)'}, which delivers to ${code(route.destinationSiteId)}`
      : `${plate} runs routes ${routes.map((r) => r.code).join(', ')} for ${out.stream}, which deliver to ${sites.join(' or ')}`;
  return { by: 'VEHICLE_ROUTE', siteId: route.destinationSiteId, permit: null, route, says };
}
