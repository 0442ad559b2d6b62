import type { Prisma } from '../../generated/prisma/client.js';
import type { FleetScope } from '../../services/principal.js';

// The fleet filter (principal.ts fleetScope) as WHERE clauses, one per table.
// A district dispatcher's fleet is the carriers registered in that district.

export function carrierWhere(s: FleetScope): Prisma.CarrierWhereInput {
  switch (s.kind) {
    case 'all':
      return {};
    case 'carrier':
      return { id: s.carrierId };
    case 'district':
      return { districtId: s.districtId };
  }
}

/** Vehicles and drivers: both belong to one carrier. */
export function ownedByCarrierWhere(s: FleetScope): { carrierId?: string; carrier?: Prisma.CarrierWhereInput } {
  switch (s.kind) {
    case 'all':
      return {};
    case 'carrier':
      return { carrierId: s.carrierId };
    case 'district':
      return { carrier: { districtId: s.districtId } };
  }
}

/** Cards follow their vehicle. */
export function cardWhere(s: FleetScope): Prisma.CardWhereInput {
  return s.kind === 'all' ? {} : { vehicle: ownedByCarrierWhere(s) };
}
