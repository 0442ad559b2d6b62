// Report quality for a period, per site and per district, within the asker's scope
// (as site figures: operators their site, district offices their district).
import type { ReportQuality, ReportQualityQuery } from '@haulproof/contracts';
import { addDays } from '../reconciliation/calendar.js';
import type { QueryScope } from '../repositories/reconciliation/recon-query.repository.js';
import type { ReportQualityRepository } from '../repositories/reconciliation/report-quality.repository.js';
import type { Principal } from './principal.js';
import { bounds } from './recon-query.service.js';
import { checkFilters, siteFigureScope } from './recon-scope.js';
import { addCounts, NO_COUNTS, QUALITY_WEIGHTS, qualityScore } from './report-quality.js';

export class ReportQualityService {
  constructor(
    private readonly repo: ReportQualityRepository,
    private readonly siteDistrict: (siteId: string) => Promise<string | null>,
    private readonly lateAfterMinutes: number,
    /** Today's date; days from today on are not yet whole and are not counted. */
    private readonly today: () => string = () => new Date().toISOString().slice(0, 10),
  ) {}

  async quality(p: Principal, q: ReportQualityQuery): Promise<ReportQuality> {
    const scope = siteFigureScope(p);
    await checkFilters(scope, q, this.siteDistrict);
    return this.compute(scope, q);
  }

  /** For callers that have checked scope themselves (the monthly district report). */
  async compute(scope: QueryScope, q: ReportQualityQuery): Promise<ReportQuality> {
    const [from, end] = bounds(q.period);
    const lastWhole = addDays(this.today(), -1);
    const to = end < lastWhole ? end : lastWhole;
    const counts = await this.repo.siteCounts({ from, to, lateAfterMinutes: this.lateAfterMinutes, siteId: q.siteId, districtId: q.districtId }, scope);
    const byDistrict = new Map<string, typeof NO_COUNTS>();
    for (const { siteId: _s, districtId, ...c } of counts) byDistrict.set(districtId, addCounts(byDistrict.get(districtId) ?? NO_COUNTS, c));
    return {
      period: q.period,
      from,
      to,
      lateAfterMinutes: this.lateAfterMinutes,
      weights: { ...QUALITY_WEIGHTS },
      sites: counts.map(({ siteId, districtId, ...c }) => ({ siteId, districtId, ...qualityScore(c) })),
      districts: scope.kind === 'site' || q.siteId ? [] : [...byDistrict].map(([districtId, c]) => ({ districtId, ...qualityScore(c) })),
    };
  }
}
