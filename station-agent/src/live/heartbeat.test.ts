// The heartbeat reports the journal's open first passes; what it sends must pass the server's
// schema (contracts Heartbeat), or the server refuses the whole heartbeat.
import { afterEach, describe, expect, test } from 'vitest';
import { HEARTBEAT_OPEN_PER_LANE, Heartbeat, HeartbeatOpenTickets } from '@haulproof/contracts';
import { journalFixture, openTicket, ticketBody } from '../journal/test-fixtures.js';
import { heartbeatOpenTickets, openTicketSummary } from './heartbeat.js';

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((c) => c());
  cleanup = [];
});

function startedJournal() {
  const f = journalFixture();
  const journal = f.make();
  journal.start();
  cleanup.push(() => {
    journal.stop();
    f.remove();
  });
  return journal;
}

const at = (h: number, m = 0) => Date.UTC(2026, 2, 14, h, m);
const iso = (ms: number) => new Date(ms).toISOString();
const beat = (openTickets: unknown) => ({ at: iso(at(12)), softwareVersion: 'agent 0.3.0', queueDepth: 0, lastSeq: 7, lastFrameAt: { L1: null, L2: null }, readers: {}, alarms: [], openTickets });

describe('the heartbeat carries the journal’s open first passes', () => {
  test('count, the oldest first-weighed time, and per lane the times oldest first; the server schema accepts it', () => {
    const journal = startedJournal();
    // saved out of time order: the summary sorts by first-weighed time, not by when a row was written
    journal.saveOpenTicket(openTicket('L1', { plate: '苏E10001', firstAt: at(9, 30) }));
    journal.saveOpenTicket(openTicket('L2', { plate: '苏E10002', firstAt: at(6, 5) }));
    journal.saveOpenTicket(openTicket('L1', { plate: '苏E10003', firstAt: at(8, 0) }));

    const open = heartbeatOpenTickets(journal);
    expect(open).toEqual({ count: 3, oldestAt: iso(at(6, 5)), lanes: { L1: [iso(at(8, 0)), iso(at(9, 30))], L2: [iso(at(6, 5))] } });
    expect(HeartbeatOpenTickets.safeParse(open).success).toBe(true);
    expect(Heartbeat.parse(beat(open)).openTickets).toEqual(open);
  });

  test('a completed second pass leaves the next heartbeat; an empty journal reports zero, not nothing', () => {
    const journal = startedJournal();
    journal.saveOpenTicket(openTicket('L1', { firstAt: at(7) })); // 苏E12345
    journal.saveOpenTicket(openTicket('L1', { plate: '苏E67890', firstAt: at(8) }));
    journal.completeOpenTicket('苏E12345', ticketBody(1));
    expect(heartbeatOpenTickets(journal)).toEqual({ count: 1, oldestAt: iso(at(8)), lanes: { L1: [iso(at(8))] } });
    journal.completeOpenTicket('苏E67890', ticketBody(2, { plate: '苏E67890' }));
    const none = heartbeatOpenTickets(journal);
    expect(none).toEqual({ count: 0, oldestAt: null, lanes: {} });
    expect(Heartbeat.safeParse(beat(none)).success).toBe(true);
  });

  test('a journal that cannot be read leaves the field out; the heartbeat still goes and still passes', () => {
    const journal = startedJournal();
    journal.stop();
    expect(heartbeatOpenTickets(journal)).toBeUndefined();
    expect(heartbeatOpenTickets(null)).toBeUndefined();
    expect(Heartbeat.safeParse(beat(undefined)).success).toBe(true);
  });

  test('a lane with more first passes than a heartbeat lists: the oldest are listed, the count stays whole', () => {
    const many = Array.from({ length: HEARTBEAT_OPEN_PER_LANE + 50 }, (_, i) => ({ lane: 'L1', firstAt: at(0) + (HEARTBEAT_OPEN_PER_LANE + 50 - i) * 60_000 }));
    const open = openTicketSummary(many);
    expect(open.count).toBe(HEARTBEAT_OPEN_PER_LANE + 50);
    expect(open.lanes.L1).toHaveLength(HEARTBEAT_OPEN_PER_LANE);
    expect(open.lanes.L1![0]).toBe(open.oldestAt);
    expect(open.lanes.L1![0]).toBe(iso(at(0) + 60_000));
    expect(HeartbeatOpenTickets.safeParse(open).success).toBe(true);
  });
});

describe('the contracts schema refuses figures that do not add up', () => {
  test.each([
    ['a count below the times listed', { count: 1, oldestAt: iso(at(6)), lanes: { L1: [iso(at(6)), iso(at(7))] } }, /count 1 is less than the 2/],
    ['an oldest time without a count', { count: 0, oldestAt: iso(at(6)), lanes: {} }, /oldestAt is null exactly when count is 0/],
    ['a negative count', { count: -1, oldestAt: null, lanes: {} }, /count/],
    ['a lane code the uplink does not carry', { count: 1, oldestAt: iso(at(6)), lanes: { 'L 1': [iso(at(6))] } }, /lanes/],
    ['a time that is not ISO 8601', { count: 1, oldestAt: 'yesterday', lanes: {} }, /oldestAt/],
  ])('%s', (_what, open, message) => {
    const r = Heartbeat.safeParse(beat(open));
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')).toMatch(message);
  });
});
