import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LanePolicy } from './lane-options.js';
import { driveOff, driveOn, laneRig } from './test-support.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-03-01T00:00:00Z'));
});
afterEach(() => vi.useRealTimers());

type Rig = ReturnType<typeof laneRig>;

// Under fake timers one simulated indicator is driven at a time, so the other lane hears no
// frames meanwhile; the frame watchdog is pushed out of the way for the two-lane scenarios.
const quiet: Partial<LanePolicy> = { frameTimeoutMs: 30 * 24 * 3600_000 };

/** Two lanes of one agent: one bus, one journal, one registry, one card registry. */
function twoLanes(policy: Partial<LanePolicy> = {}) {
  const l1 = laneRig({ code: 'L1', policy: { ...quiet, ...policy } });
  const l2 = laneRig({ code: 'L2', policy: { ...quiet, ...policy } }, l1.shared);
  return { l1, l2, journal: l1.journal };
}

/** One pass: drive on, present the card, settle, drive off. */
function weigh(r: Rig, uid: string, kg: number): void {
  driveOn(r.ind, kg, 0);
  r.card(uid);
  r.ind.hold(kg, 2500);
  driveOff(r.ind, kg);
}

const voided = (r: Rig) => r.journal.events('OPEN_TICKET_VOIDED');

describe('Lane: open tickets are kept per vehicle, shared by the lanes of the agent', () => {
  it('two trucks weigh in on L1 one after the other and both weigh out on L2: two tickets of lane L2', () => {
    const { l1, l2, journal } = twoLanes();
    weigh(l1, 'a0000002', 30_000); // 苏E67890 arrives full
    weigh(l1, 'a0000001', 12_100); // 苏E12345 arrives empty, to haul away
    expect(journal.openTickets()).toEqual([
      expect.objectContaining({ plate: '苏E67890', lane: 'L1', firstKg: 30_000 }),
      expect.objectContaining({ plate: '苏E12345', lane: 'L1', firstKg: 12_100 }),
    ]);
    expect(journal.events('REFUSED_AT_LANE')).toEqual([]);

    weigh(l2, 'a0000002', 15_200);
    weigh(l2, 'a0000001', 25_000);
    expect(l2.completed()).toHaveLength(2);
    expect(l1.completed()).toEqual([]);
    expect(journal.tickets()).toEqual([
      expect.objectContaining({ lane: 'L2', plate: '苏E67890', direction: 'IN', grossKg: 30_000, tareKg: 15_200, netKg: 14_800, card: 'a0000002', flags: [] }),
      expect.objectContaining({ lane: 'L2', plate: '苏E12345', direction: 'OUT', grossKg: 25_000, tareKg: 12_100, netKg: 12_900, origin: 'TS01', route: null, flags: [] }),
    ]);
    expect(journal.openTickets()).toEqual([]);
  });

  it('a truck weighs in and out on L1 while another truck’s first pass stays open', () => {
    const r = laneRig();
    weigh(r, 'a0000002', 30_000);
    weigh(r, 'a0000001', 25_000);
    weigh(r, 'a0000001', 12_000);
    expect(r.journal.tickets()).toEqual([expect.objectContaining({ lane: 'L1', plate: '苏E12345', direction: 'IN', grossKg: 25_000, tareKg: 12_000, route: 'R-07' })]);
    expect(r.journal.openTickets()).toEqual([expect.objectContaining({ plate: '苏E67890', lane: 'L1', firstKg: 30_000 })]);
  });

  it('a restart over the same journal restores every open ticket, whichever lane completes it', () => {
    const before = twoLanes();
    weigh(before.l1, 'a0000002', 30_000);
    weigh(before.l2, 'a0000001', 25_000);
    before.l1.lane.stop();
    before.l2.lane.stop();

    // a new bus and card registry: only the journal survives
    const l1 = laneRig({ code: 'L1', policy: quiet }, { journal: before.journal, registry: before.l1.registry });
    const l2 = laneRig({ code: 'L2', policy: quiet }, l1.shared);
    expect(l1.journal.openTickets().map((o) => [o.plate, o.lane])).toEqual([['苏E67890', 'L1'], ['苏E12345', 'L2']]);
    weigh(l1, 'a0000001', 12_000);
    weigh(l2, 'a0000002', 15_000);
    expect(l1.journal.tickets()).toEqual([
      expect.objectContaining({ lane: 'L1', plate: '苏E12345', grossKg: 25_000, tareKg: 12_000, direction: 'IN' }),
      expect.objectContaining({ lane: 'L2', plate: '苏E67890', grossKg: 30_000, tareKg: 15_000, direction: 'IN' }),
    ]);
    expect(l1.journal.openTickets()).toEqual([]);
    expect(voided(l1)).toEqual([]);
  });

  it('time out into an OPEN_TICKET_VOIDED event carrying the first-pass facts', () => {
    const r = laneRig({ policy: { openTicketTimeoutMs: 12 * 3600_000 } });
    driveOn(r.ind, 30_000);
    r.card('a0000002');
    r.ind.hold(30_000, 2500);
    const firstAt = r.journal.openTickets()[0]!.firstAt;
    vi.advanceTimersByTime(11 * 3600_000);
    expect(voided(r)).toEqual([]);
    vi.advanceTimersByTime(3600_000);
    expect(r.journal.openTickets()).toEqual([]);
    expect(voided(r)).toEqual([
      expect.objectContaining({ lane: 'L1', plate: '苏E67890', card: 'a0000002', details: expect.objectContaining({ why: 'timeout', firstKg: 30_000, firstSource: 'WEIGHED', firstLane: 'L1', stream: 'OTHER' }) }),
    ]);
    expect(Date.parse(String(voided(r)[0]!.details.firstAt))).toBe(firstAt);
  });

  it('with two lanes running, each expired open ticket is voided exactly once, under the lane of its first pass', () => {
    const { l1, l2, journal } = twoLanes({ openTicketTimeoutMs: 12 * 3600_000 });
    weigh(l1, 'a0000002', 30_000);
    weigh(l2, 'a0000001', 25_000);
    vi.advanceTimersByTime(12 * 3600_000 - 60_000);
    expect(voided(l1)).toEqual([]);
    vi.advanceTimersByTime(120_000); // both lanes tick every second
    vi.advanceTimersByTime(3600_000);
    expect(voided(l1)).toEqual([
      expect.objectContaining({ lane: 'L1', plate: '苏E67890', details: expect.objectContaining({ why: 'timeout', firstLane: 'L1' }) }),
      expect.objectContaining({ lane: 'L2', plate: '苏E12345', details: expect.objectContaining({ why: 'timeout', firstLane: 'L2' }) }),
    ]);
    expect(journal.openTickets()).toEqual([]);
    expect([l1, l2].map((r) => r.lane.view().state)).toEqual(['IDLE', 'IDLE']);
  });

  it('open tickets that expired while the agent was down are voided once when its lanes start again', () => {
    const before = twoLanes({ openTicketTimeoutMs: 3600_000 });
    weigh(before.l1, 'a0000002', 30_000);
    weigh(before.l1, 'a0000001', 25_000);
    before.l1.lane.stop();
    before.l2.lane.stop();
    vi.setSystemTime(Date.now() + 5 * 3600_000); // down for five hours

    const l1 = laneRig({ code: 'L1', policy: { ...quiet, openTicketTimeoutMs: 3600_000 } }, { journal: before.journal, registry: before.l1.registry });
    const l2 = laneRig({ code: 'L2', policy: { ...quiet, openTicketTimeoutMs: 3600_000 } }, l1.shared); // start() sweeps again: nothing left
    vi.advanceTimersByTime(10_000);
    expect(voided(l2).map((e) => e.plate)).toEqual(['苏E67890', '苏E12345']);
    expect(l2.journal.openTickets()).toEqual([]);
  });

  it('the timeout leaves alone a vehicle that another lane is weighing right now', () => {
    const { l1, l2, journal } = twoLanes({ openTicketTimeoutMs: 12 * 3600_000 });
    weigh(l1, 'a0000002', 30_000);
    vi.advanceTimersByTime(12 * 3600_000 - 40_000);
    l2.card('a0000002'); // at L2's gate reader, the vehicle not yet on the deck
    expect(l2.lane.view()).toMatchObject({ state: 'IDENTIFIED', message: expect.stringContaining('second pass') });
    vi.advanceTimersByTime(60_000); // past the timeout, still within the card's two minutes
    expect(voided(l1)).toEqual([]);
    driveOn(l2.ind, 15_000);
    expect(journal.tickets()).toEqual([expect.objectContaining({ lane: 'L2', plate: '苏E67890', grossKg: 30_000, tareKg: 15_000 })]);
    expect(journal.openTickets()).toEqual([]);
  });

  it('an operator at any lane voids a vehicle’s open ticket by plate, but not while a lane is weighing it', () => {
    const { l1, l2, journal } = twoLanes();
    weigh(l1, 'a0000002', 30_000);
    weigh(l1, 'a0000001', 25_000);
    expect(l2.lane.voidOpenTicket('苏E·67890', '王', '')).toMatchObject({ ok: false });
    expect(l2.lane.voidOpenTicket('苏E·67890', '王', '车辆故障未返回 truck broke down')).toMatchObject({ ok: true });
    expect(voided(l2)).toEqual([expect.objectContaining({ lane: 'L2', plate: '苏E67890', details: expect.objectContaining({ voidedBy: '王', firstLane: 'L1', firstKg: 30_000 }) })]);
    expect(l2.lane.voidOpenTicket('苏E67890', '王', 'again, by mistake')).toMatchObject({ ok: false, message: expect.stringContaining('no open ticket') });

    l2.card('a0000001'); // 苏E12345 is at L2 for its second pass
    expect(l1.lane.voidOpenTicket('苏E12345', '李', 'wrong truck')).toMatchObject({ ok: false, message: expect.stringContaining('lane L2') });
    expect(journal.openTickets()).toEqual([expect.objectContaining({ plate: '苏E12345' })]);
    expect(voided(l1)).toHaveLength(1);
  });
});

describe('Lane: repeat weighing is found with the journal’s indexed query', () => {
  it('however many records were journaled since, and without walking the chain', () => {
    const { l1, l2, journal } = twoLanes({ weighing: 'STORED_TARE' });
    weigh(l1, 'a0000001', 20_000); // one-pass ticket, seq 1
    // a busy minute elsewhere: more records than the old 5,000-record walk would look at
    for (let i = 0; i < 6_000; i++) {
      journal.appendEvent({ type: 'WEIGHT_JUMP', lane: 'L9', at: '2025-03-01T08:01:00.000+08:00', plate: null, card: null, message: `jump ${i}`, details: {}, ticketSeq: null });
    }
    journal.calls.entry = 0;
    driveOn(l2.ind, 21_000, 0);
    l2.card('a0000001');
    expect(l2.lane.view()).toMatchObject({ state: 'REFUSED', overridable: true });
    expect(journal.events('REPEAT_WEIGHING')).toEqual([expect.objectContaining({ lane: 'L2', plate: '苏E12345', details: expect.objectContaining({ lastTicketSeq: 1 }) })]);
    expect(journal.calls.lastTicketFor).toBeGreaterThan(0);
    expect(journal.calls.entry).toBe(0);
  });
});
