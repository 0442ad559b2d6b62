// Which stored days a registry edit can change. A day reads the registry only through
// `Registry` (types.ts); each entity's facts below are exactly the fields it reads there
// (the types make a new field a compile error here), so an edit that leaves them equal
// (a name, a phone number, a route's stops) changes nothing stored.
//   site, scale   — every day: a site's code, kind, streams and capacity appear in any day's
//                   checks, and every site's zone decides when a day closes; scales decide
//                   whether a site weighs its departures;
//   vehicle, carrier, district — every day, on update (a plate, tare or carrier district is read
//                   wherever the vehicle was weighed or a station event names its plate). Created
//                   or deleted, no ticket can name them: the ledger's foreign keys keep a
//                   referenced row from deletion;
//   route         — the days of its old and new plan windows (outside its window a route does
//                   not exist, route-runs.ts); if only the window moved, the days that moved;
//   permit        — the days of tickets naming it, and the day after (an arrival is checked
//                   against its departure's permit). Its dates appear in an out-of-date
//                   finding, so validFrom alone cannot bound it. New or deleted: no ticket names it.
// What follows from a day's changed hand-over is the engine's cascade, not listed here.
import type { StreamCode } from '@haulproof/contracts';
import type { RegistryChange, RegistryEntity, RegistryRows } from '../services/registry/registry-changes.js';
import { inEffect } from './route-runs.js';
import type { Day, PermitInfo, Registry, RouteInfo, SiteInfo, VehicleInfo } from './types.js';

/** Which edits feed each part of `Registry`: a new part is a compile error here until its edits are announced and reached. */
export const REGISTRY_SOURCES: { [K in keyof Registry]: readonly RegistryEntity[] } = {
  sites: ['site', 'scale'],
  vehicles: ['vehicle', 'carrier'],
  routes: ['route'],
  permits: ['permit'],
  districtCodes: ['district'],
};

export type RegistryReach = { kind: 'days'; covers: (day: Day) => boolean } | { kind: 'permit-tickets'; permitId: string };

type Facts<T, Drop extends keyof T> = { [K in Exclude<keyof T, Drop>]: T[K] extends ReadonlySet<infer E> ? E[] : T[K] };
const day = (d: Date | null): Day | null => (d ? d.toISOString().slice(0, 10) : null);
const sorted = <T>(xs: readonly T[]): T[] => [...xs].sort();

const facts: { [E in keyof RegistryRows]: (row: RegistryRows[E]) => object } = {
  site: (s): Facts<SiteInfo, 'id' | 'weighs'> => ({ code: s.code, kind: s.kind, districtId: s.districtId, capacityTpd: s.capacityTpd, timezone: s.timezone, streams: sorted(s.streams.map((x) => x.streamCode)) }),
  scale: (s): Pick<SiteInfo, 'weighs'> & { siteId: string } => ({ siteId: s.siteId, weighs: s.active }),
  district: (d): { code: string } => ({ code: d.code }),
  carrier: (c): Pick<VehicleInfo, 'carrierDistrictId'> => ({ carrierDistrictId: c.districtId }),
  vehicle: (v): Facts<VehicleInfo, 'id' | 'carrierDistrictId'> => ({ plate: v.plate, carrierId: v.carrierId, storedTareKg: v.storedTareKg, maxGrossKg: v.maxGrossKg, streams: sorted(v.streams.map((x) => x.streamCode)) }),
  route: (r): Facts<RouteInfo, 'id'> => ({ ...plan(r), ...window(r) }),
  permit: (p): Facts<PermitInfo, 'id'> => ({
    permitNo: p.permitNo,
    originSiteId: p.originSiteId,
    disposalSiteId: p.disposalSiteId,
    carrierId: p.carrierId,
    stream: p.streamCode as StreamCode,
    validFrom: day(p.validFrom)!,
    validTo: day(p.validTo)!,
    vehicleIds: sorted(p.vehicles.map((v) => v.vehicleId)),
  }),
};

function plan(r: RegistryRows['route']): Omit<Facts<RouteInfo, 'id'>, 'effectiveFrom' | 'effectiveTo'> {
  return { code: r.code, districtId: r.districtId, stream: r.streamCode as StreamCode, destinationSiteId: r.destinationSiteId, originSiteId: r.originSiteId, scheduleDays: sorted(r.scheduleDays), plannedTrips: r.plannedTrips, plannedKg: r.plannedKg, active: r.active, kgTolerance: r.kgTolerance, vehicleIds: sorted(r.vehicles.map((v) => v.vehicleId)) };
}
const window = (r: RegistryRows['route']) => ({ effectiveFrom: day(r.effectiveFrom), effectiveTo: day(r.effectiveTo) });
// facts are built by one function per entity, so their keys come in one order
const same = (a: object | null, b: object | null) => JSON.stringify(a) === JSON.stringify(b);

const EVERY_DAY: RegistryReach = { kind: 'days', covers: () => true };

/** The days this edit can change (null: none). */
export function reachOf(change: RegistryChange): RegistryReach | null {
  const of = facts[change.entity] as (row: object) => object;
  if (same(change.before && of(change.before), change.after && of(change.after))) return null;
  const updated = change.before !== null && change.after !== null;
  switch (change.entity) {
    case 'site':
    case 'scale':
      return EVERY_DAY;
    case 'vehicle':
    case 'carrier':
    case 'district':
      return updated ? EVERY_DAY : null;
    case 'permit':
      return updated ? { kind: 'permit-tickets', permitId: change.after!.id } : null;
    case 'route': {
      const before = change.before && window(change.before);
      const after = change.after && window(change.after);
      const was = (d: Day) => before !== null && inEffect(before, d);
      const is = (d: Day) => after !== null && inEffect(after, d);
      // only the window moved: the days it left or entered; anything else: every day of either window
      const planSame = updated && same(plan(change.before!), plan(change.after!));
      return { kind: 'days', covers: planSame ? (d) => was(d) !== is(d) : (d) => was(d) || is(d) };
    }
  }
}
