import { z } from 'zod';

/**
 * What reconciliation can find. Each kind has one natural key shape (see
 * server/src/reconciliation/anomalies.ts), so the same finding is never raised twice.
 */
export const ANOMALY_KINDS = [
  // route runs
  'ROUTE_MISSED_RUN', // a scheduled run with no trip at all
  'ROUTE_RUN_SHORT', // fewer trips, or fewer tonnes (beyond tolerance), than planned
  'ROUTE_UNPLANNED_SITE', // a route's truck delivered somewhere the run did not plan
  // custody legs
  'LEG_NO_ARRIVAL', // possible dumping (偷倒乱倒): an outbound load never arrived
  'LEG_WEIGHT_MISMATCH', // arrived lighter or heavier than it left, beyond tolerance
  'LEG_WRONG_DESTINATION', // arrived somewhere other than the permit names
  'LEG_STREAM_CHANGED', // left as one stream, arrived declared as another
  'ARRIVAL_WITHOUT_DEPARTURE', // arrived from a site that weighs departures, but no departure was weighed
  // mass balance
  'STATION_IMBALANCE', // a transfer station's stock left what it can hold (or went below zero)
  // permits
  'PERMIT_MISSING',
  'PERMIT_EXPIRED', // outside the permit's validity dates
  'PERMIT_WRONG_SITE', // disposal at a site the permit does not name
  'PERMIT_VEHICLE_NOT_LISTED',
  // category and capacity
  'STREAM_NOT_ACCEPTED', // a stream delivered to a site that does not take it
  'VEHICLE_STREAM_UNREGISTERED', // a vehicle carrying a stream it is not registered for
  'CAPACITY_EXCEEDED', // a site's intake for the day above its stated capacity
  // weighing
  'OVERWEIGHT', // gross above the vehicle's registered maximum
  'TARE_DEVIATION', // weighed or keyed tare far from the registered tare (tare manipulation)
] as const;
export const AnomalyKind = z.enum(ANOMALY_KINDS);
export type AnomalyKind = z.infer<typeof AnomalyKind>;

export const AnomalyStatus = z.enum(['OPEN', 'ACKNOWLEDGED', 'RESOLVED']);
export type AnomalyStatus = z.infer<typeof AnomalyStatus>;

export const AnomalyEventKind = z.enum(['RAISED', 'UPDATED', 'CLEARED', 'REDETECTED', 'ACKNOWLEDGED', 'ASSIGNED', 'RESOLVED']);
export type AnomalyEventKind = z.infer<typeof AnomalyEventKind>;

export interface AnomalyView {
  id: string;
  naturalKey: string;
  kind: AnomalyKind;
  serviceDay: string; // YYYY-MM-DD, the site's local date
  siteId: string | null;
  districtId: string | null;
  carrierId: string | null;
  vehicleId: string | null;
  routeId: string | null;
  permitId: string | null;
  stream: string | null;
  summary: string;
  details: Record<string, unknown>;
  status: AnomalyStatus;
  /** false once a recomputation no longer finds the condition (e.g. the late arrival came in). */
  active: boolean;
  assigneeUserId: string | null;
  raisedAt: string;
  updatedAt: string;
  evidenceTicketIds: string[];
}

/** Sent after the engine recomputed service days; the console refetches what it shows for them. */
export interface ReconciliationUpdate {
  days: string[];
  raised: number;
  cleared: number;
  at: string;
}

// ───────── API: queries and bodies ─────────
const Day = z.iso.date('a service day YYYY-MM-DD');
const Id = z.uuid('an id (UUID)');
const Limit = z.coerce.number().int().min(1).max(500).default(100);
const Period = z.enum(['day', 'month', 'year']);
export type Period = z.infer<typeof Period>;
const span = <T extends { from: string; to: string }>(q: T) => q.from <= q.to && Date.parse(q.to) - Date.parse(q.from) <= 4 * 366 * 86_400_000;
const SPAN_MESSAGE = { path: ['to'], message: '`to` must not precede `from`, and a query covers at most four years' };

export const AnomalyQuery = z
  .object({
    kind: AnomalyKind.optional(),
    status: AnomalyStatus.optional(),
    active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    siteId: Id.optional(),
    districtId: Id.optional(),
    stream: z.string().regex(/^[A-Z_]{2,32}$/).optional(),
    assigneeUserId: Id.optional(),
    from: Day.optional(),
    to: Day.optional(),
    cursor: z.string().max(200).optional(),
    limit: Limit,
  })
  .strict();
export type AnomalyQuery = z.infer<typeof AnomalyQuery>;

export const AcknowledgeInput = z.object({ note: z.string().trim().max(2000).optional() }).strict();
export const AssignInput = z.object({ assigneeUserId: Id, note: z.string().trim().max(2000).optional() }).strict();
export const ResolveInput = z.object({ note: z.string().trim().min(3, 'say what was found and done (at least 3 characters)').max(2000) }).strict();

/** Tonnes weighed at sites, from the pre-aggregated daily table. */
export const TotalsQuery = z
  .object({
    from: Day,
    to: Day,
    period: Period.default('day'),
    groupBy: z
      .string()
      .regex(/^(site|district|stream|direction)(,(site|district|stream|direction))*$/, 'a comma list of site, district, stream, direction')
      .optional(),
    siteId: Id.optional(),
    districtId: Id.optional(),
    stream: z.string().regex(/^[A-Z_]{2,32}$/).optional(),
    direction: z.enum(['IN', 'OUT']).optional(),
    format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  })
  .strict()
  .refine(span, SPAN_MESSAGE);
export type TotalsQuery = z.infer<typeof TotalsQuery>;

/** Districts' collected and disposed tonnes (docs/attribution.md), with the bureau's metrics. */
export const DistrictFiguresQuery = z
  .object({
    from: Day,
    to: Day,
    period: Period.default('month'),
    districtId: Id.optional(),
    stream: z.string().regex(/^[A-Z_]{2,32}$/).optional(),
    format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  })
  .strict()
  .refine(span, SPAN_MESSAGE);
export type DistrictFiguresQuery = z.infer<typeof DistrictFiguresQuery>;

export const RouteRunQuery = z
  .object({ from: Day, to: Day, routeId: Id.optional(), districtId: Id.optional(), status: z.enum(['OPEN', 'COMPLETE', 'SHORT', 'MISSED', 'UNSCHEDULED']).optional(), limit: Limit })
  .strict()
  .refine(span, SPAN_MESSAGE);
export type RouteRunQuery = z.infer<typeof RouteRunQuery>;

export const LegQuery = z
  .object({ from: Day, to: Day, siteId: Id.optional(), vehicleId: Id.optional(), status: z.enum(['DELIVERED', 'IN_TRANSIT', 'NO_ARRIVAL']).optional(), limit: Limit })
  .strict()
  .refine(span, SPAN_MESSAGE);
export type LegQuery = z.infer<typeof LegQuery>;

export const BalanceQuery = z
  .object({ from: Day, to: Day, siteId: Id.optional(), stream: z.string().regex(/^[A-Z_]{2,32}$/).optional(), limit: Limit })
  .strict()
  .refine(span, SPAN_MESSAGE);
export type BalanceQuery = z.infer<typeof BalanceQuery>;

// ───────── API: views ─────────
/** kg by how they were weighed. `total` = the sum; ESTIMATED is never a ticket's provenance, only derived figures'. */
export interface ProvenanceTotals {
  total: number;
  WEIGHED: number;
  STORED_TARE: number;
  KEYED: number;
}

export interface TotalsRow {
  period: string; // YYYY-MM-DD, YYYY-MM or YYYY
  siteId?: string;
  districtId?: string;
  stream?: string;
  direction?: 'IN' | 'OUT';
  tickets: number;
  kg: ProvenanceTotals;
}

export interface DistrictFigureRow {
  period: string;
  districtId: string | null; // null: not attributable (see docs/attribution.md)
  stream: string;
  collected: ProvenanceTotals;
  disposed: ProvenanceTotals;
  /** Of `disposed`, kg shared out by a station's mix rather than weighed to the district. */
  apportionedKg: number;
}

export interface DistrictMetrics {
  period: string;
  districtId: string;
  days: number;
  population: number;
  householdKg: number; // collected, 四分类
  kgPerResidentPerDay: number;
  separationRate: number | null; // (kitchen + recyclable + hazardous) / household
  otherYoY: number | null; // change of OTHER collected against the same period a year before
  sanZengYiJian: boolean | null; // 三增一减: kitchen, recyclable, hazardous up and other down, year on year
  keyedShare: number | null; // share of household kg resting on keyed weights
}

export interface DistrictFigures {
  rows: DistrictFigureRow[];
  metrics: DistrictMetrics[];
}

export interface RouteRunView {
  routeId: string;
  routeCode: string;
  serviceDay: string;
  districtId: string;
  stream: string;
  destinationSiteId: string;
  scheduled: boolean;
  plannedTrips: number;
  plannedKg: number;
  trips: number;
  kg: ProvenanceTotals;
  unplannedSiteTrips: number;
  status: 'OPEN' | 'COMPLETE' | 'SHORT' | 'MISSED' | 'UNSCHEDULED';
}

export interface CustodyLegView {
  outTicketId: string;
  serviceDay: string;
  vehicleId: string;
  plate: string;
  fromSiteId: string;
  stream: string;
  outKg: number;
  departedAt: string;
  deadlineAt: string;
  status: 'DELIVERED' | 'IN_TRANSIT' | 'NO_ARRIVAL';
  inTicketId: string | null;
  toSiteId: string | null;
  inKg: number | null;
  arrivedAt: string | null;
  explanation: { why: string[]; [k: string]: unknown };
}

export interface StationBalanceView {
  siteId: string;
  serviceDay: string;
  stream: string;
  openingKg: { min: number; max: number };
  inKg: number;
  outKg: number;
  lossAllowanceKg: number; // ESTIMATED: leachate the station may have lost
  closingKg: { min: number; max: number }; // ESTIMATED: stock on the floor, as an interval
  carriedKg: { min: number; max: number };
  toleranceKg: number;
  imbalanceKg: number;
  provenance: { in: Omit<ProvenanceTotals, 'total'>; out: Omit<ProvenanceTotals, 'total'> };
  mix: Record<string, number>; // district id ('' = unknown) → kg available that day
}

export interface TraceTicket {
  id: string;
  ticketNo: string;
  siteId: string;
  siteCode: string;
  direction: 'IN' | 'OUT';
  stream: string;
  netKg: number;
  provenance: string;
  weighedAt: string;
  plate: string;
}

/** One load, from the route run that collected it, through a transfer station, to the plant. */
export interface TraceView {
  ticket: TraceTicket;
  run: (Pick<RouteRunView, 'routeId' | 'routeCode' | 'serviceDay' | 'status' | 'plannedTrips' | 'trips' | 'plannedKg'> & { netKg: number }) | null;
  /** When the ticket delivered a departure: that departure and the station pile it came from. */
  upstream: { leg: CustodyLegView; departure: TraceTicket; runs: { routeId: string; routeCode: string; districtId: string; trips: number; netKg: number }[]; mix: Record<string, number> } | null;
  /** When the ticket tipped at a transfer station or is a departure: where that pile went. */
  downstream: { leg: CustodyLegView; arrival: TraceTicket | null }[];
  anomalies: AnomalyView[];
}

/** Targets as they stand on a day: progress to date, the period's projection, and a ranking of districts per metric. */
export const TargetProgressQuery = z.object({ asOf: Day, districtId: Id.optional() }).strict();
export type TargetProgressQuery = z.infer<typeof TargetProgressQuery>;

export interface TargetProgress {
  targetId: string;
  districtId: string;
  metric: string;
  periodKind: string;
  periodStart: string;
  periodEnd: string;
  target: number;
  unit: string;
  /** The metric over the period so far (periodStart … asOf); null when it cannot be computed (unknown metric, no data, no prior year). */
  actual: number | null;
  /** Where the period will end at the current rate (rates and daily averages project as they stand). */
  projection: number | null;
  better: 'higher' | 'lower';
  onTrack: boolean | null;
  /** Among districts with the same metric and period: 1 = furthest ahead of its target. */
  rank: number | null;
  of: number;
}

/** Construction-waste permits: trips and tonnes counted against each, versus approved. */
export const PermitUsageQuery = z.object({ asOf: Day, permitId: Id.optional() }).strict();
export type PermitUsageQuery = z.infer<typeof PermitUsageQuery>;

export interface PermitUsage {
  id: string;
  permitNo: string;
  stream: string;
  originSiteId: string;
  disposalSiteId: string;
  carrierId: string;
  validFrom: string;
  validTo: string;
  expired: boolean;
  trips: number;
  usedKg: number;
  usedM3: number; // ESTIMATED: tonnes at the rule's density (muck ≈ 1.8 t/m³)
  approvedKg: number | null;
  approvedM3: number;
  /** The larger of the tonnes and volume shares used. */
  usedShare: number;
}
