// Every district ranked on each bureau figure (bureau-figures.ts) over a day, a month or a
// year (GET /reconciliation/rankings): the 排名 a bureau publishes, the last-ranked district
// summoned (约谈). Unlike a target's ranking it needs no target rows: every district is ranked.
// Order: the better figure first; equal figures by district id, except 三增一减, where the
// district whose OTHER fell more comes first; districts without the figure last, by id.
import { RANKING_METRICS, type DistrictRanking, type DistrictRankings, type RankingEntry, type RankingQuery } from '@haulproof/contracts';
import type { ReconQueryRepository } from '../repositories/reconciliation/recon-query.repository.js';
import { BETTER, figure, yearBefore, type Figure } from './bureau-figures.js';
import type { Principal } from './principal.js';
import { bounds } from './recon-query.service.js';
import { checkFilters, districtFigureScope } from './recon-scope.js';
import { collectedBy } from './target-progress.js';

export class DistrictRankingService {
  constructor(private readonly repo: Pick<ReconQueryRepository, 'siteDistrict' | 'districtFigures' | 'populations'>) {}

  /**
   * The period's figures (to `asOf` when it is still running) against the same days a year before.
   * Ranked citywide, so it reads every district; the answer keeps to the scope: a district office
   * sees where it stands among all.
   */
  async rankings(p: Principal, q: RankingQuery): Promise<DistrictRankings> {
    const scope = districtFigureScope(p);
    await checkFilters(scope, q, (id) => this.repo.siteDistrict(id));
    const [from, end] = bounds(q.period);
    const to = q.asOf && q.asOf < end ? q.asOf : end;
    const [now, before, population] = await Promise.all([
      this.repo.districtFigures({ from, to, period: 'year' }, { kind: 'all' }),
      this.repo.districtFigures({ from: yearBefore(from), to: yearBefore(to), period: 'year' }, { kind: 'all' }),
      this.repo.populations(),
    ]);
    const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
    const rankings = rankDistricts({ districts: population, now: collectedBy(now), before: collectedBy(before), days });
    const visible = (districtId: string) => (scope.kind !== 'district' || districtId === scope.districtId) && (!q.districtId || districtId === q.districtId);
    return { period: q.period, from, to, days, of: population.size, rankings: rankings.map((r) => ({ ...r, entries: r.entries.filter((e) => visible(e.districtId)) })) };
  }
}

export interface RankingInput {
  /** Every district: id → population. */
  districts: ReadonlyMap<string, number>;
  /** Collected kg by stream for a district, over the period and over the same days a year before. */
  now: (districtId: string) => Readonly<Record<string, number>>;
  before: (districtId: string) => Readonly<Record<string, number>>;
  days: number;
}

export function rankDistricts(input: RankingInput): DistrictRanking[] {
  const ids = [...input.districts.keys()].sort();
  return RANKING_METRICS.map((metric) => {
    const sign = BETTER[metric] === 'higher' ? -1 : 1;
    const rows = ids.map((id) => {
      const f = { now: input.now(id), before: input.before(id), days: input.days, population: input.districts.get(id)! };
      return { id, fig: figure(metric, f), tie: metric === 'SAN_ZENG_YI_JIAN' ? figure('OTHER_YOY_CHANGE', f).value : null };
    });
    rows.sort((a, b) => {
      const [x, y] = [a.fig.value, b.fig.value];
      if ((x === null) !== (y === null)) return x === null ? 1 : -1;
      if (x !== null && y !== null && x !== y) return sign * (x - y);
      if (a.tie !== null && b.tie !== null && a.tie !== b.tie) return a.tie - b.tie;
      return a.id < b.id ? -1 : 1;
    });
    const entries = rows.map((r, i): RankingEntry => ({ districtId: r.id, rank: i + 1, ...entry(r.fig), ...(metric === 'SAN_ZENG_YI_JIAN' ? { met: r.fig.value === null ? null : r.fig.value === 4 } : {}) }));
    return { metric, better: BETTER[metric], entries };
  });
}

const entry = (f: Figure) => ({ value: f.value, noData: f.value === null, missing: f.missing });
