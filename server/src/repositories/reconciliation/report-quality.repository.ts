// The counts behind the report-quality score, per site, for a span of service days (each
// site's local calendar). Sites are those with a station device; a site's days count
// towards completeness only while it has an ACTIVE one. Station events are counted as the
// stations signed them, whether or not reconciliation tied them to a ticket. Silent time and
// open first passes come from what the live uplink wrote down from the devices' heartbeats.
import type pg from 'pg';
import { INTEGRITY_EVENT_TYPES, SCALE_FAULT_EVENT_TYPES, type ReportQualityCounts } from '@haulproof/contracts';
import type { QueryScope } from './recon-query.repository.js';

export interface SiteQualityCounts extends ReportQualityCounts {
  siteId: string;
  districtId: string;
}

// Silent time ($6 = silentAfterHours). Each site's "heard" intervals: the clock hours a device was
// heard in over the uplink (station_device_hour, written by the live uplink), the clock hours with a
// ticket weighed or a station event signed, and — for days that began before the site's first
// heard hour, when no heartbeat was kept — a whole day with a ticket in it (the older rule, so a
// past period scores as it did). Sorted with two empty sentinels at the period's ends, the gap
// before an interval is its start minus the latest end before it; gaps of $6 hours or more are
// silent. Cheap: a few hundred rows per site-month, no hour-by-hour grid.
const SILENCE = `
       heard AS (
         SELECT s.id AS site_id, h.hour AS a, h.hour + interval '1 hour' AS b
           FROM sites s JOIN station_device d ON d.site_id = s.id JOIN station_device_hour h ON h.device_id = d.id AND h.hour >= s.t0 - interval '1 hour' AND h.hour < s.t1
          WHERE s.active
         UNION ALL
         SELECT s.id, x.a, x.a + interval '1 hour'
           FROM sites s CROSS JOIN LATERAL (
                  SELECT date_trunc('hour', t.weighed_at, 'UTC') AS a FROM ticket t WHERE t.site_id = s.id AND t.weighed_at >= s.t0 AND t.weighed_at < s.t1
                  UNION SELECT date_trunc('hour', e.at, 'UTC') FROM station_event e WHERE e.site_id = s.id AND e.at >= s.t0 AND e.at < s.t1) x
          WHERE s.active
         UNION ALL
         SELECT s.id, g.a, g.b
           FROM sites s CROSS JOIN LATERAL (
                  SELECT (d::date::timestamp AT TIME ZONE s.timezone) AS a, ((d::date + 1)::timestamp AT TIME ZONE s.timezone) AS b
                    FROM generate_series($1::date, $2::date, interval '1 day') d) g
          WHERE s.active AND (s.tracked_from IS NULL OR g.a < s.tracked_from)
            AND EXISTS (SELECT 1 FROM ticket t WHERE t.site_id = s.id AND t.weighed_at >= g.a AND t.weighed_at < g.b)),
       marks AS (
         SELECT site_id, a, b FROM heard
         UNION ALL SELECT id, t0, t0 FROM sites WHERE active
         UNION ALL SELECT id, t1, t1 FROM sites WHERE active),
       gaps AS (
         SELECT site_id, extract(epoch FROM a - max(b) OVER (PARTITION BY site_id ORDER BY a, b ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) / 3600 AS hours FROM marks),
       silence AS (
         SELECT site_id, coalesce(sum(hours) FILTER (WHERE hours >= $6::int), 0)::float8 AS hours, count(*) FILTER (WHERE hours >= $6::int)::int AS spans FROM gaps GROUP BY 1),`;

// Open first passes now ($7 = as of, NULL for a past period; $8 = overdue after minutes): each
// device's last written heartbeat, unless it is older than the silence span — a device not heard
// for that long is counted silent, and what it last said about its first passes is stale.
const OPEN_NOW = `
       pending AS (
         SELECT d.site_id, sum(st.open_tickets)::int AS open_now,
                sum((SELECT count(*) FROM jsonb_each(st.open_by_lane) l CROSS JOIN LATERAL jsonb_array_elements_text(l.value) f(at)
                      WHERE f.at::timestamptz <= $7::timestamptz - make_interval(mins => $8::int)))::int AS overdue
           FROM sites s JOIN station_device d ON d.site_id = s.id JOIN station_device_status st ON st.device_id = d.id
          WHERE $7::timestamptz IS NOT NULL AND st.open_tickets IS NOT NULL AND st.last_heartbeat_at >= $7::timestamptz - make_interval(hours => $6::int)
          GROUP BY 1),`;

export interface SiteCountsQuery {
  from: string;
  to: string;
  lateAfterMinutes: number;
  silentAfterHours: number;
  /** Count the open first passes the stations report as of this time; null: do not (a past period). */
  openAsOf: Date | null;
  openTicketOverdueMinutes: number;
  siteId?: string | undefined;
  districtId?: string | undefined;
}

export class ReportQualityRepository {
  constructor(private readonly pool: pg.Pool) {}

  async siteCounts(q: SiteCountsQuery, scope: QueryScope): Promise<SiteQualityCounts[]> {
    const params: unknown[] = [q.from, q.to, q.lateAfterMinutes, SCALE_FAULT_EVENT_TYPES, INTEGRITY_EVENT_TYPES, q.silentAfterHours, q.openAsOf, q.openTicketOverdueMinutes];
    const where: string[] = [`EXISTS (SELECT 1 FROM station_device d WHERE d.site_id = s.id AND d.status <> 'PENDING')`];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (scope.kind === 'site') add('s.id = ?', scope.siteId);
    if (scope.kind === 'district') add('s.district_id = ?', scope.districtId);
    if (q.siteId) add('s.id = ?', q.siteId);
    if (q.districtId) add('s.district_id = ?', q.districtId);
    const { rows } = await this.pool.query<SiteQualityCounts>(
      `WITH sites AS (
         SELECT s.id, s.district_id, s.timezone, ($1::date::timestamp AT TIME ZONE s.timezone) AS t0, (($2::date + 1)::timestamp AT TIME ZONE s.timezone) AS t1,
                EXISTS (SELECT 1 FROM station_device d WHERE d.site_id = s.id AND d.status = 'ACTIVE') AS active,
                (SELECT min(f.hour) FROM station_device d CROSS JOIN LATERAL (SELECT h.hour FROM station_device_hour h WHERE h.device_id = d.id ORDER BY h.hour LIMIT 1) f
                  WHERE d.site_id = s.id) AS tracked_from
           FROM site s WHERE ${where.join(' AND ')}),
       tk AS (
         SELECT t.site_id, count(*)::int AS tickets, count(*) FILTER (WHERE t.received_at - t.weighed_at > make_interval(mins => $3::int))::int AS late
           FROM sites s JOIN ticket t ON t.site_id = s.id AND t.weighed_at >= s.t0 AND t.weighed_at < s.t1 GROUP BY 1),
       silent AS (
         SELECT s.id AS site_id, count(*)::int AS site_days,
                count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM ticket t WHERE t.site_id = s.id AND t.weighed_at >= (d.day::timestamp AT TIME ZONE s.timezone) AND t.weighed_at < ((d.day + 1)::timestamp AT TIME ZONE s.timezone)))::int AS silent_days
           FROM sites s CROSS JOIN LATERAL (SELECT g::date AS day FROM generate_series($1::date, $2::date, interval '1 day') g) d WHERE s.active GROUP BY 1),
       ev AS (
         SELECT e.site_id, count(*) FILTER (WHERE e.type = 'OPEN_TICKET_VOIDED')::int AS opened,
                count(*) FILTER (WHERE e.type = ANY($4::text[]))::int AS faults,
                count(DISTINCT (e.at AT TIME ZONE s.timezone)::date) FILTER (WHERE e.type = ANY($4::text[]) AND s.active)::int AS fault_days,
                count(*) FILTER (WHERE e.type = ANY($5::text[]))::int AS integrity
           FROM sites s JOIN station_event e ON e.site_id = s.id AND e.at >= s.t0 AND e.at < s.t1 GROUP BY 1),
       bal AS (
         SELECT b.site_id, count(*)::int AS days, count(*) FILTER (WHERE b.imbalance_kg <> 0)::int AS bad FROM sites s JOIN recon_station_balance b ON b.site_id = s.id AND b.service_day BETWEEN $1::date AND $2::date GROUP BY 1),
       kg AS (
         SELECT r.site_id, coalesce(sum(r.net_kg), 0)::float8 AS kg, coalesce(sum(r.net_kg) FILTER (WHERE r.provenance = 'KEYED'), 0)::float8 AS keyed,
                coalesce(sum(r.net_kg) FILTER (WHERE r.provenance = 'ESTIMATED'), 0)::float8 AS estimated
           FROM sites s JOIN recon_site_day r ON r.site_id = s.id AND r.service_day BETWEEN $1::date AND $2::date GROUP BY 1),
       ${SILENCE}
       ${OPEN_NOW}
       span AS (
         SELECT id AS site_id, (extract(epoch FROM t1 - t0) / 3600)::float8 AS hours FROM sites WHERE active)
       SELECT s.id AS "siteId", s.district_id AS "districtId", coalesce(tk.tickets, 0) AS tickets, coalesce(tk.late, 0) AS "lateTickets",
              coalesce(silent.site_days, 0) AS "siteDays", coalesce(silent.silent_days, 0) AS "silentDays",
              coalesce(span.hours, 0) AS "siteHours", coalesce(silence.hours, 0) AS "silentHours", coalesce(silence.spans, 0) AS "silentSpans",
              coalesce(ev.opened, 0) AS "openTicketsVoided", coalesce(pending.open_now, 0) AS "openTickets", coalesce(pending.overdue, 0) AS "openTicketsOverdue",
              coalesce(bal.days, 0) AS "balanceDays", coalesce(bal.bad, 0) AS "imbalancedDays", coalesce(kg.kg, 0) AS kg, coalesce(kg.keyed, 0) AS "keyedKg", coalesce(kg.estimated, 0) AS "estimatedKg",
              coalesce(ev.faults, 0) AS "scaleFaults", coalesce(ev.fault_days, 0) AS "scaleFaultDays", coalesce(ev.integrity, 0) AS "integrityEvents"
         FROM sites s LEFT JOIN tk ON tk.site_id = s.id LEFT JOIN silent ON silent.site_id = s.id LEFT JOIN ev ON ev.site_id = s.id
         LEFT JOIN bal ON bal.site_id = s.id LEFT JOIN kg ON kg.site_id = s.id
         LEFT JOIN span ON span.site_id = s.id LEFT JOIN silence ON silence.site_id = s.id LEFT JOIN pending ON pending.site_id = s.id
        ORDER BY s.district_id, s.id`,
      params,
    );
    return rows;
  }
}
