// A tiny registry and ticket factory for the engine's unit tests (not used in production).
import type { StreamCode } from '@haulproof/contracts';
import type { PermitInfo, ReconTicket, Registry, RouteInfo, SiteInfo, VehicleInfo } from './types.js';

export const T0 = Date.parse('2026-03-10T00:00:00+08:00'); // local midnight, Asia/Shanghai
export const MIN = 60_000;

export function kitRegistry(): Registry & { site: (code: string) => SiteInfo; vehicle: (plate: string) => VehicleInfo } {
  const site = (id: string, kind: SiteInfo['kind'], district: string, streams: StreamCode[], capacityTpd = 1000, weighs = true): SiteInfo => ({ id, code: id.toUpperCase(), kind, districtId: district, capacityTpd, timezone: 'Asia/Shanghai', streams: new Set(streams), weighs });
  const vehicle = (id: string, streams: StreamCode[], tare: number, max: number, carrierDistrict: string | null = null): VehicleInfo => ({ id, plate: `苏E${id}`, carrierId: `c-${id}`, carrierDistrictId: carrierDistrict, storedTareKg: tare, maxGrossKg: max, streams: new Set(streams) });
  const sites = [
    site('ts', 'TRANSFER_STATION', 'dA', ['OTHER', 'KITCHEN'], 800),
    site('inc', 'INCINERATOR', 'dB', ['OTHER'], 1_000),
    site('kp', 'KITCHEN_PLANT', 'dB', ['KITCHEN']),
    site('cwp', 'CONSTRUCTION_PLANT', 'dB', ['CONSTRUCTION']),
    site('lf', 'LANDFILL', 'dB', ['OTHER'], 100),
    site('ps', 'PROJECT_SITE', 'dC', ['CONSTRUCTION'], 0, true),
    site('ps2', 'PROJECT_SITE', 'dC', ['CONSTRUCTION'], 0, false),
  ];
  const vehicles = [vehicle('c1', ['OTHER'], 15_000, 25_000, 'dA'), vehicle('c2', ['OTHER'], 15_000, 25_000, 'dB'), vehicle('tr', ['OTHER', 'KITCHEN'], 18_000, 49_000), vehicle('mk', ['CONSTRUCTION'], 15_000, 31_000)];
  const routes: RouteInfo[] = [
    { id: 'rA', code: 'R-A', districtId: 'dA', stream: 'OTHER', destinationSiteId: 'ts', originSiteId: null, scheduleDays: new Set([1, 2, 3, 4, 5, 6, 7]), plannedTrips: 2, plannedKg: 16_000, active: true, effectiveFrom: null, effectiveTo: null, kgTolerance: null, vehicleIds: new Set(['c1']) },
    { id: 'rB', code: 'R-B', districtId: 'dB', stream: 'OTHER', destinationSiteId: 'inc', originSiteId: null, scheduleDays: new Set([1, 2, 3, 4, 5, 6, 7]), plannedTrips: 1, plannedKg: 8_000, active: true, effectiveFrom: null, effectiveTo: null, kgTolerance: null, vehicleIds: new Set(['c2']) },
  ];
  const permits: PermitInfo[] = [{ id: 'p1', permitNo: 'P-1', originSiteId: 'ps', disposalSiteId: 'cwp', carrierId: 'c-mk', stream: 'CONSTRUCTION', validFrom: '2026-01-01', validTo: '2026-12-31', vehicleIds: new Set(['mk']) }];
  const sMap = new Map(sites.map((s) => [s.id, s]));
  const vMap = new Map(vehicles.map((v) => [v.id, v]));
  return {
    sites: sMap,
    vehicles: vMap,
    routes: new Map(routes.map((r) => [r.id, r])),
    permits: new Map(permits.map((p) => [p.id, p])),
    districtCodes: new Map([['dA', 'A'], ['dB', 'B'], ['dC', 'C']]),
    site: (id) => sMap.get(id)!,
    vehicle: (id) => vMap.get(id)!,
  };
}

let n = 0;
/** A ticket completing `at` minutes after T0 (local midnight of 2026-03-10). */
export function kitTicket(o: Partial<ReconTicket> & { at: number; siteId: string; vehicleId: string }): ReconTicket {
  const weighedAt = T0 + o.at * MIN;
  const { at: _at, ...rest } = o;
  const net = o.netKg ?? 8_000;
  const tare = o.tareKg ?? 15_000;
  n++;
  return {
    id: `t${String(n).padStart(4, '0')}`,
    ticketNo: `DEV-${n}`,
    serviceDay: new Date(weighedAt + 8 * 3_600_000).toISOString().slice(0, 10),
    stream: 'OTHER',
    direction: 'IN',
    grossKg: tare + net,
    tareKg: tare,
    netKg: net,
    tareSource: 'STORED',
    provenance: 'STORED_TARE',
    firstWeighedAt: weighedAt,
    weighedAt,
    routeId: null,
    permitId: null,
    originSiteId: null,
    ...rest,
  };
}
