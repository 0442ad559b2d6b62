// What the monthly district report reads besides the reconciliation figures: the district
// itself, stream names, and the month's findings.
import type pg from 'pg';

export interface DistrictInfo {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  population: number;
}

export interface MonthFindings {
  /** Findings for service days in the month, by kind, with how many of those are still open. */
  raised: { kind: string; count: number; open: number }[];
  /** Findings of the district resolved during the month (whatever day they were for). */
  resolved: number;
}

export class DistrictReportRepository {
  constructor(private readonly pool: pg.Pool) {}

  async district(id: string): Promise<DistrictInfo | null> {
    const { rows } = await this.pool.query<DistrictInfo>('SELECT id, code, name_zh AS "nameZh", name_en AS "nameEn", population FROM district WHERE id = $1', [id]);
    return rows[0] ?? null;
  }

  async streamNames(): Promise<Map<string, { zh: string; en: string }>> {
    const { rows } = await this.pool.query<{ code: string; zh: string; en: string }>('SELECT code, name_zh AS zh, name_en AS en FROM waste_stream');
    return new Map(rows.map((r) => [r.code, { zh: r.zh, en: r.en }]));
  }

  /** `from`/`to`: the month's first and last day; "resolved during" uses the bureau's clock (Asia/Shanghai). */
  async findings(districtId: string, from: string, to: string): Promise<MonthFindings> {
    const [raised, resolved] = await Promise.all([
      this.pool.query<{ kind: string; count: number; open: number }>(
        `SELECT kind, count(*)::int AS count, count(*) FILTER (WHERE status <> 'RESOLVED' AND active)::int AS open
           FROM anomaly WHERE district_id = $1 AND service_day BETWEEN $2::date AND $3::date GROUP BY kind ORDER BY kind`,
        [districtId, from, to],
      ),
      this.pool.query<{ n: number }>(
        `SELECT count(DISTINCT e.anomaly_id)::int AS n FROM anomaly_event e JOIN anomaly a ON a.id = e.anomaly_id
          WHERE a.district_id = $1 AND e.kind = 'RESOLVED'
            AND e.at >= ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND e.at < (($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`,
        [districtId, from, to],
      ),
    ]);
    return { raised: raised.rows, resolved: resolved.rows[0]?.n ?? 0 };
  }
}
