import type {
  CardEventView,
  CardView,
  CarrierView,
  DeviceView,
  DistrictView,
  DriverView,
  PermitView,
  RouteView,
  ScaleView,
  SiteView,
  StreamCode,
  StreamView,
  TargetView,
  UserView,
  VehicleView,
} from '@haulproof/contracts';
import type { CardEventRow, CardRow } from '../../repositories/registry/card.repository.js';
import type { CarrierRow } from '../../repositories/registry/carrier.repository.js';
import type { DeviceRow } from '../../repositories/registry/device.repository.js';
import type { DistrictRow } from '../../repositories/registry/district.repository.js';
import type { DriverRow } from '../../repositories/registry/driver.repository.js';
import type { PermitRow } from '../../repositories/registry/permit.repository.js';
import type { RouteRow } from '../../repositories/registry/route.repository.js';
import type { ScaleRow } from '../../repositories/registry/scale.repository.js';
import type { SiteRow } from '../../repositories/registry/site.repository.js';
import type { StreamRow } from '../../repositories/registry/stream.repository.js';
import type { TargetRow } from '../../repositories/registry/target.repository.js';
import type { UserRow } from '../../repositories/registry/app-user.repository.js';
import type { VehicleRow } from '../../repositories/registry/vehicle.repository.js';
import { sessionUser } from '../../services/auth.service.js';
import { dateOnly, num } from '../../services/registry/common.js';

// Rows to API views: every field named explicitly, so a new column never leaks by accident.
// Decimals become numbers, instants ISO-8601 UTC, DATE columns YYYY-MM-DD.

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;
const streams = (xs: { streamCode: string }[]) => xs.map((x) => x.streamCode as StreamCode);

export const mapStream = (s: StreamRow): StreamView => ({ code: s.code as StreamCode, nameZh: s.nameZh, nameEn: s.nameEn, household: s.household, sortOrder: s.sortOrder });

export const mapDistrict = (d: DistrictRow): DistrictView => ({ id: d.id, code: d.code, nameZh: d.nameZh, nameEn: d.nameEn, population: d.population });

export const mapSite = (s: SiteRow): SiteView => ({
  id: s.id,
  code: s.code,
  nameZh: s.nameZh,
  nameEn: s.nameEn,
  kind: s.kind,
  districtId: s.districtId,
  capacityTpd: s.capacityTpd,
  timezone: s.timezone,
  latitude: num(s.latitude),
  longitude: num(s.longitude),
  acceptedStreams: streams(s.streams),
  active: s.active,
});

export const mapScale = (s: ScaleRow): ScaleView => ({
  id: s.id,
  siteId: s.siteId,
  code: s.code,
  name: s.name,
  maxKg: s.maxKg,
  divisionKg: s.divisionKg,
  minLoadKg: s.minLoadKg,
  protocol: s.protocol,
  portPath: s.portPath,
  baudRate: s.baudRate,
  dataBits: s.dataBits,
  parity: s.parity,
  stopBits: s.stopBits,
  active: s.active,
});

export const mapCarrier = (c: CarrierRow): CarrierView => ({ id: c.id, code: c.code, name: c.name, licenceNo: c.licenceNo, districtId: c.districtId, phone: c.phone, active: c.active });

export const mapVehicle = (v: VehicleRow): VehicleView => ({
  id: v.id,
  plate: v.plate,
  plateRaw: v.plateRaw,
  carrierId: v.carrierId,
  kind: v.kind,
  streams: streams(v.streams),
  storedTareKg: v.storedTareKg,
  tareMeasuredAt: iso(v.tareMeasuredAt),
  tareExpiresAt: iso(v.tareExpiresAt),
  maxGrossKg: v.maxGrossKg,
  status: v.status,
});

export const mapDriver = (d: DriverRow): DriverView => ({ id: d.id, carrierId: d.carrierId, name: d.name, phone: d.phone });

export const mapCard = (c: CardRow): CardView => ({ id: c.id, uid: c.uid, vehicleId: c.vehicleId, driverId: c.driverId, status: c.status, issuedAt: c.issuedAt.toISOString() });

export const mapCardEvent = (e: CardEventRow): CardEventView => ({
  id: e.id,
  cardId: e.cardId,
  status: e.status,
  vehicleId: e.vehicleId,
  driverId: e.driverId,
  note: e.note,
  actorUserId: e.actorUserId,
  at: e.at.toISOString(),
});

export const mapRoute = (r: RouteRow): RouteView => ({
  id: r.id,
  code: r.code,
  name: r.name,
  districtId: r.districtId,
  streamCode: r.streamCode as StreamCode,
  destinationSiteId: r.destinationSiteId,
  originSiteId: r.originSiteId,
  scheduleDays: r.scheduleDays,
  shiftStart: r.shiftStart,
  plannedTrips: r.plannedTrips,
  plannedKg: r.plannedKg,
  active: r.active,
  effectiveFrom: r.effectiveFrom ? dateOnly(r.effectiveFrom) : null,
  effectiveTo: r.effectiveTo ? dateOnly(r.effectiveTo) : null,
  kgTolerance: r.kgTolerance,
  vehicleIds: r.vehicles.map((v) => v.vehicleId),
  points: r.points.map((p) => ({ ordinal: p.ordinal, name: p.name, latitude: num(p.latitude), longitude: num(p.longitude) })),
});

export const mapPermit = (p: PermitRow): PermitView => ({
  id: p.id,
  permitNo: p.permitNo,
  originSiteId: p.originSiteId,
  carrierId: p.carrierId,
  disposalSiteId: p.disposalSiteId,
  streamCode: p.streamCode as StreamCode,
  validFrom: dateOnly(p.validFrom),
  validTo: dateOnly(p.validTo),
  approvedVolumeM3: p.approvedVolumeM3,
  approvedKg: p.approvedKg,
  vehicleIds: p.vehicles.map((v) => v.vehicleId),
});

export const mapTarget = (t: TargetRow): TargetView => ({
  id: t.id,
  districtId: t.districtId,
  metric: t.metric,
  periodKind: t.periodKind,
  periodStart: dateOnly(t.periodStart),
  value: num(t.value) ?? 0,
  unit: t.unit,
});

export const mapDevice = (d: DeviceRow): DeviceView => ({
  id: d.id,
  code: d.code,
  siteId: d.siteId,
  publicKey: d.publicKey,
  status: d.status,
  softwareVersion: d.softwareVersion,
  lastSeenAt: iso(d.lastSeenAt),
  createdAt: d.createdAt.toISOString(),
  scaleIds: d.lanes.map((l) => l.scaleId),
});

export const mapUser = (u: UserRow): UserView => ({ ...sessionUser(u), active: u.active, createdAt: u.createdAt.toISOString() });
