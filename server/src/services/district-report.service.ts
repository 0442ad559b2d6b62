// The monthly district report: everything a bureau inspector takes to the monthly meeting
// for one district, gathered from the reconciliation figures (rendered by reports/district-month-pdf.ts).
import type { DistrictMetrics, DistrictMonthReportQuery, DistrictRanking, ProvenanceTotals, ReportQualityScore, TargetProgress } from '@haulproof/contracts';
import { STREAM_CODES } from '@haulproof/contracts';
import { forbidden, notFound } from '../http/errors.js';
import type { DistrictInfo, DistrictReportRepository, MonthFindings } from '../repositories/reconciliation/district-report.repository.js';
import type { Principal } from './principal.js';
import { bounds, type ReconQueryService } from './recon-query.service.js';
import { districtFigureScope } from './recon-scope.js';
import type { DistrictRankingService } from './district-ranking.js';
import type { ReportQualityService } from './report-quality.service.js';

export interface DistrictMonthReport {
  district: DistrictInfo;
  month: string;
  from: string;
  to: string;
  /** Tonnes by stream, collected (where the district's routes weighed them) and disposed (attributed back), provenance apart. */
  streams: { code: string; zh: string; en: string; collected: ProvenanceTotals; disposed: ProvenanceTotals; apportionedKg: number }[];
  metrics: DistrictMetrics | null;
  targets: TargetProgress[];
  findings: MonthFindings;
  quality: ReportQualityScore | null;
  /** Where the district stands among all districts on each ranked figure, over the month (to today while it runs). */
  rankings: { of: number; rankings: DistrictRanking[] };
}

export class DistrictReportService {
  constructor(
    private readonly repo: DistrictReportRepository,
    private readonly queries: Pick<ReconQueryService, 'districts' | 'targets'>,
    private readonly quality: Pick<ReportQualityService, 'compute'>,
    private readonly ranking: Pick<DistrictRankingService, 'rankings'>,
    private readonly today: () => string = () => new Date().toISOString().slice(0, 10),
  ) {}

  /** Inspectors and the bureau, within their scope: the report goes into enforcement files. */
  async gather(p: Principal, q: DistrictMonthReportQuery): Promise<DistrictMonthReport> {
    if (p.role !== 'ADMIN' && p.role !== 'INSPECTOR') throw forbidden('the monthly district report is for inspectors and the bureau');
    const scope = districtFigureScope(p);
    if (scope.kind === 'district' && scope.districtId !== q.districtId) throw forbidden('that district is outside your scope');
    const district = await this.repo.district(q.districtId);
    if (!district) throw notFound('no such district');
    const [from, to] = bounds(q.month);
    const today = this.today();
    const [figures, targets, findings, quality, names, ranked] = await Promise.all([
      this.queries.districts(p, { from, to, period: 'month', districtId: q.districtId, format: 'json' }),
      this.queries.targets(p, { asOf: to < today ? to : today, districtId: q.districtId }),
      this.repo.findings(q.districtId, from, to),
      this.quality.compute(scope, { period: q.month, districtId: q.districtId }),
      this.repo.streamNames(),
      this.ranking.rankings(p, { period: q.month, districtId: q.districtId, ...(to > today ? { asOf: today } : {}) }),
    ]);
    const order = (code: string) => STREAM_CODES.indexOf(code as never);
    return {
      district,
      month: q.month,
      from,
      to,
      streams: figures.rows
        .filter((r) => r.districtId === q.districtId)
        .sort((a, b) => order(a.stream) - order(b.stream))
        .map((r) => ({ code: r.stream, zh: names.get(r.stream)?.zh ?? r.stream, en: names.get(r.stream)?.en ?? r.stream, collected: r.collected, disposed: r.disposed, apportionedKg: r.apportionedKg })),
      metrics: figures.metrics.find((m) => m.districtId === q.districtId) ?? null,
      targets: targets.items,
      findings,
      quality: quality.districts.find((d) => d.districtId === q.districtId) ?? null,
      rankings: { of: ranked.of, rankings: ranked.rankings },
    };
  }
}
