import { describe, expect, test } from 'vitest';
import { NO_COUNTS, qualityScore } from './report-quality.js';

describe('report-quality score', () => {
  const clean = { ...NO_COUNTS, tickets: 100, siteDays: 10, siteHours: 240, balanceDays: 20, kg: 1_000_000 };

  test('a site that reports everything on time, in balance and weighed scores 100', () => {
    expect(qualityScore(clean)).toMatchObject({ score: 100, timeliness: 100, completeness: 100, consistency: 100 });
  });

  test('each kind of fault lowers its own part only', () => {
    expect(qualityScore({ ...clean, lateTickets: 25 })).toMatchObject({ timeliness: 75, completeness: 100, consistency: 100, score: 92.5 });
    expect(qualityScore({ ...clean, silentHours: 120, silentSpans: 1 })).toMatchObject({ timeliness: 100, completeness: 50, consistency: 100, score: 80 });
    expect(qualityScore({ ...clean, openTicketsVoided: 25 })).toMatchObject({ completeness: 80 });
    expect(qualityScore({ ...clean, imbalancedDays: 2, keyedKg: 100_000 })).toMatchObject({ timeliness: 100, completeness: 100, consistency: 81 });
  });

  test('estimated tonnes (估重) cost consistency as keyed ones do, together', () => {
    expect(qualityScore({ ...clean, estimatedKg: 100_000 })).toMatchObject({ timeliness: 100, completeness: 100, consistency: 90 });
    expect(qualityScore({ ...clean, keyedKg: 50_000, estimatedKg: 150_000 }).consistency).toBe(80);
  });

  test('station events: indicator faults cost completeness by the day, anti-cheat events cost consistency per 100 tickets', () => {
    // 40 fault events on 2 of 10 days: the days count, not the events
    expect(qualityScore({ ...clean, scaleFaults: 40, scaleFaultDays: 2 })).toMatchObject({ timeliness: 100, completeness: 80, consistency: 100, score: 92 });
    // 2 integrity events in 100 tickets: 2 × 10 points
    expect(qualityScore({ ...clean, integrityEvents: 2 })).toMatchObject({ timeliness: 100, completeness: 100, consistency: 80, score: 94 });
    expect(qualityScore({ ...clean, integrityEvents: 30 }).consistency).toBe(0); // never below zero
    expect(qualityScore({ ...clean, integrityEvents: 1, keyedKg: 100_000 }).consistency).toBe(81);
  });

  test('silence is judged in hours: a day without tickets but heard all day is no silence, a dead afternoon is', () => {
    // days without a ticket are shown, but only hours not heard from the devices cost completeness
    expect(qualityScore({ ...clean, silentDays: 3 }).completeness).toBe(100);
    // 6 h silent in 240 h: 97.5
    expect(qualityScore({ ...clean, silentHours: 6, silentSpans: 1 })).toMatchObject({ completeness: 97.5, score: 99 });
    // no device hours to judge: the silence factor is left out, not taken as 0
    expect(qualityScore({ ...clean, siteHours: 0, silentHours: 0 }).completeness).toBe(100);
  });

  test('first passes open past the overdue rule count against completeness like timed-out ones, together', () => {
    // 100 tickets, 25 overdue: 25 / 125 unfinished
    expect(qualityScore({ ...clean, openTickets: 30, openTicketsOverdue: 25 })).toMatchObject({ timeliness: 100, completeness: 80, consistency: 100, score: 92 });
    // open, but not overdue: nothing lost yet
    expect(qualityScore({ ...clean, openTickets: 30 }).completeness).toBe(100);
    // 10 voided + 15 overdue: 25 / 125
    expect(qualityScore({ ...clean, openTicketsVoided: 10, openTicketsOverdue: 15 }).completeness).toBe(80);
    // with silence too: the factors multiply (0.8 × 0.975 = 78)
    expect(qualityScore({ ...clean, openTicketsOverdue: 25, silentHours: 6 }).completeness).toBe(78);
  });

  test('a silent site: no tickets to judge timeliness on, completeness 0, the weights scaled to what was judged', () => {
    expect(qualityScore({ ...NO_COUNTS, siteDays: 7, silentDays: 7, siteHours: 168, silentHours: 168, silentSpans: 1 })).toMatchObject({ timeliness: null, completeness: 0, consistency: null, score: 0 });
    expect(qualityScore(NO_COUNTS).score).toBeNull();
  });
});
