import { z } from 'zod';
import { ReportQualityQuery } from './report-quality.js';
import type { Provenance } from './api.js';

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
  'LEG_WRONG_DESTINATION', // arrived somewhere other than the permit names (or, with no permit, the route)
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
  'REPEATED_WEIGHING', // the same vehicle weighed twice at a site within minutes: one load counted twice
  // station events (the agents' signed anti-cheat records)
  'SCALE_INTEGRITY', // a weight taken while the scale jumped or had not returned to zero (压秤, a second vehicle)
  'CARD_DUPLICATE_USE', // one card at two lanes at once: a cloned or shared card
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
const Stream = z.string().regex(/^[A-Z_]{2,32}$/);
const Format = z.enum(['json', 'csv', 'xlsx']).default('json').describe('json, or a spreadsheet: csv (UTF-8 with BOM) or xlsx, headers in Chinese and English with units');

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
    format: Format,
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
    siteId: Id.optional().describe('where the tonnes were weighed: for COLLECTED the site a route first weighed them at, for DISPOSED the plant; narrows the rows, the metrics stay the whole district’s'),
    stream: z.string().regex(/^[A-Z_]{2,32}$/).optional(),
    format: z.enum(['json', 'csv', 'xlsx']).default('json'),
  })
  .strict()
  .refine(span, SPAN_MESSAGE);
export type DistrictFiguresQuery = z.infer<typeof DistrictFiguresQuery>;

// Lists (runs, legs, balances) come a page at a time: follow `nextCursor` until it is null. With
// format=csv|xlsx the whole range comes back in one file, every page of it.
const Cursor = z.string().max(200).optional();
const SiteOf = (what: string) => Id.optional().describe(what);

export const RouteRunQuery = z
  .object({
    from: Day,
    to: Day,
    routeId: Id.optional(),
    districtId: Id.optional().describe("the route's district"),
    siteId: SiteOf("the run's planned destination site; within a district scope it narrows your district's runs, wherever they deliver"),
    stream: Stream.optional(),
    status: z.enum(['OPEN', 'COMPLETE', 'SHORT', 'MISSED', 'UNSCHEDULED']).optional(),
    cursor: Cursor,
    limit: Limit,
    format: Format,
  })
  .strict()
  .refine(span, SPAN_MESSAGE);
export type RouteRunQuery = z.infer<typeof RouteRunQuery>;

export const LegQuery = z
  .object({
    from: Day,
    to: Day,
    siteId: SiteOf('a leg matches when it left or reached the site'),
    districtId: Id.optional().describe('a leg matches when either end (the site it left or the site it reached) lies in the district'),
    stream: Stream.optional().describe('the stream it left as'),
    vehicleId: Id.optional(),
    status: z.enum(['DELIVERED', 'IN_TRANSIT', 'NO_ARRIVAL']).optional(),
    cursor: Cursor,
    limit: Limit,
    format: Format,
  })
  .strict()
  .refine(span, SPAN_MESSAGE);
export type LegQuery = z.infer<typeof LegQuery>;

/** Station balances per day, or summed per month or year (`period`): in and out add up, stock is the first day's opening and the last day's closing. */
export const BalanceQuery = z
  .object({
    from: Day,
    to: Day,
    period: Period.default('day'),
    siteId: Id.optional(),
    districtId: Id.optional().describe("the station's district"),
    stream: Stream.optional(),
    cursor: Cursor,
    limit: Limit,
    format: Format,
  })
  .strict()
  .refine(span, SPAN_MESSAGE);
export type BalanceQuery = z.infer<typeof BalanceQuery>;

// ───────── API: views ─────────
/**
 * kg by how they were weighed (a ticket's provenance, contracts/api.ts). `total` = the sum.
 * ESTIMATED here is tickets recorded with a computed estimate while a scale could not weigh (估重);
 * figures the engine derives (loss allowance, stock) are marked in their own fields.
 */
export interface ProvenanceTotals {
  total: number;
  WEIGHED: number;
  STORED_TARE: number;
  KEYED: number;
  ESTIMATED: number;
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
  estimatedShare: number | null; // share of household kg resting on estimated weights (估重)
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
  /**
   * COLLECTION: collection trips into the destination. HAUL: a transfer station's trailers hauling on
   * from originSiteId; its kg are not collected tonnes (they were collected into the station).
   */
  kind: 'COLLECTION' | 'HAUL';
  originSiteId: string | null;
  scheduled: boolean;
  /** Planned against actual, side by side: trips, and kg (actual = kg.total). */
  plannedTrips: number;
  plannedKg: number;
  trips: number;
  kg: ProvenanceTotals;
  /**
   * What the run was judged by, as stored when it was computed: the share of planned tonnes it may fall
   * short (the route's own kgTolerance, else the deployment's routeKgTolerance) and the tonnes that leaves.
   * Below minKg the run is SHORT.
   */
  tolerance: { share: number; source: 'ROUTE' | 'RULE'; minKg: number };
  /** max(0, plannedTrips − trips) once the run is judged; 0 while it is OPEN (trips may still come) or UNSCHEDULED. */
  missedTrips: number;
  unplannedSiteTrips: number;
  /** OPEN until the day closes; then COMPLETE, SHORT (fewer trips, or kg below tolerance.minKg) or MISSED (no trip); UNSCHEDULED: trips on a day the route does not run. */
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
  /** How the departure was weighed, and the arrival (null until one is matched): legs carry their provenance too. */
  outProvenance: Provenance;
  departedAt: string;
  deadlineAt: string;
  status: 'DELIVERED' | 'IN_TRANSIT' | 'NO_ARRIVAL';
  inTicketId: string | null;
  toSiteId: string | null;
  inKg: number | null;
  inProvenance: Provenance | null;
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

/** A station's balance over a month or year (BalanceQuery period): flows summed, stock at the ends. */
export interface StationBalancePeriodView {
  siteId: string;
  period: string; // YYYY-MM or YYYY, in the site's calendar (service days)
  stream: string;
  days: number; // balance days in the period (within from … to)
  openingKg: { min: number; max: number }; // the first day's opening
  inKg: number;
  outKg: number;
  lossAllowanceKg: number; // ESTIMATED, summed
  closingKg: { min: number; max: number }; // ESTIMATED: the last day's closing
  imbalancedDays: number;
  /** The day's imbalance furthest from zero (signed), 0 when every day balanced. */
  worstImbalanceKg: number;
  provenance: { in: Omit<ProvenanceTotals, 'total'>; out: Omit<ProvenanceTotals, 'total'> };
}

// One load's trace (TraceView): contracts/src/trace.ts.

/** Targets as they stand on a day: progress to date, the period's projection, and a ranking of districts per metric. */
export const TargetProgressQuery = z.object({ asOf: Day, districtId: Id.optional(), format: Format }).strict();
export type TargetProgressQuery = z.infer<typeof TargetProgressQuery>;

/** GET /reconciliation/quality: the report-quality query, and `format` for a spreadsheet (sites, then districts). */
export const ReportQualityRequest = ReportQualityQuery.extend({ format: Format });
export type ReportQualityRequest = z.infer<typeof ReportQualityRequest>;

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

/**
 * Construction-waste permits: trips and tonnes counted against each, versus approved. Usage is
 * counted over from … to (from: the beginning; `asOf` is the older name for `to`); with `period`
 * it is split into days, months or years, one row per permit and period with usage.
 */
export const PermitUsageQuery = z
  .object({
    asOf: Day.optional(),
    from: Day.optional(),
    to: Day.optional(),
    period: Period.optional(),
    permitId: Id.optional(),
    siteId: Id.optional().describe("the permit's origin or disposal site"),
    districtId: Id.optional().describe("a permit matches when its origin or disposal site lies in the district"),
    stream: Stream.optional(),
    format: Format,
  })
  .strict()
  .refine((q) => (q.to ?? q.asOf) !== undefined && (!q.to || !q.asOf || q.to === q.asOf), { path: ['to'], message: 'give `to` (or `asOf`, the same day)' })
  .refine((q) => !q.from || !(q.to ?? q.asOf) || span({ from: q.from, to: (q.to ?? q.asOf)! }), SPAN_MESSAGE);
export type PermitUsageQuery = z.infer<typeof PermitUsageQuery>;

/** What a 处置证 names: origin, carrier, disposal site, stream and validity (days, site calendar). */
export interface PermitTerms {
  id: string;
  permitNo: string;
  stream: string;
  originSiteId: string;
  disposalSiteId: string;
  carrierId: string;
  validFrom: string;
  validTo: string;
  approvedKg: number | null;
  approvedM3: number;
}

export interface PermitUsage extends PermitTerms {
  /** With `period`: the day, month or year the usage was counted in. */
  period?: string;
  expired: boolean; // on `to`
  trips: number;
  usedKg: number;
  /** usedKg by how the arrivals counted against the permit were weighed (total = usedKg). */
  usedKgByProvenance: ProvenanceTotals;
  usedM3: number; // ESTIMATED: tonnes at the rule's density (muck ≈ 1.8 t/m³)
  /** The larger of the tonnes and volume shares used. */
  usedShare: number;
}
