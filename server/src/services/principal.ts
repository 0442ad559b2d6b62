import type { UserRole } from '@haulproof/contracts';

/** Who is asking. Scope ids come from the user row, never from the request. */
export interface Principal {
  userId: string;
  username: string;
  role: UserRole;
  siteId: string | null; // operator
  carrierId: string | null; // dispatcher of a carrier
  districtId: string | null; // dispatcher or inspector of a district
}

/** The slice of the city a ticket, vehicle or site belongs to. */
export interface ResourceScope {
  siteId?: string | null;
  districtId?: string | null;
  carrierId?: string | null;
}

/**
 * Can this person see a thing in this scope?
 * - admin and a city-wide inspector see everything;
 * - an operator sees their own site;
 * - a dispatcher sees their carrier's vehicles, or their district;
 * - a district inspector sees their district.
 */
export function canSee(p: Principal, r: ResourceScope): boolean {
  switch (p.role) {
    case 'ADMIN':
      return true;
    case 'INSPECTOR':
      return p.districtId === null || r.districtId === p.districtId;
    case 'OPERATOR':
      return r.siteId != null && r.siteId === p.siteId;
    case 'DISPATCHER':
      return p.carrierId !== null ? r.carrierId != null && r.carrierId === p.carrierId : r.districtId != null && r.districtId === p.districtId;
  }
}

/** socket.io rooms a person joins: their role, and the narrowest room of their scope. */
export function roomsFor(p: Principal): string[] {
  const rooms = [`role:${p.role}`];
  if (p.role === 'ADMIN' || (p.role === 'INSPECTOR' && !p.districtId)) rooms.push('city');
  if (p.siteId) rooms.push(`site:${p.siteId}`);
  if (p.carrierId) rooms.push(`carrier:${p.carrierId}`);
  if (p.districtId) rooms.push(`district:${p.districtId}`);
  return rooms;
}

/** Rooms an event about a thing in this scope goes to. */
export function roomsOf(r: ResourceScope): string[] {
  const rooms = ['city'];
  if (r.siteId) rooms.push(`site:${r.siteId}`);
  if (r.districtId) rooms.push(`district:${r.districtId}`);
  if (r.carrierId) rooms.push(`carrier:${r.carrierId}`);
  return rooms;
}

// ───────── registry read policy ─────────
// canSee answers for one ticket-like thing. Registry lists are filtered in the database, so for
// them the policy is a filter: which slice of a table this person may read, or null (403).
// The repositories turn each filter into a WHERE clause; what "district" or "site" means there
// depends on the table and is spelled out next to each function below.

export interface Everything { kind: 'all' }
export interface InDistrict { kind: 'district'; districtId: string }
export interface OfCarrier { kind: 'carrier'; carrierId: string }
export interface AtSite { kind: 'site'; siteId: string }

export type FleetScope = Everything | InDistrict | OfCarrier;
export type RouteScope = Everything | InDistrict | OfCarrier | AtSite;
export type PermitScope = Everything | InDistrict | OfCarrier | AtSite;
export type TargetScope = Everything | InDistrict;
export type DeviceScope = Everything | InDistrict | AtSite;

const EVERYTHING: Everything = { kind: 'all' };

/** Only admins change the registry (sites, fleet, routes, permits, targets, devices) and users. */
export const REGISTRY_WRITERS: readonly UserRole[] = ['ADMIN'];
export const USER_ADMINS: readonly UserRole[] = ['ADMIN'];

function cityWide(p: Principal): boolean {
  return p.role === 'ADMIN' || (p.role === 'INSPECTOR' && p.districtId === null);
}
function ownDistrict(p: Principal): InDistrict | null {
  return p.districtId ? { kind: 'district', districtId: p.districtId } : null;
}
function ownCarrierOrDistrict(p: Principal): OfCarrier | InDistrict | null {
  return p.carrierId ? { kind: 'carrier', carrierId: p.carrierId } : ownDistrict(p);
}
function ownSite(p: Principal): AtSite | null {
  return p.siteId ? { kind: 'site', siteId: p.siteId } : null;
}

/**
 * Carriers, vehicles, drivers and cards. Operators must identify any arriving truck and
 * inspectors audit any of them, so only dispatchers are narrowed: to their carrier, or to
 * the carriers registered in their district (carrier.district_id).
 */
export function fleetScope(p: Principal): FleetScope | null {
  return p.role === 'DISPATCHER' ? ownCarrierOrDistrict(p) : EVERYTHING;
}

/**
 * Collection routes. district: route.district_id; carrier: routes that include one of the
 * carrier's vehicles; site: routes whose destination is the site.
 */
export function routeScope(p: Principal): RouteScope | null {
  if (cityWide(p)) return EVERYTHING;
  return p.role === 'OPERATOR' ? ownSite(p) : ownCarrierOrDistrict(p);
}

/**
 * Disposal permits. district: origin or disposal site in the district; carrier: the permit's
 * carrier; site: the site is the permit's origin or disposal site.
 */
export function permitScope(p: Principal): PermitScope | null {
  if (cityWide(p)) return EVERYTHING;
  return p.role === 'OPERATOR' ? ownSite(p) : ownCarrierOrDistrict(p);
}

/** District targets: the bureau and district offices; not operators or carriers. */
export function targetScope(p: Principal): TargetScope | null {
  if (cityWide(p)) return EVERYTHING;
  if (p.role === 'INSPECTOR' || (p.role === 'DISPATCHER' && p.carrierId === null)) return ownDistrict(p);
  return null;
}

/** Station devices. district: the device's site is in the district; site: the operator's own station. Not dispatchers. */
export function deviceScope(p: Principal): DeviceScope | null {
  if (cityWide(p)) return EVERYTHING;
  if (p.role === 'INSPECTOR') return ownDistrict(p);
  if (p.role === 'OPERATOR') return ownSite(p);
  return null;
}

/**
 * Station events (anti-cheat and faults at the weighbridge): like devices, plus district dispatchers,
 * who chase the trucks involved. Not carrier dispatchers: an event at a station names other carriers' trucks.
 */
export function stationEventScope(p: Principal): DeviceScope | null {
  if (cityWide(p)) return EVERYTHING;
  if (p.role === 'OPERATOR') return ownSite(p);
  if (p.role === 'INSPECTOR' || (p.role === 'DISPATCHER' && p.carrierId === null)) return ownDistrict(p);
  return null;
}

/** A person's scope as query facts (null = no restriction): for tickets and everything derived from them. */
export interface ScopeFilter {
  siteId: string | null;
  carrierId: string | null;
  districtId: string | null;
}

export function scopeFilter(p: Principal): ScopeFilter {
  switch (p.role) {
    case 'ADMIN':
      return { siteId: null, carrierId: null, districtId: null };
    case 'OPERATOR':
      return { siteId: p.siteId, carrierId: null, districtId: null };
    case 'DISPATCHER':
      return { siteId: null, carrierId: p.carrierId, districtId: p.carrierId ? null : p.districtId };
    case 'INSPECTOR':
      return { siteId: null, carrierId: null, districtId: p.districtId };
  }
}
