// The reconciliation engine's own vocabulary. Everything is integer kg, times are
// epoch milliseconds, service days are the site's local date as YYYY-MM-DD.
import type { AnomalyKind, Provenance, SiteKind, StreamCode } from '@haulproof/contracts';

export type Day = string; // YYYY-MM-DD

/** A ticket as reconciliation sees it: after voids and corrections (ticket_effective), voided ones left out. */
export interface ReconTicket {
  id: string;
  ticketNo: string; // <device>-<seq>, for explanations
  siteId: string;
  serviceDay: Day;
  vehicleId: string;
  stream: StreamCode;
  direction: 'IN' | 'OUT';
  grossKg: number;
  tareKg: number;
  netKg: number;
  tareSource: 'WEIGHED' | 'STORED' | 'KEYED' | 'ESTIMATED';
  provenance: Provenance;
  firstWeighedAt: number;
  weighedAt: number;
  routeId: string | null;
  permitId: string | null;
  originSiteId: string | null;
  /** The flags the agent signed (TicketFlag): station events that name no ticket are tied by them (station-events.ts). */
  flags?: readonly string[];
}

export interface SiteInfo {
  id: string;
  code: string;
  kind: SiteKind;
  districtId: string;
  capacityTpd: number;
  timezone: string;
  streams: ReadonlySet<string>;
  /** Has at least one active scale: departures from it are weighed. */
  weighs: boolean;
}

export interface VehicleInfo {
  id: string;
  plate: string;
  carrierId: string;
  carrierDistrictId: string | null;
  storedTareKg: number | null;
  maxGrossKg: number;
  streams: ReadonlySet<string>;
}

export interface RouteInfo {
  id: string;
  code: string;
  districtId: string;
  stream: StreamCode;
  destinationSiteId: string;
  /** A haul route's transfer station: its runs count trailers' arrivals from there (route-runs.ts). Null = a collection route. */
  originSiteId: string | null;
  scheduleDays: ReadonlySet<number>; // ISO weekdays
  plannedTrips: number;
  plannedKg: number;
  active: boolean;
  /** The days the plan is in force, both included; null = open-ended. Outside them the route does not exist. */
  effectiveFrom: Day | null;
  effectiveTo: Day | null;
  /** Share of planned tonnes a run may fall short; null = the rule's routeKgTolerance. */
  kgTolerance: number | null;
  vehicleIds: ReadonlySet<string>;
}

export interface PermitInfo {
  id: string;
  permitNo: string;
  originSiteId: string;
  disposalSiteId: string;
  carrierId: string;
  stream: StreamCode;
  validFrom: Day;
  validTo: Day;
  vehicleIds: ReadonlySet<string>;
}

export interface Registry {
  sites: ReadonlyMap<string, SiteInfo>;
  vehicles: ReadonlyMap<string, VehicleInfo>;
  routes: ReadonlyMap<string, RouteInfo>;
  permits: ReadonlyMap<string, PermitInfo>;
  districtCodes: ReadonlyMap<string, string>; // id → code, for explanations and tie-breaks
}

/** district id ('' = not attributable) → kg */
export type Mix = Record<string, number>;

/** What one day hands to the next for one transfer station × stream. */
export interface StationState {
  siteId: string;
  stream: StreamCode;
  carriedMinKg: number;
  carriedMaxKg: number;
  closingMix: Mix;
  /** Today's weights for sharing out departures: carried stock plus inbound, by district. */
  mix: Mix;
}

export interface ProvenanceKg {
  WEIGHED: number;
  STORED_TARE: number;
  KEYED: number;
  ESTIMATED: number;
}

export interface SiteDayRow {
  serviceDay: Day;
  siteId: string;
  stream: StreamCode;
  direction: 'IN' | 'OUT';
  provenance: Provenance;
  districtId: string;
  tickets: number;
  netKg: number;
}

export type RunStatus = 'OPEN' | 'COMPLETE' | 'SHORT' | 'MISSED' | 'UNSCHEDULED';
export interface RouteRunRow {
  routeId: string;
  serviceDay: Day;
  districtId: string;
  stream: StreamCode;
  destinationSiteId: string;
  /** A haul run's transfer station; null = a collection run. Haul tonnes are never collected tonnes. */
  originSiteId: string | null;
  scheduled: boolean;
  plannedTrips: number;
  plannedKg: number;
  trips: number;
  netKg: number;
  weighedKg: number;
  storedTareKg: number;
  keyedKg: number;
  estimatedKg: number;
  unplannedSiteTrips: number;
  status: RunStatus;
  /** What the run is judged by: the route's own tolerance, or the rule's. */
  kgTolerance: number;
  kgToleranceSource: 'ROUTE' | 'RULE';
  /** planned kg × (1 − kgTolerance), rounded: fewer tonnes make the run SHORT. */
  minKg: number;
  /** max(0, planned − made) once the run is judged; 0 while it is OPEN or UNSCHEDULED. */
  missedTrips: number;
}

export interface RunTicketRow {
  ticketId: string;
  routeId: string;
  serviceDay: Day;
  matchedBy: 'DECLARED' | 'VEHICLE';
}

export type LegStatus = 'DELIVERED' | 'IN_TRANSIT' | 'NO_ARRIVAL';
export interface CustodyLegRow {
  outTicketId: string;
  serviceDay: Day;
  vehicleId: string;
  fromSiteId: string;
  stream: StreamCode;
  outKg: number;
  departedAt: number;
  deadlineAt: number;
  status: LegStatus;
  inTicketId: string | null;
  toSiteId: string | null;
  inKg: number | null;
  arrivedAt: number | null;
  explanation: { why: string[]; [k: string]: unknown };
}

export interface StationBalanceRow {
  siteId: string;
  serviceDay: Day;
  stream: StreamCode;
  openingMinKg: number;
  openingMaxKg: number;
  inKg: number;
  outKg: number;
  lossAllowanceKg: number;
  closingMinKg: number;
  closingMaxKg: number;
  carriedMinKg: number;
  carriedMaxKg: number;
  toleranceKg: number;
  imbalanceKg: number;
  provenance: { in: ProvenanceKg; out: ProvenanceKg };
  mix: Mix;
  closingMix: Mix;
}

export type AttributionBasis = 'ROUTE' | 'STATION_MIX' | 'PERMIT' | 'ORIGIN' | 'CARRIER' | 'NONE';
export interface DistrictDayRow {
  serviceDay: Day;
  measure: 'COLLECTED' | 'DISPOSED';
  districtId: string | null;
  siteId: string;
  stream: StreamCode;
  provenance: Provenance;
  basis: AttributionBasis;
  kg: number;
}

export interface PermitDayRow {
  permitId: string;
  serviceDay: Day;
  trips: number;
  netKg: number;
  /** netKg by the counted tickets' provenance; the four add up to netKg. */
  byProvenance: ProvenanceKg;
}

/** A finding before it is stored. The natural key decides identity; `day` owns it. */
export interface AnomalyCandidate {
  key: string;
  kind: AnomalyKind;
  serviceDay: Day;
  siteId: string | null;
  districtId: string | null;
  carrierId: string | null;
  vehicleId: string | null;
  routeId: string | null;
  permitId: string | null;
  stream: StreamCode | null;
  summary: string;
  details: Record<string, unknown>;
  evidence: string[]; // ticket ids, sorted
}

export interface DayResult {
  day: Day;
  closed: boolean;
  ticketCount: number;
  siteDays: SiteDayRow[];
  routeRuns: RouteRunRow[];
  runTickets: RunTicketRow[];
  legs: CustodyLegRow[];
  balances: StationBalanceRow[];
  districtDays: DistrictDayRow[];
  permitDays: PermitDayRow[];
  anomalies: AnomalyCandidate[];
  /** What the next day reads: one per transfer station × stream with activity or stock. */
  states: StationState[];
}
