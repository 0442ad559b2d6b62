// What reconciliation reads: the registry, tickets as they stand after voids and
// corrections (ticket_effective), and the integrity station events, by service day
// (the site's local date).
import type pg from 'pg';
import { INTEGRITY_EVENT_TYPES, type SiteKind, type StreamCode } from '@haulproof/contracts';
import { addDays, dayStart } from '../../reconciliation/calendar.js';
import type { ReconStationEvent } from '../../reconciliation/station-events.js';
import type { Day, PermitInfo, ReconTicket, Registry, RouteInfo, SiteInfo, VehicleInfo } from '../../reconciliation/types.js';

const ZONE_SLACK_MS = 14 * 3_600_000; // no zone is further than 14 h from UTC

export class ReconInputRepository {
  constructor(private readonly pool: Pick<pg.Pool, 'query'>) {}

  async registry(): Promise<Registry> {
    const [sites, vehicles, routes, permits, districts] = await Promise.all([
      this.pool.query<{ id: string; code: string; kind: SiteKind; districtId: string; capacityTpd: number; timezone: string; streams: string[]; weighs: boolean }>(
        `SELECT s.id, s.code, s.kind, s.district_id AS "districtId", s.capacity_tpd AS "capacityTpd", s.timezone,
                ARRAY(SELECT ss.stream_code FROM site_stream ss WHERE ss.site_id = s.id) AS streams,
                EXISTS (SELECT 1 FROM scale sc WHERE sc.site_id = s.id AND sc.active) AS weighs
           FROM site s`,
      ),
      this.pool.query<{ id: string; plate: string; carrierId: string; carrierDistrictId: string | null; storedTareKg: number | null; maxGrossKg: number; streams: string[] }>(
        `SELECT v.id, v.plate, v.carrier_id AS "carrierId", c.district_id AS "carrierDistrictId", v.stored_tare_kg AS "storedTareKg", v.max_gross_kg AS "maxGrossKg",
                ARRAY(SELECT vs.stream_code FROM vehicle_stream vs WHERE vs.vehicle_id = v.id) AS streams
           FROM vehicle v JOIN carrier c ON c.id = v.carrier_id`,
      ),
      this.pool.query<{ id: string; code: string; districtId: string; stream: StreamCode; destinationSiteId: string; originSiteId: string | null; scheduleDays: number[]; plannedTrips: number; plannedKg: number; active: boolean; effectiveFrom: string | null; effectiveTo: string | null; kgTolerance: number | null; vehicleIds: string[] }>(
        `SELECT r.id, r.code, r.district_id AS "districtId", r.stream_code AS stream, r.destination_site_id AS "destinationSiteId", r.origin_site_id AS "originSiteId", r.schedule_days AS "scheduleDays",
                r.planned_trips AS "plannedTrips", r.planned_kg AS "plannedKg", r.active,
                to_char(r.effective_from, 'YYYY-MM-DD') AS "effectiveFrom", to_char(r.effective_to, 'YYYY-MM-DD') AS "effectiveTo", r.kg_tolerance AS "kgTolerance",
                ARRAY(SELECT rv.vehicle_id FROM route_vehicle rv WHERE rv.route_id = r.id) AS "vehicleIds"
           FROM collection_route r`,
      ),
      this.pool.query<{ id: string; permitNo: string; originSiteId: string; disposalSiteId: string; carrierId: string; stream: StreamCode; validFrom: string; validTo: string; vehicleIds: string[] }>(
        `SELECT p.id, p.permit_no AS "permitNo", p.origin_site_id AS "originSiteId", p.disposal_site_id AS "disposalSiteId", p.carrier_id AS "carrierId", p.stream_code AS stream,
                to_char(p.valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(p.valid_to, 'YYYY-MM-DD') AS "validTo",
                ARRAY(SELECT pv.vehicle_id FROM permit_vehicle pv WHERE pv.permit_id = p.id) AS "vehicleIds"
           FROM permit p`,
      ),
      this.pool.query<{ id: string; code: string }>('SELECT id, code FROM district'),
    ]);
    return {
      sites: new Map(sites.rows.map((s): [string, SiteInfo] => [s.id, { ...s, streams: new Set(s.streams) }])),
      vehicles: new Map(vehicles.rows.map((v): [string, VehicleInfo] => [v.id, { ...v, streams: new Set(v.streams) }])),
      routes: new Map(routes.rows.map((r): [string, RouteInfo] => [r.id, { ...r, scheduleDays: new Set(r.scheduleDays), vehicleIds: new Set(r.vehicleIds) }])),
      permits: new Map(permits.rows.map((p): [string, PermitInfo] => [p.id, { ...p, vehicleIds: new Set(p.vehicleIds) }])),
      districtCodes: new Map(districts.rows.map((d) => [d.id, d.code])),
    };
  }

  /** Tickets (not voided, corrections applied) whose service day lies in [from, to]. */
  async tickets(from: Day, to: Day): Promise<ReconTicket[]> {
    const lo = new Date(dayStart(from, 'UTC') - ZONE_SLACK_MS).toISOString();
    const hi = new Date(dayStart(addDays(to, 1), 'UTC') + ZONE_SLACK_MS).toISOString();
    const { rows } = await this.pool.query<ReconTicket>(
      `SELECT * FROM (
         SELECT te.id, d.code || '-' || te.seq AS "ticketNo", te.site_id AS "siteId",
                to_char(te.weighed_at AT TIME ZONE s.timezone, 'YYYY-MM-DD') AS "serviceDay",
                te.vehicle_id AS "vehicleId", te.stream_code AS stream, te.direction, te.gross_kg AS "grossKg", te.tare_kg AS "tareKg", te.net_kg AS "netKg",
                te.tare_source AS "tareSource", te.provenance,
                (extract(epoch FROM te.first_weighed_at) * 1000)::float8 AS "firstWeighedAt",
                (extract(epoch FROM te.weighed_at) * 1000)::float8 AS "weighedAt",
                te.route_id AS "routeId", te.permit_id AS "permitId", te.origin_site_id AS "originSiteId", te.flags
           FROM ticket_effective te
           JOIN site s ON s.id = te.site_id
           JOIN station_device d ON d.id = te.device_id
          WHERE te.weighed_at >= $1::timestamptz AND te.weighed_at < $2::timestamptz AND NOT te.voided) x
        WHERE x."serviceDay" BETWEEN $3 AND $4`,
      [lo, hi, from, to],
    );
    return rows;
  }

  /** Integrity station events (INTEGRITY_EVENT_TYPES) whose service day lies in [from, to], with the ticket each names. */
  async stationEvents(from: Day, to: Day): Promise<ReconStationEvent[]> {
    const lo = new Date(dayStart(from, 'UTC') - ZONE_SLACK_MS).toISOString();
    const hi = new Date(dayStart(addDays(to, 1), 'UTC') + ZONE_SLACK_MS).toISOString();
    const { rows } = await this.pool.query<ReconStationEvent>(
      `SELECT * FROM (
         SELECT e.id, d.code || '-' || r.seq AS "eventNo", e.site_id AS "siteId",
                to_char(e.at AT TIME ZONE s.timezone, 'YYYY-MM-DD') AS "serviceDay", e.type,
                (extract(epoch FROM e.at) * 1000)::float8 AS at, e.lane_code AS lane, e.plate, e.card_uid AS "cardUid",
                t.id AS "ticketId", e.message, e.details
           FROM station_event e
           JOIN site s ON s.id = e.site_id
           JOIN station_device d ON d.id = e.device_id
           JOIN device_record r ON r.id = e.record_id
           LEFT JOIN ticket t ON t.device_id = e.device_id AND t.seq = e.ticket_seq
          WHERE e.at >= $1::timestamptz AND e.at < $2::timestamptz AND e.type = ANY($5::text[])) x
        WHERE x."serviceDay" BETWEEN $3 AND $4`,
      [lo, hi, from, to, INTEGRITY_EVENT_TYPES],
    );
    return rows;
  }

  /** The first and last weighing times in the ledger (epoch ms), or null when there are no tickets. */
  async ticketSpan(): Promise<{ first: number; last: number } | null> {
    const { rows } = await this.pool.query<{ first: number | null; last: number | null }>(
      `SELECT (extract(epoch FROM min(weighed_at)) * 1000)::float8 AS first, (extract(epoch FROM max(weighed_at)) * 1000)::float8 AS last FROM ticket`,
    );
    const r = rows[0];
    return r?.first != null && r.last != null ? { first: r.first, last: r.last } : null;
  }
}
