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
