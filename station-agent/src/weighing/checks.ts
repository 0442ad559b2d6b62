/**
 * The lane checks (issue 3), pure over the cached registry so they work offline:
 * card known and ISSUED; vehicle known and ACTIVE; the stream accepted here and carried by the
 * vehicle; a construction/renovation load covered by a disposal permit (处置证) for this site today.
 */
import type { StreamCode } from '@haulproof/contracts';
import type { RegistrySnapshot, RegistryView } from '../types.js';
import { refuse, type Refusal } from './refusals.js';
import { siteLocalDate } from './site-time.js';
import { PERMIT_STREAMS } from './stream-names.js';

export type Vehicle = RegistrySnapshot['vehicles'][number];
export type Permit = RegistrySnapshot['permits'][number];
export type Site = RegistrySnapshot['site'];

export type Check<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };
const pass = <T>(value: T): Check<T> => ({ ok: true, value });
const fail = (refusal: Refusal): { ok: false; refusal: Refusal } => ({ ok: false, refusal });

/** Card → vehicle, both in good standing. */
export function checkCard(registry: RegistryView, uid: string): Check<Vehicle> {
  const found = registry.vehicleByCard(uid);
  if (!found) return fail(refuse.unknownCard(uid));
  if (found.card.status !== 'ISSUED') return fail(refuse.cardNotIssued(found.card.status));
  if (!found.vehicle) return fail(refuse.unknownVehicle(found.card.plate));
  return checkVehicle(found.vehicle);
}

export function checkVehicle(vehicle: Vehicle | undefined, plate = ''): Check<Vehicle> {
  if (!vehicle) return fail(refuse.unknownVehicle(plate));
  // DOMAIN.md: some vehicles (tractors…) are banned from stations; suspended ones wait for the bureau
  if (vehicle.status !== 'ACTIVE') return fail(refuse.vehicleNotActive(vehicle.status));
  return pass(vehicle);
}

/**
 * Which stream this load is. A vehicle registered for one stream carries that one; for a
 * multi-stream vehicle the operator's selection wins, then the lane's default; with neither,
 * the operator must choose ('ask', not a refusal).
 */
export function chooseStream(vehicle: Vehicle, site: Site, laneDefault: StreamCode | null, selected: StreamCode | null): Check<StreamCode | 'ask'> {
  const carriedHere = vehicle.streams.filter((s) => site.acceptedStreams.includes(s));
  if (selected) {
    if (!vehicle.streams.includes(selected)) return fail(refuse.streamNotCarried(selected));
    if (!site.acceptedStreams.includes(selected)) return fail(refuse.streamNotAccepted(selected));
    return pass(selected);
  }
  if (vehicle.streams.length === 1) {
    const only = vehicle.streams[0]!;
    return site.acceptedStreams.includes(only) ? pass(only) : fail(refuse.streamNotAccepted(only));
  }
  if (carriedHere.length === 0) return fail(vehicle.streams[0] ? refuse.streamNotAccepted(vehicle.streams[0]) : refuse.streamNotCarried(laneDefault ?? 'OTHER'));
  if (laneDefault && carriedHere.includes(laneDefault)) return pass(laneDefault);
  if (carriedHere.length === 1) return pass(carriedHere[0]!);
  return pass('ask');
}

/** Permits are valid per calendar day at the site; instants are accepted too. */
function permitValidAt(p: Permit, at: number, timeZone: string): boolean {
  const day = siteLocalDate(at, timeZone);
  const from = p.validFrom.length === 10 ? p.validFrom <= day : Date.parse(p.validFrom) <= at;
  const to = p.validTo.length === 10 ? day <= p.validTo : at <= Date.parse(p.validTo);
  return from && to;
}

/**
 * DOMAIN.md: muck and renovation trucks carry loads under a disposal permit naming the origin
 * site, the trucks, the disposal site and the validity dates. Null when the stream needs none.
 * The registry view already filters, but a custody decision re-checks what it relies on.
 */
export function checkPermit(registry: RegistryView, site: Site, plate: string, stream: StreamCode, at: number): Check<Permit | null> {
  if (!PERMIT_STREAMS.includes(stream)) return pass(null);
  const all = registry.permitsFor(plate, at).filter((p) => p.plates.includes(plate));
  const forStream = all.filter((p) => p.stream === stream);
  const forSite = forStream.filter((p) => p.originSiteCode === site.code || p.disposalSiteCode === site.code);
  const valid = forSite.filter((p) => permitValidAt(p, at, site.timezone));
  if (valid.length > 0) return pass([...valid].sort((a, b) => a.permitNo.localeCompare(b.permitNo))[0]!);
  const why = all.length === 0 ? 'none for this vehicle' : forStream.length === 0 ? `none for ${stream}` : forSite.length === 0 ? 'permit names another site' : 'permit expired or not yet valid';
  return fail(refuse.noPermit(stream, why));
}

/** DOMAIN.md 预置皮重: one-pass weighing uses the registered tare while it is unexpired. */
export function usableStoredTare(vehicle: Vehicle, at: number): number | null {
  if (vehicle.storedTareKg === null || vehicle.storedTareKg <= 0) return null;
  // a stored tare without an expiry is treated as expired: PROTOCOLS.md "limit how old a stored tare may be"
  if (vehicle.tareExpiresAt === null || !(Date.parse(vehicle.tareExpiresAt) > at)) return null;
  return vehicle.storedTareKg;
}
