// Report quality for a period, per site and per district, within the asker's scope
// (as site figures: operators their site, district offices their district).
import type { ReportQuality, ReportQualityQuery } from '@haulproof/contracts';
import { addDays } from '../reconciliation/calendar.js';
import type { ReconRules } from '../reconciliation/rules.js';
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
    private readonly rules: Pick<ReconRules, 'lateTicketMinutes' | 'silentAfterHours' | 'openTicketOverdueMinutes'>,
    /** Now (ms). Days from today (UTC) on are not yet whole and are not counted; open first passes are counted as of now. */
    private readonly clock: () => number = Date.now,
  ) {}

  async quality(p: Principal, q: ReportQualityQuery): Promise<ReportQuality> {
    const scope = siteFigureScope(p);
    await checkFilters(scope, q, this.siteDistrict);
    return this.compute(scope, q);
  }

  /** For callers that have checked scope themselves (the monthly district report). */
  async compute(scope: QueryScope, q: ReportQualityQuery): Promise<ReportQuality> {
    const [from, end] = bounds(q.period);
    const now = new Date(this.clock());
    const today = now.toISOString().slice(0, 10);
    const lastWhole = addDays(today, -1);
    const to = end < lastWhole ? end : lastWhole;
    // First passes open now say nothing about a past period: they are counted for the one that runs on.
    const openAsOf = from <= today && today <= end ? now : null;
    const { lateTicketMinutes, silentAfterHours, openTicketOverdueMinutes } = this.rules;
    const counts = await this.repo.siteCounts({ from, to, lateAfterMinutes: lateTicketMinutes, silentAfterHours, openAsOf, openTicketOverdueMinutes, siteId: q.siteId, districtId: q.districtId }, scope);
    const byDistrict = new Map<string, typeof NO_COUNTS>();
    for (const { siteId: _s, districtId, ...c } of counts) byDistrict.set(districtId, addCounts(byDistrict.get(districtId) ?? NO_COUNTS, c));
    return {
      period: q.period,
      from,
      to,
      lateAfterMinutes: lateTicketMinutes,
      silentAfterHours,
      openTicketOverdueMinutes,
      openTicketsAsOf: openAsOf?.toISOString() ?? null,
      weights: { ...QUALITY_WEIGHTS },
      sites: counts.map(({ siteId, districtId, ...c }) => ({ siteId, districtId, ...qualityScore(c) })),
      districts: scope.kind === 'site' || q.siteId ? [] : [...byDistrict].map(([districtId, c]) => ({ districtId, ...qualityScore(c) })),
    };
  }
}
