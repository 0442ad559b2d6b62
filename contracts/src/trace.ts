// One load's trace: GET /api/v1/tickets/:id/trace (server/src/services/recon-trace.service.ts).
import type { AnomalyView, CustodyLegView, PermitTerms, RouteRunView } from './reconciliation.js';

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

/** A run that fed a station pile: its trips and kg into the pile that day, and how the run as a whole was judged. */
export interface TracePileRun {
  routeId: string;
  routeCode: string;
  districtId: string;
  status: RouteRunView['status'];
  trips: number;
  netKg: number;
}

/**
 * The transfer-station pile (site × service day × stream) a load was shared from or joined. Inbound
 * tickets are those of that service day; stock carried from earlier days shows only in `mix`.
 * Tickets and runs outside the asker's scope are not listed: they are summed in `otherInbound`.
 */
export interface TracePile {
  siteId: string;
  serviceDay: string;
  stream: string;
  /** Inbound tickets you may open (as GET /tickets/:id), each with the run it counted towards (null: none). */
  inbound: (TraceTicket & { routeId: string | null; routeCode: string | null })[];
  /** Runs you may see (as /route-runs) that fed the pile. */
  runs: TracePileRun[];
  /** The rest of the day's inbound tickets, summed by the district whose route brought them (null: no route). */
  otherInbound: { districtId: string | null; tickets: number; netKg: number }[];
  mix: Record<string, number>;
}

/** The permit a construction load moved under, and whether the load's day lay within it. */
export interface TracePermit extends PermitTerms {
  validOnDay: boolean;
  /** Trips and kg counted against it up to and including the load's day. */
  tripsToDate: number;
  usedKgToDate: number;
}

/**
 * One load, from the route run that collected it, through a transfer station, to the plant. Shown
 * when the ticket is visible; within it, legs as /legs shows them, tickets as /tickets, runs as
 * /route-runs, anomalies as /anomalies, the permit as /permits. What lies on the way but outside
 * the asker's scope is counted in `hidden` (and, for a pile's tickets, summed in otherInbound), never listed.
 */
export interface TraceView {
  ticket: TraceTicket;
  run: (Pick<RouteRunView, 'routeId' | 'routeCode' | 'serviceDay' | 'status' | 'plannedTrips' | 'trips' | 'plannedKg'> & { netKg: number }) | null;
  /** When the ticket delivered a departure: that departure (and, in `pile`, the station pile it came from). */
  upstream: { leg: CustodyLegView; departure: TraceTicket } | null;
  /** The station pile on the way: the one a delivered departure or a station departure was shared from, or the one a station tip joined. */
  pile: TracePile | null;
  /** When the ticket tipped at a transfer station or is a departure: where that pile went. */
  downstream: { leg: CustodyLegView; arrival: TraceTicket | null }[];
  /** For a construction load: its permit (the ticket's, else its departure's). */
  permit: TracePermit | null;
  /** Every finding on the way: the chain's tickets, the pile's tickets, the runs that fed it or collected the load, the pile's balance. */
  anomalies: AnomalyView[];
  hidden: { legs: number; runs: number; anomalies: number; permit: boolean };
}
