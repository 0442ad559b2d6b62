// SQL pieces the reconciliation read repositories share: how each scope narrows route runs
// and custody legs, and how their rows become views. Scope arrives as a filter and becomes SQL.
import type { CustodyLegView, ProvenanceTotals, RouteRunView, StationBalanceView } from '@haulproof/contracts';
import type { Where } from '../sql-where.js';
import type { QueryScope } from './recon-query.repository.js';

/** Route runs a scope covers: a district's routes, runs delivering to the site, routes a carrier's trucks serve. `t` has district_id and destination_site_id. */
export function inRunScope(w: Where, scope: QueryScope, t: string, routeId: string): Where {
  if (scope.kind === 'district') w.add(`${t}.district_id = ?`, scope.districtId);
  if (scope.kind === 'site') w.add(`${t}.destination_site_id = ?`, scope.siteId);
  if (scope.kind === 'carrier') w.add(`EXISTS (SELECT 1 FROM route_vehicle rv JOIN vehicle v ON v.id = rv.vehicle_id WHERE rv.route_id = ${routeId} AND v.carrier_id = ?)`, scope.carrierId);
  return w;
}

/** Custody legs a scope covers (l: the leg, fs/ts: its sites, v: its vehicle): leaving or reaching the site or district; a carrier's own trucks. */
export function inLegScope(w: Where, scope: QueryScope): Where {
  if (scope.kind === 'site') w.add('(l.from_site_id = ? OR l.to_site_id = ?)', scope.siteId, scope.siteId);
  if (scope.kind === 'district') w.add('(fs.district_id = ? OR ts.district_id = ?)', scope.districtId, scope.districtId);
  if (scope.kind === 'carrier') w.add('v.carrier_id = ?', scope.carrierId);
  return w;
}

/** Permits a scope covers (p: the permit): the origin or disposal site, either site's district, the carrier's own. */
export function inPermitScope(w: Where, scope: QueryScope): Where {
  if (scope.kind === 'site') w.add('(p.origin_site_id = ? OR p.disposal_site_id = ?)', scope.siteId, scope.siteId);
  if (scope.kind === 'district') w.add('EXISTS (SELECT 1 FROM site s WHERE s.id IN (p.origin_site_id, p.disposal_site_id) AND s.district_id = ?)', scope.districtId);
  if (scope.kind === 'carrier') w.add('p.carrier_id = ?', scope.carrierId);
  return w;
}

/**
 * One of the conditions above as a boolean for a SELECT list, its values kept in `w` (no scope:
 * nothing is covered). The trace uses it to count what it leaves out.
 */
export function scopeExpr(w: Where, scope: QueryScope | null, narrow: (w: Where, scope: QueryScope) => Where): string {
  if (!scope) return 'false';
  const before = w.parts.length;
  const parts = narrow(w, scope).parts.splice(before);
  return parts.length ? `coalesce(${parts.join(' AND ')}, false)` : 'true';
}

/**
 * Each leg's departure and arrival provenance, read from ticket_effective at query time (the leg
 * table does not store it). Joined by the tickets' primary key; `l` is the leg.
 */
export const LEG_PROVENANCE_JOINS = 'LEFT JOIN ticket_effective oe ON oe.id = l.out_ticket_id LEFT JOIN ticket_effective ie ON ie.id = l.in_ticket_id';
export const LEG_PROVENANCE_COLUMNS = 'oe.provenance AS out_provenance, ie.provenance AS in_provenance';

export function legView(l: Record<string, any>): CustodyLegView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    outTicketId: l.out_ticket_id, serviceDay: l.day, vehicleId: l.vehicle_id, plate: l.plate, fromSiteId: l.from_site_id, stream: l.stream_code, outKg: l.out_kg, outProvenance: l.out_provenance,
    departedAt: l.departed_at.toISOString(), deadlineAt: l.deadline_at.toISOString(), status: l.status, inTicketId: l.in_ticket_id, toSiteId: l.to_site_id, inKg: l.in_kg, inProvenance: l.in_provenance ?? null,
    arrivedAt: iso(l.arrived_at), explanation: l.explanation,
  };
}

export function runView(r: Record<string, any>): RouteRunView {
  return {
    routeId: r.route_id, routeCode: r.route_code, serviceDay: r.day, districtId: r.district_id, stream: r.stream_code, destinationSiteId: r.destination_site_id,
    kind: r.origin_site_id ? 'HAUL' : 'COLLECTION', originSiteId: r.origin_site_id ?? null, scheduled: r.scheduled,
    plannedTrips: r.planned_trips, plannedKg: r.planned_kg, trips: r.trips, kg: { total: r.net_kg, WEIGHED: r.weighed_kg, STORED_TARE: r.stored_tare_kg, KEYED: r.keyed_kg, ESTIMATED: r.estimated_kg }, unplannedSiteTrips: r.unplanned_site_trips, status: r.status,
    tolerance: { share: r.kg_tolerance, source: r.kg_tolerance_source, minKg: r.min_kg }, missedTrips: r.missed_trips,
  };
}

/** A balance row's kg by provenance; rows computed before ESTIMATED existed lack it (0). */
export const balanceProvenance = (p: Record<'in' | 'out', Omit<ProvenanceTotals, 'total' | 'ESTIMATED'> & { ESTIMATED?: number }>): StationBalanceView['provenance'] => ({
  in: { ...p.in, ESTIMATED: p.in.ESTIMATED ?? 0 },
  out: { ...p.out, ESTIMATED: p.out.ESTIMATED ?? 0 },
});

export function balanceView(b: Record<string, any>): StationBalanceView {
  return {
    siteId: b.site_id, serviceDay: b.day, stream: b.stream_code, openingKg: { min: b.opening_min_kg, max: b.opening_max_kg }, inKg: b.in_kg, outKg: b.out_kg, lossAllowanceKg: b.loss_allowance_kg,
    closingKg: { min: b.closing_min_kg, max: b.closing_max_kg }, carriedKg: { min: b.carried_min_kg, max: b.carried_max_kg }, toleranceKg: b.tolerance_kg, imbalanceKg: b.imbalance_kg, provenance: balanceProvenance(b.provenance), mix: b.mix,
  };
}
