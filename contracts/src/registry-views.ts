import type { CardStatus, DeviceStatus, IndicatorProtocol, PeriodKind, SiteKind, StreamCode, UserRole, VehicleStatus } from './streams.js';

// What the registry API returns. Ids are UUIDs, instants ISO-8601 UTC, calendar dates YYYY-MM-DD.
// Lists come as Page<T> (api.ts): { items, nextCursor }.

export interface StreamView {
  code: StreamCode;
  nameZh: string;
  nameEn: string;
  household: boolean; // one of 四分类
  sortOrder: number;
}

export interface DistrictView {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  population: number;
}

export interface SiteView {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  kind: SiteKind;
  districtId: string;
  capacityTpd: number;
  timezone: string;
  latitude: number | null;
  longitude: number | null;
  acceptedStreams: StreamCode[];
  active: boolean;
}

export interface ScaleView {
  id: string;
  siteId: string;
  code: string;
  name: string;
  maxKg: number;
  divisionKg: number;
  minLoadKg: number;
  protocol: IndicatorProtocol;
  portPath: string | null;
  baudRate: number;
  dataBits: number;
  parity: 'none' | 'even' | 'odd';
  stopBits: number;
  active: boolean;
}

export interface CarrierView {
  id: string;
  code: string;
  name: string;
  licenceNo: string | null;
  districtId: string | null;
  phone: string | null;
  active: boolean;
}

export interface VehicleView {
  id: string;
  plate: string; // normalised: 苏E12345
  plateRaw: string; // as registered: 苏E·12345
  carrierId: string;
  kind: string | null;
  streams: StreamCode[];
  storedTareKg: number | null;
  tareMeasuredAt: string | null;
  tareExpiresAt: string | null;
  maxGrossKg: number;
  status: VehicleStatus;
}

export interface DriverView {
  id: string;
  carrierId: string;
  name: string;
  phone: string | null;
}

export interface CardView {
  id: string;
  uid: string;
  vehicleId: string;
  driverId: string | null;
  status: CardStatus;
  issuedAt: string;
}

export interface CardEventView {
  id: string;
  cardId: string;
  status: CardStatus;
  vehicleId: string;
  driverId: string | null;
  note: string | null;
  actorUserId: string | null;
  at: string;
}

export interface RouteView {
  id: string;
  code: string;
  name: string;
  districtId: string;
  streamCode: StreamCode;
  destinationSiteId: string;
  /** A haul route's transfer station (its trailers haul from there to the destination); null = a collection route. */
  originSiteId: string | null;
  scheduleDays: number[];
  shiftStart: string;
  plannedTrips: number;
  plannedKg: number;
  active: boolean;
  /** First and last day the plan is in force (YYYY-MM-DD); null = open-ended. */
  effectiveFrom: string | null;
  effectiveTo: string | null;
  /** Share of planned tonnes a run may fall short before it is SHORT; null = the deployment's routeKgTolerance. */
  kgTolerance: number | null;
  vehicleIds: string[];
  points: { ordinal: number; name: string; latitude: number | null; longitude: number | null }[];
}

export interface PermitView {
  id: string;
  permitNo: string;
  originSiteId: string;
  carrierId: string;
  disposalSiteId: string;
  streamCode: StreamCode;
  validFrom: string;
  validTo: string;
  approvedVolumeM3: number;
  approvedKg: number | null;
  vehicleIds: string[];
}

export interface TargetView {
  id: string;
  districtId: string;
  metric: string;
  periodKind: PeriodKind;
  periodStart: string;
  value: number;
  unit: string;
}

export interface DeviceView {
  id: string;
  code: string;
  siteId: string;
  publicKey: string | null;
  status: DeviceStatus;
  softwareVersion: string | null;
  lastSeenAt: string | null;
  createdAt: string;
  scaleIds: string[];
}

export interface UserScope {
  siteId: string | null;
  carrierId: string | null;
  districtId: string | null;
}

/** The logged-in person, as /auth/login and /auth/me return it. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  scope: UserScope;
}

export interface UserView extends SessionUser {
  active: boolean;
  createdAt: string;
}

export interface LoginResult {
  token: string;
  user: SessionUser;
}
