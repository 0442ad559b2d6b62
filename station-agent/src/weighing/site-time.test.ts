import { TicketBody } from '@haulproof/contracts';
import { describe, expect, it } from 'vitest';
import { formatSiteTime, siteLocalDate } from './site-time.js';

const at = Date.parse('2025-03-01T00:00:03.007Z');

describe('formatSiteTime', () => {
  it.each([
    ['Asia/Shanghai', '2025-03-01T08:00:03.007+08:00'],
    ['UTC', '2025-03-01T00:00:03.007+00:00'],
    ['America/New_York', '2025-02-28T19:00:03.007-05:00'],
    ['Asia/Kolkata', '2025-03-01T05:30:03.007+05:30'],
    ['America/St_Johns', '2025-02-28T20:30:03.007-03:30'],
  ])('%s', (zone, expected) => {
    expect(formatSiteTime(at, zone)).toBe(expected);
    expect(Date.parse(formatSiteTime(at, zone))).toBe(at); // the same instant, shown in the site's zone
  });

  it('is accepted by the ticket schema (milliseconds and offset)', () => {
    const ticket = {
      site: 'TS01', lane: 'L1', plate: '苏E12345', plateSeen: null, card: null, stream: 'OTHER', direction: 'IN',
      grossKg: 20_000, tareKg: 12_000, netKg: 8_000, grossSource: 'WEIGHED', tareSource: 'STORED',
      firstAt: formatSiteTime(at, 'Asia/Shanghai'), secondAt: null, route: null, permit: null, origin: null,
      operator: null, flags: ['STORED_TARE'], software: 'test',
    };
    expect(TicketBody.safeParse(ticket).success).toBe(true);
    expect(TicketBody.safeParse({ ...ticket, firstAt: formatSiteTime(at, 'America/St_Johns') }).success).toBe(true);
  });

  it('an unknown zone throws rather than silently printing UTC', () => {
    expect(() => formatSiteTime(at, 'Mars/Olympus')).toThrow(RangeError);
  });

  it('siteLocalDate is the calendar day at the site', () => {
    expect(siteLocalDate(Date.parse('2025-02-28T17:00:00Z'), 'Asia/Shanghai')).toBe('2025-03-01');
    expect(siteLocalDate(Date.parse('2025-02-28T17:00:00Z'), 'UTC')).toBe('2025-02-28');
  });
});
