// What reconciliation writes: a service day's derived rows, replaced whole in one
// transaction with the day's anomalies, and what the next day reads back.
import type pg from 'pg';
import type { Day, DayResult, StationState } from '../../reconciliation/types.js';
import { AnomalySync, type AnomalyChanges } from './anomaly-sync.js';

type Columns = Record<string, string>;

async function insert(c: pg.ClientBase, table: string, columns: Columns, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  const spec = names.map((n) => `"${n}" ${columns[n]}`).join(', ');
  for (let i = 0; i < rows.length; i += 5_000) {
    await c.query(`INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(', ')}) SELECT ${names.map((n) => `x."${n}"`).join(', ')} FROM jsonb_to_recordset($1::jsonb) AS x(${spec})`, [JSON.stringify(rows.slice(i, i + 5_000))]);
  }
}

const DERIVED = ['recon_site_day', 'recon_route_run', 'recon_run_ticket', 'recon_custody_leg', 'recon_station_balance', 'recon_district_day', 'recon_permit_day'] as const;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface StoredDay {
  stateHash: string;
  closed: boolean;
}

export class ReconOutputRepository {
  constructor(private readonly pool: pg.Pool) {}

  async storedDays(days: Day[]): Promise<Map<Day, StoredDay>> {
    const { rows } = await this.pool.query<{ day: string; stateHash: string; closed: boolean }>(`SELECT to_char(service_day, 'YYYY-MM-DD') AS day, state_hash AS "stateHash", closed FROM recon_day WHERE service_day = ANY($1::date[])`, [days]);
    return new Map(rows.map((r) => [r.day, { stateHash: r.stateHash, closed: r.closed }]));
  }

  /** Stations' stock and mix at the end of a day, as that day's computation left them. */
  async states(day: Day): Promise<StationState[]> {
    const { rows } = await this.pool.query<StationState>(
      `SELECT site_id AS "siteId", stream_code AS stream, carried_min_kg AS "carriedMinKg", carried_max_kg AS "carriedMaxKg", closing_mix AS "closingMix", mix
         FROM recon_station_balance WHERE service_day = $1 ORDER BY site_id, stream_code`,
      [day],
    );
    return rows;
  }

  /** Replaces everything derived for the day and brings its anomalies up to date, atomically. */
  async writeDay(r: DayResult, stateHash: string, asOf: number): Promise<AnomalyChanges> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      // one writer per day, across processes
      await c.query('SELECT pg_advisory_xact_lock(72707370, $1)', [Number(r.day.replaceAll('-', ''))]);
      for (const t of DERIVED) await c.query(`DELETE FROM ${t} WHERE service_day = $1`, [r.day]);
      // A ticket lies on one service day. When its day moved (the site's timezone changed, a
      // correction), another day may still hold its run ticket or leg: they are this day's now.
      await c.query('DELETE FROM recon_run_ticket WHERE ticket_id = ANY($1::uuid[])', [r.runTickets.map((x) => x.ticketId)]);
      await c.query('DELETE FROM recon_custody_leg WHERE out_ticket_id = ANY($1::uuid[])', [r.legs.map((x) => x.outTicketId)]);
      await insert(c, 'recon_site_day', { service_day: 'date', site_id: 'uuid', stream_code: 'text', direction: 'direction', provenance: 'text', district_id: 'uuid', tickets: 'int', net_kg: 'int' },
        r.siteDays.map((x) => ({ service_day: x.serviceDay, site_id: x.siteId, stream_code: x.stream, direction: x.direction, provenance: x.provenance, district_id: x.districtId, tickets: x.tickets, net_kg: x.netKg })));
      await insert(c, 'recon_route_run', { route_id: 'uuid', service_day: 'date', district_id: 'uuid', stream_code: 'text', destination_site_id: 'uuid', origin_site_id: 'uuid', scheduled: 'boolean', planned_trips: 'int', planned_kg: 'int', trips: 'int', net_kg: 'int', weighed_kg: 'int', stored_tare_kg: 'int', keyed_kg: 'int', estimated_kg: 'int', unplanned_site_trips: 'int', status: 'text', kg_tolerance: 'float8', kg_tolerance_source: 'text', min_kg: 'int', missed_trips: 'int' },
        r.routeRuns.map((x) => ({ route_id: x.routeId, service_day: x.serviceDay, district_id: x.districtId, stream_code: x.stream, destination_site_id: x.destinationSiteId, origin_site_id: x.originSiteId, scheduled: x.scheduled, planned_trips: x.plannedTrips, planned_kg: x.plannedKg, trips: x.trips, net_kg: x.netKg, weighed_kg: x.weighedKg, stored_tare_kg: x.storedTareKg, keyed_kg: x.keyedKg, estimated_kg: x.estimatedKg, unplanned_site_trips: x.unplannedSiteTrips, status: x.status, kg_tolerance: x.kgTolerance, kg_tolerance_source: x.kgToleranceSource, min_kg: x.minKg, missed_trips: x.missedTrips })));
      await insert(c, 'recon_run_ticket', { ticket_id: 'uuid', route_id: 'uuid', service_day: 'date', matched_by: 'text' }, r.runTickets.map((x) => ({ ticket_id: x.ticketId, route_id: x.routeId, service_day: x.serviceDay, matched_by: x.matchedBy })));
      await insert(c, 'recon_custody_leg', { out_ticket_id: 'uuid', service_day: 'date', vehicle_id: 'uuid', from_site_id: 'uuid', stream_code: 'text', out_kg: 'int', departed_at: 'timestamptz', deadline_at: 'timestamptz', status: 'custody_leg_status', in_ticket_id: 'uuid', to_site_id: 'uuid', in_kg: 'int', arrived_at: 'timestamptz', explanation: 'jsonb' },
        r.legs.map((x) => ({ out_ticket_id: x.outTicketId, service_day: x.serviceDay, vehicle_id: x.vehicleId, from_site_id: x.fromSiteId, stream_code: x.stream, out_kg: x.outKg, departed_at: iso(x.departedAt), deadline_at: iso(x.deadlineAt), status: x.status, in_ticket_id: x.inTicketId, to_site_id: x.toSiteId, in_kg: x.inKg, arrived_at: iso(x.arrivedAt), explanation: x.explanation })));
      await insert(c, 'recon_station_balance', { site_id: 'uuid', service_day: 'date', stream_code: 'text', opening_min_kg: 'int', opening_max_kg: 'int', in_kg: 'int', out_kg: 'int', loss_allowance_kg: 'int', closing_min_kg: 'int', closing_max_kg: 'int', carried_min_kg: 'int', carried_max_kg: 'int', tolerance_kg: 'int', imbalance_kg: 'int', provenance: 'jsonb', mix: 'jsonb', closing_mix: 'jsonb' },
        r.balances.map((x) => ({ site_id: x.siteId, service_day: x.serviceDay, stream_code: x.stream, opening_min_kg: x.openingMinKg, opening_max_kg: x.openingMaxKg, in_kg: x.inKg, out_kg: x.outKg, loss_allowance_kg: x.lossAllowanceKg, closing_min_kg: x.closingMinKg, closing_max_kg: x.closingMaxKg, carried_min_kg: x.carriedMinKg, carried_max_kg: x.carriedMaxKg, tolerance_kg: x.toleranceKg, imbalance_kg: x.imbalanceKg, provenance: x.provenance, mix: x.mix, closing_mix: x.closingMix })));
      await insert(c, 'recon_district_day', { service_day: 'date', measure: 'text', district_id: 'uuid', site_id: 'uuid', stream_code: 'text', provenance: 'text', basis: 'text', kg: 'int' },
        r.districtDays.map((x) => ({ service_day: x.serviceDay, measure: x.measure, district_id: x.districtId, site_id: x.siteId, stream_code: x.stream, provenance: x.provenance, basis: x.basis, kg: x.kg })));
      await insert(
        c,
        'recon_permit_day',
        { permit_id: 'uuid', service_day: 'date', trips: 'int', net_kg: 'int', weighed_kg: 'int', stored_tare_kg: 'int', keyed_kg: 'int', estimated_kg: 'int' },
        r.permitDays.map((x) => ({ permit_id: x.permitId, service_day: x.serviceDay, trips: x.trips, net_kg: x.netKg, weighed_kg: x.byProvenance.WEIGHED, stored_tare_kg: x.byProvenance.STORED_TARE, keyed_kg: x.byProvenance.KEYED, estimated_kg: x.byProvenance.ESTIMATED })),
      );
      const changes = await new AnomalySync(c).sync(r.day, r.anomalies);
      await c.query(
        `INSERT INTO recon_day (service_day, computed_at, as_of, closed, ticket_count, state_hash) VALUES ($1, now(), $2, $3, $4, $5)
         ON CONFLICT (service_day) DO UPDATE SET computed_at = now(), as_of = EXCLUDED.as_of, closed = EXCLUDED.closed, ticket_count = EXCLUDED.ticket_count, state_hash = EXCLUDED.state_hash`,
        [r.day, iso(asOf), r.closed, r.ticketCount, stateHash],
      );
      await c.query('COMMIT');
      return changes;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  /** Computed days that were still open when computed: they need judging once they close. */
  async openDays(): Promise<Day[]> {
    const { rows } = await this.pool.query<{ day: string }>(`SELECT to_char(service_day, 'YYYY-MM-DD') AS day FROM recon_day WHERE NOT closed ORDER BY 1`);
    return rows.map((r) => r.day);
  }

  /** Days with a load still "on its way" past its deadline: it has become a possible dumping. */
  async overdueLegDays(asOf: number): Promise<Day[]> {
    const { rows } = await this.pool.query<{ day: string }>(
      `SELECT DISTINCT to_char(service_day, 'YYYY-MM-DD') AS day FROM recon_custody_leg WHERE status = 'IN_TRANSIT' AND deadline_at <= $1::timestamptz ORDER BY 1`,
      [iso(asOf)],
    );
    return rows.map((r) => r.day);
  }
}
