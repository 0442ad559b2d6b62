import { describe, expect, test } from 'vitest';
import { NO_COUNTS, qualityScore } from './report-quality.js';

describe('report-quality score', () => {
  const clean = { ...NO_COUNTS, tickets: 100, siteDays: 10, balanceDays: 20, kg: 1_000_000 };

  test('a site that reports everything on time, in balance and weighed scores 100', () => {
    expect(qualityScore(clean)).toMatchObject({ score: 100, timeliness: 100, completeness: 100, consistency: 100 });
  });

  test('each kind of fault lowers its own part only', () => {
    expect(qualityScore({ ...clean, lateTickets: 25 })).toMatchObject({ timeliness: 75, completeness: 100, consistency: 100, score: 92.5 });
    expect(qualityScore({ ...clean, silentDays: 5 })).toMatchObject({ timeliness: 100, completeness: 50, consistency: 100, score: 80 });
    expect(qualityScore({ ...clean, openTicketsVoided: 25 })).toMatchObject({ completeness: 80 });
    expect(qualityScore({ ...clean, imbalancedDays: 2, keyedKg: 100_000 })).toMatchObject({ timeliness: 100, completeness: 100, consistency: 81 });
  });

  test('a silent site: no tickets to judge timeliness on, completeness 0, the weights scaled to what was judged', () => {
    expect(qualityScore({ ...NO_COUNTS, siteDays: 7, silentDays: 7 })).toMatchObject({ timeliness: null, completeness: 0, consistency: null, score: 0 });
    expect(qualityScore(NO_COUNTS).score).toBeNull();
  });
});
