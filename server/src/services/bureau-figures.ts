// The figures bureaus publish, set targets on and rank districts by (DOMAIN.md), from the kg a
// district's routes collected (COLLECTED, docs/attribution.md) by household stream over `days`
// days, against the same days a year before. One definition for targets and rankings:
//   KG_PER_RESIDENT_DAY        household (四分类) kg per resident per day            lower is better
//   OTHER_KG_PER_RESIDENT_DAY  OTHER kg per resident per day                        lower is better
//   SEPARATION_RATE            分出率 (kitchen + recyclable + hazardous) / household  higher is better
//   OTHER_YOY_CHANGE           OTHER against the year before, as a fraction         lower is better
//   SAN_ZENG_YI_JIAN           三增一减: how many of kitchen ↑, recyclable ↑,          higher is better
//                              hazardous ↑, other ↓ held year on year (0–4; 4 = met)
// A figure that cannot be computed says why instead of becoming 0 (a district with no
// tonnes would otherwise lead a lower-is-better ranking).
import { RANKING_METRICS, type RankingMetric, type RankingMissing } from '@haulproof/contracts';

export interface FigureInput {
  now: Readonly<Record<string, number>>; // kg by stream
  before: Readonly<Record<string, number>>; // kg by stream, the same days a year before
  days: number;
  population: number;
}
export type Figure = { value: number; missing: null } | { value: null; missing: RankingMissing };

export const BETTER: Record<RankingMetric, 'higher' | 'lower'> = {
  KG_PER_RESIDENT_DAY: 'lower',
  OTHER_KG_PER_RESIDENT_DAY: 'lower',
  SEPARATION_RATE: 'higher',
  OTHER_YOY_CHANGE: 'lower',
  SAN_ZENG_YI_JIAN: 'higher',
};

export const isBureauFigure = (metric: string): metric is RankingMetric => (RANKING_METRICS as readonly string[]).includes(metric);

const UP = ['KITCHEN', 'RECYCLABLE', 'HAZARDOUS'] as const;
const kg = (s: Readonly<Record<string, number>>, stream: string) => s[stream] ?? 0;
const household = (s: Readonly<Record<string, number>>) => kg(s, 'KITCHEN') + kg(s, 'RECYCLABLE') + kg(s, 'HAZARDOUS') + kg(s, 'OTHER');
const none = (missing: RankingMissing): Figure => ({ value: null, missing });
const some = (value: number): Figure => ({ value, missing: null });

export function figure(metric: RankingMetric, f: FigureInput): Figure {
  if (household(f.now) <= 0 || f.days <= 0) return none('TONNES');
  switch (metric) {
    case 'KG_PER_RESIDENT_DAY':
      return f.population > 0 ? some(household(f.now) / f.population / f.days) : none('POPULATION');
    case 'OTHER_KG_PER_RESIDENT_DAY':
      return f.population > 0 ? some(kg(f.now, 'OTHER') / f.population / f.days) : none('POPULATION');
    case 'SEPARATION_RATE':
      return some((household(f.now) - kg(f.now, 'OTHER')) / household(f.now));
    case 'OTHER_YOY_CHANGE': {
      const b = kg(f.before, 'OTHER');
      return b > 0 ? some((kg(f.now, 'OTHER') - b) / b) : none('PRIOR_YEAR');
    }
    case 'SAN_ZENG_YI_JIAN': {
      // a stream with nothing a year before has no direction: the figure needs all four
      if ([...UP, 'OTHER'].some((s) => kg(f.before, s) <= 0)) return none('PRIOR_YEAR');
      return some(UP.filter((s) => kg(f.now, s) > kg(f.before, s)).length + (kg(f.now, 'OTHER') < kg(f.before, 'OTHER') ? 1 : 0));
    }
  }
}

/** The same day a year before, for year-on-year figures; 29 February becomes the 28th (the year before has none). */
export function yearBefore(day: string): string {
  const rest = day.slice(4) === '-02-29' ? '-02-28' : day.slice(4);
  return `${Number(day.slice(0, 4)) - 1}${rest}`;
}
