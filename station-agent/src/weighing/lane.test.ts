import { TicketBody } from '@haulproof/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { driveOff, driveOn, laneRig } from './test-support.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-03-01T00:00:00Z')); // 08:00 in Shanghai
});
afterEach(() => vi.useRealTimers());

const SHANGHAI = /^2025-03-01T08:\d\d:\d\d\.\d{3}\+08:00$/;

describe('Lane: two-pass weighing', () => {
  it('heavier pass first is a delivery (IN): the first pass opens a ticket, the second completes it', () => {
    const r = laneRig();
    r.ind.hold(0, 500);
    r.ind.ramp(0, 30_000, 800);
    expect(r.lane.view().state).toBe('VEHICLE_ON');
    r.card('a0000002'); // 苏E67890
    expect(r.lane.view()).toMatchObject({ state: 'SETTLING', plate: '苏E67890' });
    r.ind.hold(30_000, 2500, [0, 20, -20]);
    expect(r.lane.view().state).toBe('CAPTURED');
    expect(r.journal.openTickets()).toEqual([expect.objectContaining({ lane: 'L1', plate: '苏E67890', firstKg: 30_000, firstSource: 'WEIGHED', stream: 'OTHER' })]);
    expect(r.completed()).toHaveLength(0);
    driveOff(r.ind, 30_000);
    expect(r.lane.view().state).toBe('IDLE');

    r.ind.hold(0, 3000);
    driveOn(r.ind, 15_200, 0);
    r.card('a0000002');
    r.ind.hold(15_200, 2500, [0, 20, -20]);
    const [entry] = r.completed();
    expect(entry).toBeDefined();
    const t = TicketBody.parse(entry!.payload.kind === 'ticket' ? entry!.payload.ticket : null);
    expect(t).toMatchObject({ site: 'TS01', lane: 'L1', plate: '苏E67890', card: 'a0000002', stream: 'OTHER', direction: 'IN' });
    expect(t).toMatchObject({ grossKg: 30_000, tareKg: 15_200, netKg: 14_800, grossSource: 'WEIGHED', tareSource: 'WEIGHED', flags: [], software: 'haulproof-agent 0.1.0' });
    expect(t.firstAt).toMatch(SHANGHAI);
    expect(t.secondAt).toMatch(SHANGHAI);
    expect(Date.parse(t.secondAt!)).toBeGreaterThan(Date.parse(t.firstAt));
    expect(r.journal.openTickets()).toEqual([]);
    expect(r.states()).toEqual(['IDLE', 'VEHICLE_ON', 'IDENTIFIED', 'SETTLING', 'CAPTURED', 'WAIT_EMPTY', 'IDLE', 'VEHICLE_ON', 'IDENTIFIED', 'SETTLING', 'CAPTURED']);
  });

  it('lighter pass first is a haul (OUT): gross and tare swap, origin is this site', () => {
    const r = laneRig();
    driveOn(r.ind, 15_100, 0);
    r.card('a0000002');
    r.ind.hold(15_100, 2500);
    driveOff(r.ind, 15_100);
    driveOn(r.ind, 32_000, 0);
    r.card('a0000002');
    r.ind.hold(32_000, 2500);
    expect(r.journal.tickets()).toEqual([
      expect.objectContaining({ direction: 'OUT', grossKg: 32_000, tareKg: 15_100, netKg: 16_900, origin: 'TS01', route: null }),
    ]);
  });

  it('card first at the gate reader, then the vehicle drives on', () => {
    const r = laneRig();
    r.ind.hold(0, 300);
    r.card('a0000002');
    expect(r.lane.view().state).toBe('IDENTIFIED');
    driveOn(r.ind, 28_000);
    expect(r.lane.view().state).toBe('CAPTURED');
  });

  it('flags a weighed tare that deviates from the stored tare beyond 3 % and journals it', () => {
    const r = laneRig();
    driveOn(r.ind, 30_000);
    r.card('a0000002');
    r.ind.hold(30_000, 2500);
    driveOff(r.ind, 30_000);
    driveOn(r.ind, 16_000, 0); // stored tare 15 000: 6.7 %
    r.card('a0000002');
    r.ind.hold(16_000, 2500);
    const [t] = r.journal.tickets();
    expect(t!.flags).toEqual(['TARE_DEVIATION']);
    const [ev] = r.journal.events('TARE_DEVIATION');
    expect(ev).toMatchObject({ plate: '苏E67890', ticketSeq: r.completed()[0]!.seq, details: { tareKg: 16_000, storedTareKg: 15_000, deviationPermille: 67, limitPermille: 30 } });
  });

  it('flags a gross above the vehicle maximum as OVERWEIGHT and still records it', () => {
    const r = laneRig();
    driveOn(r.ind, 31_000); // 苏E12345 may weigh 30 t
    r.card('a0000001');
    r.ind.hold(31_000, 2500);
    driveOff(r.ind, 31_000);
    driveOn(r.ind, 12_000, 0);
    r.card('a0000001');
    r.ind.hold(12_000, 2500);
    expect(r.journal.tickets()).toEqual([expect.objectContaining({ grossKg: 31_000, flags: ['OVERWEIGHT'], route: 'R-07' })]);
  });

  it('a jump inside a stable window is journaled and flagged on the ticket', () => {
    const r = laneRig();
    driveOn(r.ind, 25_000);
    r.ind.hold(25_300, 600); // someone climbs onto the deck before the card is read
    expect(r.journal.events('WEIGHT_JUMP')).toEqual([expect.objectContaining({ details: expect.objectContaining({ fromKg: 25_000, toKg: 25_300, jumpKg: 300 }) })]);
    r.card('a0000002');
    r.ind.hold(25_300, 2500);
    expect(r.journal.openTickets()[0]!.flags).toEqual(['WEIGHT_JUMP']);
  });
});

describe('Lane: one-pass weighing against the stored tare', () => {
  it('uses the unexpired stored tare (STORED_TARE flag, no second time)', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE' } });
    driveOn(r.ind, 20_000);
    r.card('a0000001');
    r.ind.hold(20_000, 2500);
    expect(r.completed()).toHaveLength(1);
    expect(r.journal.tickets()[0]).toMatchObject({ grossKg: 20_000, tareKg: 12_000, netKg: 8_000, tareSource: 'STORED', grossSource: 'WEIGHED', secondAt: null, direction: 'IN', flags: ['STORED_TARE'], route: 'R-07' });
    expect(r.journal.openTickets()).toEqual([]);
  });

  it('falls back to two passes when the stored tare has expired', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE' } });
    driveOn(r.ind, 20_000);
    r.card('a0000006'); // 苏E44444, tare expired 2025-02-01
    r.ind.hold(20_000, 2500);
    expect(r.completed()).toHaveLength(0);
    expect(r.journal.openTickets()).toEqual([expect.objectContaining({ plate: '苏E44444', firstKg: 20_000 })]);
  });

  it('refuses a one-pass weight that is not above the stored tare', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE' } });
    driveOn(r.ind, 11_900);
    r.card('a0000001');
    r.ind.hold(11_900, 2500);
    expect(r.lane.view().state).toBe('REFUSED');
    expect(r.journal.tickets()).toEqual([]);
  });
});

describe('Lane: streams', () => {
  it('a multi-stream vehicle waits for the operator to choose, then weighs', () => {
    const r = laneRig();
    driveOn(r.ind, 18_000);
    r.card('a0000005'); // 苏E33333: KITCHEN and OTHER
    expect(r.lane.view()).toMatchObject({ state: 'IDENTIFIED', stream: null });
    expect(r.lane.selectStream('HAZARDOUS', '王').ok).toBe(false);
    expect(r.lane.selectStream('KITCHEN', '王')).toMatchObject({ ok: true });
    r.ind.hold(18_000, 2500);
    expect(r.journal.openTickets()[0]).toMatchObject({ stream: 'KITCHEN', operator: '王' });
  });

  it('the lane default stream applies to a multi-stream vehicle', () => {
    const r = laneRig({ policy: { defaultStream: 'OTHER' } });
    driveOn(r.ind, 18_000);
    r.card('a0000005');
    expect(r.lane.view()).toMatchObject({ state: 'CAPTURED', stream: 'OTHER' });
    expect(r.journal.openTickets()[0]).toMatchObject({ stream: 'OTHER' });
  });
});
