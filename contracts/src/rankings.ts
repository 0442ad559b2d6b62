import { z } from 'zod';
import { PeriodKey } from './report-quality.js';

/**
 * The figures bureaus rank districts on (DOMAIN.md), from the household tonnes each district's
 * routes collected. Each is also a target metric (GET /reconciliation/targets).
 */
export const RANKING_METRICS = [
  'KG_PER_RESIDENT_DAY', // household (四分类) kg per resident per day — lower is better
  'OTHER_KG_PER_RESIDENT_DAY', // OTHER kg per resident per day — lower is better
  'SEPARATION_RATE', // 分出率: (kitchen + recyclable + hazardous) / household — higher is better
  'OTHER_YOY_CHANGE', // OTHER against the same days a year before — lower is better
  'SAN_ZENG_YI_JIAN', // 三增一减: how many of kitchen ↑, recyclable ↑, hazardous ↑, other ↓ held year on year, 0–4 (4 = met) — higher is better
] as const;
export type RankingMetric = (typeof RANKING_METRICS)[number];

/** Why a district has no figure: no household tonnes in the period, no population on record, no tonnes a year before. */
export type RankingMissing = 'TONNES' | 'POPULATION' | 'PRIOR_YEAR';

/**
 * GET /reconciliation/rankings: every district ranked on each figure over a day, a month or a
 * year (`period` YYYY-MM-DD, YYYY-MM or YYYY). For a period still running give `asOf`: the figures
 * then run from the period's start to that day and compare with the same days a year before.
 */
export const RankingQuery = z
  .object({
    period: PeriodKey,
    asOf: z.iso.date('a service day YYYY-MM-DD').optional(),
    districtId: z.uuid('an id (UUID)').optional(),
  })
  .strict()
  .refine((q) => !q.asOf || q.asOf.startsWith(q.period) || q.asOf > q.period, { path: ['asOf'], message: '`asOf` must not precede the period' });
export type RankingQuery = z.infer<typeof RankingQuery>;

export interface RankingEntry {
  districtId: string;
  /** 1 = best. Equal figures go by district id (三增一减: by the change of OTHER first); districts without the figure come last, by id. */
  rank: number;
  value: number | null;
  /** Marks a district ranked last for want of data; `missing` says what was wanting. */
  noData: boolean;
  missing: RankingMissing | null;
  /** SAN_ZENG_YI_JIAN only: all four held. */
  met?: boolean | null;
}

export interface DistrictRanking {
  metric: RankingMetric;
  better: 'higher' | 'lower';
  entries: RankingEntry[];
}

export interface DistrictRankings {
  period: string;
  from: string;
  to: string;
  days: number;
  /** Districts ranked: always the whole city. A district office is shown its own entries, ranked among all. */
  of: number;
  rankings: DistrictRanking[];
}
