import type pg from 'pg';
import type { DeviceRegistrySnapshot } from '@haulproof/contracts';

type Snapshot = Omit<DeviceRegistrySnapshot, 'generatedAt'>;

// Each part is one set-based query, whatever the size of the fleet (a city has thousands of
// trucks). Arrays are aggregated in SQL and every list has a total order, so the same registry
// always gives the same JSON and the same ETag.
const SITE = `
  SELECT d.code, d.status, s.id AS "siteId", s.code AS "siteCode", s.name_zh AS "nameZh", s.name_en AS "nameEn", s.kind, s.timezone,
         ARRAY(SELECT ss.stream_code FROM site_stream ss JOIN waste_stream w ON w.code = ss.stream_code WHERE ss.site_id = s.id ORDER BY w.sort_order) AS streams,
         to_char((now() AT TIME ZONE s.timezone)::date, 'YYYY-MM-DD') AS today
    FROM station_device d JOIN site s ON s.id = d.site_id WHERE d.id = $1`;
const LANES = `
  SELECT sc.code, sc.name, sc.max_kg AS "maxKg", sc.division_kg AS "divisionKg", sc.min_load_kg AS "minLoadKg", sc.protocol,
         sc.port_path AS "portPath", sc.baud_rate AS "baudRate", sc.data_bits AS "dataBits", sc.parity, sc.stop_bits AS "stopBits"
    FROM device_lane dl JOIN scale sc ON sc.id = dl.scale_id
   WHERE dl.device_id = $1 AND sc.active ORDER BY sc.code`;
const VEHICLES = `
  SELECT v.plate, v.plate_raw AS "plateRaw", c.code AS "carrierCode", v.status,
         COALESCE(array_agg(vs.stream_code ORDER BY w.sort_order) FILTER (WHERE vs.stream_code IS NOT NULL), '{}') AS streams,
         v.stored_tare_kg AS "storedTareKg", v.tare_expires_at AS "tareExpiresAt", v.max_gross_kg AS "maxGrossKg"
    FROM vehicle v
    JOIN carrier c ON c.id = v.carrier_id
    LEFT JOIN vehicle_stream vs ON vs.vehicle_id = v.id
    LEFT JOIN waste_stream w ON w.code = vs.stream_code
   GROUP BY v.id, c.code ORDER BY v.plate`;
const CARDS = `
  SELECT cd.uid, v.plate, cd.status, dr.name AS "driverName"
    FROM card cd JOIN vehicle v ON v.id = cd.vehicle_id LEFT JOIN driver dr ON dr.id = cd.driver_id
   ORDER BY cd.uid`;
// Valid today or later, "today" at the site: a permit ending today still counts until local midnight.
const PERMITS = `
  SELECT p.permit_no AS "permitNo", o.code AS "originSiteCode", ds.code AS "disposalSiteCode", p.stream_code AS stream,
         to_char(p.valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(p.valid_to, 'YYYY-MM-DD') AS "validTo",
         COALESCE(array_agg(v.plate ORDER BY v.plate) FILTER (WHERE v.plate IS NOT NULL), '{}') AS plates
    FROM permit p
    JOIN site o ON o.id = p.origin_site_id
    JOIN site ds ON ds.id = p.disposal_site_id
    LEFT JOIN permit_vehicle pv ON pv.permit_id = p.id
    LEFT JOIN vehicle v ON v.id = pv.vehicle_id
   WHERE $1 IN (p.origin_site_id, p.disposal_site_id) AND p.valid_to >= $2::date
   GROUP BY p.id, o.code, ds.code ORDER BY p.permit_no`;
// In force today at the site: reconciliation ignores a route declared outside its dates.
const ROUTES = `
  SELECT r.code, r.stream_code AS stream, COALESCE(array_agg(v.plate ORDER BY v.plate) FILTER (WHERE v.plate IS NOT NULL), '{}') AS plates,
         r.schedule_days AS "scheduleDays"
    FROM collection_route r
    LEFT JOIN route_vehicle rv ON rv.route_id = r.id
    LEFT JOIN vehicle v ON v.id = rv.vehicle_id
   WHERE r.destination_site_id = $1 AND r.active
     AND (r.effective_from IS NULL OR r.effective_from <= $2::date) AND (r.effective_to IS NULL OR r.effective_to >= $2::date)
   GROUP BY r.id ORDER BY r.code`;
const SITES = `
  SELECT s.code, s.name_zh AS "nameZh", s.kind,
         COALESCE(array_agg(ss.stream_code ORDER BY w.sort_order) FILTER (WHERE ss.stream_code IS NOT NULL), '{}') AS "acceptedStreams"
    FROM site s
    LEFT JOIN site_stream ss ON ss.site_id = s.id
    LEFT JOIN waste_stream w ON w.code = ss.stream_code
   WHERE s.active
   GROUP BY s.id ORDER BY s.code`;

/** What a station needs to weigh offline (contracts DeviceRegistrySnapshot), read in one consistent view. */
export class DeviceRegistryRepository {
  constructor(private readonly pool: pg.Pool) {}

  async snapshot(deviceId: string): Promise<Snapshot | null> {
    const client = await this.pool.connect();
    try {
      // One snapshot of the database for all seven queries: a registry edit between them must not tear the result.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const q = async <T extends pg.QueryResultRow>(sql: string, params: unknown[]) => (await client.query<T>(sql, params)).rows;
      const [head] = await q<{ code: string; status: Snapshot['device']['status']; siteId: string; siteCode: string; nameZh: string; nameEn: string; kind: string; timezone: string; streams: Snapshot['site']['acceptedStreams']; today: string }>(SITE, [deviceId]);
      if (!head) return null;
      const lanes = await q<Snapshot['lanes'][number]>(LANES, [deviceId]);
      const vehicles = await q<Omit<Snapshot['vehicles'][number], 'tareExpiresAt'> & { tareExpiresAt: Date | null }>(VEHICLES, []);
      const cards = await q<Snapshot['cards'][number]>(CARDS, []);
      const permits = await q<Snapshot['permits'][number]>(PERMITS, [head.siteId, head.today]);
      const routes = await q<Snapshot['routes'][number]>(ROUTES, [head.siteId, head.today]);
      const sites = await q<Snapshot['sites'][number]>(SITES, []);
      return {
        device: { code: head.code, status: head.status },
        site: { code: head.siteCode, nameZh: head.nameZh, nameEn: head.nameEn, kind: head.kind, timezone: head.timezone, acceptedStreams: head.streams },
        lanes,
        vehicles: vehicles.map((v) => ({ ...v, tareExpiresAt: v.tareExpiresAt?.toISOString() ?? null })),
        cards,
        permits,
        routes,
        sites,
      };
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }
}
