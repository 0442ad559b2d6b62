// District figures (docs/attribution.md).
//   COLLECTED — each collection ticket counts for its run's district, where it was weighed.
//   DISPOSED  — each inbound ticket at a final site (not a transfer station or project
//               site) is attributed back to districts, first rule that applies:
//     STATION_MIX  delivered from a transfer station: shared out by the station's mix
//                  (carried stock + that day's inbound, by district) on the day it left,
//                  integer largest-remainder, so the parts add up to the ticket exactly;
//     ROUTE        a district's route delivered it straight to the plant;
//     PERMIT       construction waste: the permit's origin site's district;
//     ORIGIN       the declared origin site's district (not a transfer station);
//     CARRIER      the carrier's registered district;
//     NONE         none of these: district unknown (district_id NULL).
// Each ticket's kg is shared out whole, so Σ districts = Σ plants to the kilogram.
import { apportion, mixTotal } from './apportion.js';
import type { AttributionBasis, Day, DistrictDayRow, Mix, ReconTicket, Registry, RouteInfo, StationState } from './types.js';

const FINAL_EXCLUDED = new Set(['TRANSFER_STATION', 'PROJECT_SITE']);

export function isFinalSite(registry: Registry, siteId: string): boolean {
  const kind = registry.sites.get(siteId)?.kind;
  return kind !== undefined && !FINAL_EXCLUDED.has(kind);
}

/** Where a station's inbound load was collected, for its pile's mix ('' = unknown). */
export function collectedDistrict(t: ReconTicket, routeOf: ReadonlyMap<string, RouteInfo>, arrivals: ReadonlyMap<string, ReconTicket>, registry: Registry): string {
  const route = routeOf.get(t.id);
  if (route) return route.districtId;
  const out = arrivals.get(t.id);
  if (out) return registry.sites.get(out.siteId)?.districtId ?? '';
  return directDistrict(t, registry).districtId ?? '';
}

function directDistrict(t: ReconTicket, registry: Registry): { districtId: string | null; basis: AttributionBasis } {
  const permit = t.permitId ? registry.permits.get(t.permitId) : undefined;
  if (permit) return { districtId: registry.sites.get(permit.originSiteId)?.districtId ?? null, basis: 'PERMIT' };
  const origin = t.originSiteId ? registry.sites.get(t.originSiteId) : undefined;
  if (origin && origin.kind !== 'TRANSFER_STATION') return { districtId: origin.districtId, basis: 'ORIGIN' };
  if (origin) return { districtId: null, basis: 'NONE' }; // from a station, but no weighed departure to follow
  const carrierDistrict = registry.vehicles.get(t.vehicleId)?.carrierDistrictId ?? null;
  return carrierDistrict ? { districtId: carrierDistrict, basis: 'CARRIER' } : { districtId: null, basis: 'NONE' };
}

export interface AttributionInput {
  day: Day;
  tickets: readonly ReconTicket[];
  arrivals: ReadonlyMap<string, ReconTicket>;
  routeOf: ReadonlyMap<string, RouteInfo>;
  /** Station mixes by `${siteId}|${stream}|${day}`, for today and yesterday. */
  mixes: ReadonlyMap<string, Mix>;
  registry: Registry;
}

export const mixKey = (s: Pick<StationState, 'siteId' | 'stream'>, day: Day): string => `${s.siteId}|${s.stream}|${day}`;

export function attributeDay(input: AttributionInput): DistrictDayRow[] {
  const { day, registry } = input;
  const rows = new Map<string, DistrictDayRow>();
  const add = (measure: DistrictDayRow['measure'], t: ReconTicket, districtId: string | null, basis: AttributionBasis, kgAmount: number) => {
    if (kgAmount === 0) return;
    const key = `${measure}|${districtId ?? ''}|${t.siteId}|${t.stream}|${t.provenance}|${basis}`;
    const row = rows.get(key);
    if (row) row.kg += kgAmount;
    else rows.set(key, { serviceDay: day, measure, districtId, siteId: t.siteId, stream: t.stream, provenance: t.provenance, basis, kg: kgAmount });
  };

  for (const t of input.tickets) {
    if (t.serviceDay !== day || t.direction !== 'IN') continue;
    const route = input.routeOf.get(t.id);
    if (route) add('COLLECTED', t, route.districtId, 'ROUTE', t.netKg);
    if (!isFinalSite(registry, t.siteId)) continue;

    const out = input.arrivals.get(t.id);
    const from = out ? registry.sites.get(out.siteId) : undefined;
    if (out && from?.kind === 'TRANSFER_STATION') {
      const mix = input.mixes.get(mixKey(out, out.serviceDay)) ?? {};
      if (mixTotal(mix) === 0) add('DISPOSED', t, null, 'NONE', t.netKg);
      for (const [d, part] of Object.entries(apportion(t.netKg, mix))) add('DISPOSED', t, d === '' ? null : d, 'STATION_MIX', part);
      continue;
    }
    if (route) {
      add('DISPOSED', t, route.districtId, 'ROUTE', t.netKg);
      continue;
    }
    const direct = directDistrict(out ? { ...t, permitId: out.permitId ?? t.permitId, originSiteId: t.originSiteId ?? out.siteId } : t, registry);
    add('DISPOSED', t, direct.districtId, direct.basis, t.netKg);
  }
  return [...rows.values()].sort(compareRows);
}

const compareRows = (a: DistrictDayRow, b: DistrictDayRow): number => {
  const ka = `${a.measure}|${a.districtId ?? ''}|${a.siteId}|${a.stream}|${a.provenance}|${a.basis}`;
  const kb = `${b.measure}|${b.districtId ?? ''}|${b.siteId}|${b.stream}|${b.provenance}|${b.basis}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};
