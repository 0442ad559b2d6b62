// The counts behind the report-quality score, per site, for a span of service days (each
// site's local calendar). Sites are those with a station device; a site's days count
// towards completeness only while it has an ACTIVE one.
import type pg from 'pg';
import type { ReportQualityCounts } from '@haulproof/contracts';
import type { QueryScope } from './recon-query.repository.js';

export interface SiteQualityCounts extends ReportQualityCounts {
  siteId: string;
  districtId: string;
}

export class ReportQualityRepository {
  constructor(private readonly pool: pg.Pool) {}

  async siteCounts(q: { from: string; to: string; lateAfterMinutes: number; siteId?: string | undefined; districtId?: string | undefined }, scope: QueryScope): Promise<SiteQualityCounts[]> {
    const params: unknown[] = [q.from, q.to, q.lateAfterMinutes];
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
                EXISTS (SELECT 1 FROM station_device d WHERE d.site_id = s.id AND d.status = 'ACTIVE') AS active
           FROM site s WHERE ${where.join(' AND ')}),
       tk AS (
         SELECT t.site_id, count(*)::int AS tickets, count(*) FILTER (WHERE t.received_at - t.weighed_at > make_interval(mins => $3::int))::int AS late
           FROM sites s JOIN ticket t ON t.site_id = s.id AND t.weighed_at >= s.t0 AND t.weighed_at < s.t1 GROUP BY 1),
       silent AS (
         SELECT s.id AS site_id, count(*)::int AS site_days,
                count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM ticket t WHERE t.site_id = s.id AND t.weighed_at >= (d.day::timestamp AT TIME ZONE s.timezone) AND t.weighed_at < ((d.day + 1)::timestamp AT TIME ZONE s.timezone)))::int AS silent_days
           FROM sites s CROSS JOIN LATERAL (SELECT g::date AS day FROM generate_series($1::date, $2::date, interval '1 day') g) d WHERE s.active GROUP BY 1),
       opened AS (
         SELECT e.site_id, count(*)::int AS n FROM sites s JOIN station_event e ON e.site_id = s.id AND e.at >= s.t0 AND e.at < s.t1 WHERE e.type = 'OPEN_TICKET_VOIDED' GROUP BY 1),
       bal AS (
         SELECT b.site_id, count(*)::int AS days, count(*) FILTER (WHERE b.imbalance_kg > 0)::int AS bad FROM sites s JOIN recon_station_balance b ON b.site_id = s.id AND b.service_day BETWEEN $1::date AND $2::date GROUP BY 1),
       kg AS (
         SELECT r.site_id, coalesce(sum(r.net_kg), 0)::float8 AS kg, coalesce(sum(r.net_kg) FILTER (WHERE r.provenance = 'KEYED'), 0)::float8 AS keyed
           FROM sites s JOIN recon_site_day r ON r.site_id = s.id AND r.service_day BETWEEN $1::date AND $2::date GROUP BY 1)
       SELECT s.id AS "siteId", s.district_id AS "districtId", coalesce(tk.tickets, 0) AS tickets, coalesce(tk.late, 0) AS "lateTickets",
              coalesce(silent.site_days, 0) AS "siteDays", coalesce(silent.silent_days, 0) AS "silentDays", coalesce(opened.n, 0) AS "openTicketsVoided",
              coalesce(bal.days, 0) AS "balanceDays", coalesce(bal.bad, 0) AS "imbalancedDays", coalesce(kg.kg, 0) AS kg, coalesce(kg.keyed, 0) AS "keyedKg"
         FROM sites s LEFT JOIN tk ON tk.site_id = s.id LEFT JOIN silent ON silent.site_id = s.id LEFT JOIN opened ON opened.site_id = s.id
         LEFT JOIN bal ON bal.site_id = s.id LEFT JOIN kg ON kg.site_id = s.id
        ORDER BY s.district_id, s.id`,
      params,
    );
    return rows;
  }
}
