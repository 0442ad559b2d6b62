import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { driveOff, driveOn, laneRig } from './test-support.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-03-01T00:00:00Z'));
});
afterEach(() => vi.useRealTimers());

const keyed = { plate: '苏E·12345', kg: 21_000, operator: '王建国', supervisor: '李主管', reason: '仪表维修 indicator under repair' };

describe('Lane: keyed (manual) weights', () => {
  it('are refused while a vehicle is on the deck', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE' } });
    driveOn(r.ind, 20_000, 0);
    expect(r.lane.keyWeight(keyed)).toMatchObject({ ok: false, message: expect.stringContaining('weighing is in progress') });
    expect(r.journal.entries).toEqual([]);
  });

  it('need an operator, a supervisor other than the operator, and a reason', () => {
    const r = laneRig();
    r.ind.hold(0, 500);
    expect(r.lane.keyWeight({ ...keyed, supervisor: ' ' }).ok).toBe(false);
    expect(r.lane.keyWeight({ ...keyed, supervisor: keyed.operator }).ok).toBe(false);
    expect(r.lane.keyWeight({ ...keyed, reason: '' }).ok).toBe(false);
    expect(r.lane.keyWeight({ ...keyed, kg: 20_000.5 }).ok).toBe(false);
    expect(r.journal.entries).toEqual([]);
  });

  it('are accepted on an idle lane, flagged KEYED and journaled with the supervisor', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE' } });
    r.ind.hold(0, 500);
    expect(r.lane.keyWeight(keyed)).toMatchObject({ ok: true });
    const [entry] = r.completed();
    expect(entry!.payload).toMatchObject({ kind: 'ticket', ticket: { plate: '苏E12345', grossKg: 21_000, grossSource: 'KEYED', tareSource: 'STORED', flags: ['KEYED', 'STORED_TARE'], operator: '王建国', card: null } });
    expect(r.journal.events('KEYED_WEIGHT')).toEqual([
      expect.objectContaining({ plate: '苏E12345', ticketSeq: entry!.seq, details: expect.objectContaining({ kg: 21_000, pass: 'SINGLE', supervisor: '李主管', operator: '王建国' }) }),
    ]);
    expect(r.lane.view().state).toBe('IDLE');
  });

  it('are accepted on a faulted lane with an empty deck, as a first pass that a weighed second pass completes', () => {
    const r = laneRig();
    r.ind.hold(0, 500);
    r.bus.emit({ type: 'scale.state', lane: 'L1', state: 'disconnected', detail: 'USB serial gone', at: Date.now() });
    expect(r.lane.view().state).toBe('FAULT');
    expect(r.lane.keyWeight({ ...keyed, plate: '苏E67890', kg: 31_000 })).toMatchObject({ ok: true });
    expect(r.journal.openTickets()).toEqual([expect.objectContaining({ plate: '苏E67890', firstSource: 'KEYED', flags: ['KEYED'] })]);
    r.bus.emit({ type: 'scale.state', lane: 'L1', state: 'connected', detail: null, at: Date.now() });
    r.ind.hold(0, 500);
    driveOn(r.ind, 15_000, 0);
    r.card('a0000002');
    r.ind.hold(15_000, 2500);
    expect(r.journal.tickets()).toEqual([expect.objectContaining({ grossSource: 'KEYED', tareSource: 'WEIGHED', grossKg: 31_000, flags: ['KEYED'], direction: 'IN' })]);
  });
});

describe('Lane: faults', () => {
  it('a second pass whose completion fails writes neither the ticket nor the close, faults the lane, and completes once after a reset', () => {
    const r = laneRig();
    driveOn(r.ind, 30_000);
    r.card('a0000002');
    r.ind.hold(30_000, 2500);
    driveOff(r.ind, 30_000);
    driveOn(r.ind, 15_000, 0);
    r.card('a0000002');
    r.journal.failing = true; // completeOpenTicket throws: one transaction, nothing written
    r.ind.hold(15_000, 2500);
    expect(r.lane.view().state).toBe('FAULT');
    expect(r.completed()).toEqual([]);
    expect(r.journal.tickets()).toEqual([]);
    expect(r.journal.openTickets()).toEqual([expect.objectContaining({ plate: '苏E67890', firstKg: 30_000 })]);

    r.journal.failing = false;
    expect(r.lane.reset()).toMatchObject({ ok: true });
    r.card('a0000002'); // the deck is still stable: the second pass is captured at once
    r.ind.hold(15_000, 2500);
    expect(r.completed()).toHaveLength(1);
    expect(r.journal.tickets()).toEqual([expect.objectContaining({ plate: '苏E67890', grossKg: 30_000, tareKg: 15_000 })]);
    expect(r.journal.openTickets()).toEqual([]);
  });

  it('no weighing starts while the journal cannot write: FAULT with a readable reason, until it can again', () => {
    const r = laneRig();
    r.ind.hold(0, 500);
    r.journal.failing = true; // healthy() is false
    r.ind.hold(0, 1000);
    expect(r.lane.view()).toMatchObject({ state: 'FAULT', message: expect.stringMatching(/^记录本不可写.* \/ journal unavailable/) });
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'alarm', code: 'lane.L1.journal', message: expect.stringContaining('journal unavailable') }));
    expect(r.lane.keyWeight({ ...keyed, plate: '苏E67890' })).toMatchObject({ ok: false, message: expect.stringContaining('journal unavailable') });
    driveOn(r.ind, 20_000, 0);
    r.card('a0000001');
    expect(r.lane.onCard('a0000001')).toMatchObject({ ok: false, message: expect.stringContaining('journal unavailable') });
    expect(r.lane.reset().ok).toBe(false);
    expect(r.cards.holderOf('a0000001')).toBeNull();
    expect(r.journal.entries).toEqual([]);

    r.journal.failing = false; // the journal can write again: the lane recovers by itself
    r.ind.hold(20_000, 1000);
    expect(r.lane.view().state).toBe('VEHICLE_ON');
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'alarm.cleared', code: 'lane.L1.journal' }));
    r.card('a0000001');
    r.ind.hold(20_000, 2500);
    expect(r.journal.openTickets()).toEqual([expect.objectContaining({ plate: '苏E12345', firstKg: 20_000 })]);
  });

  it('a card presented while the journal cannot write faults the lane at once', () => {
    const r = laneRig();
    driveOn(r.ind, 20_000, 0);
    r.journal.failing = true;
    expect(r.lane.onCard('a0000001')).toMatchObject({ ok: false, message: expect.stringContaining('记录本不可写') });
    expect(r.lane.view().state).toBe('FAULT');
  });

  it('a journal failure faults the lane, raises an alarm and never reports a ticket', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE' } });
    driveOn(r.ind, 20_000, 0);
    r.card('a0000001');
    r.journal.failing = true;
    r.ind.hold(20_000, 2500);
    expect(r.lane.view().state).toBe('FAULT');
    expect(r.completed()).toEqual([]);
    expect(r.journal.entries).toEqual([]);
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'alarm', code: 'lane.L1.journal' }));
    expect(r.lane.onCard('a0000001').ok).toBe(false);

    r.journal.failing = false;
    r.ind.hold(20_000, 500);
    expect(r.lane.view().state).toBe('FAULT'); // a journal fault waits for an operator
    expect(r.lane.reset()).toMatchObject({ ok: true });
    expect(r.lane.view().state).toBe('VEHICLE_ON');
    r.card('a0000001');
    r.ind.hold(20_000, 2500);
    expect(r.completed()).toHaveLength(1);
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'alarm.cleared', code: 'lane.L1.journal' }));
  });

  it('a failed first-pass save faults the lane and leaves no open ticket', () => {
    const r = laneRig();
    driveOn(r.ind, 30_000, 0);
    r.card('a0000002');
    r.journal.failing = true;
    r.ind.hold(30_000, 2500);
    expect(r.lane.view().state).toBe('FAULT');
    expect(r.journal.openTickets()).toEqual([]);
  });

  it('a disconnected scale stops weighing; fresh frames after reconnect resume it', () => {
    const r = laneRig();
    driveOn(r.ind, 30_000, 0);
    r.card('a0000002');
    r.bus.emit({ type: 'scale.state', lane: 'L1', state: 'disconnected', detail: null, at: Date.now() });
    expect(r.lane.view().state).toBe('FAULT');
    expect(r.journal.events('FRAME_RATE_FAULT')).toHaveLength(1);
    r.ind.hold(30_000, 2500);
    expect(r.lane.view().state).toBe('FAULT');
    r.bus.emit({ type: 'scale.state', lane: 'L1', state: 'connected', detail: null, at: Date.now() });
    r.ind.frame(30_000);
    expect(r.lane.view().state).toBe('VEHICLE_ON'); // the vehicle must present its card again
    expect(r.journal.openTickets()).toEqual([]);
  });

  it('frames that stop arriving fault the lane (frame-rate watchdog)', () => {
    const r = laneRig();
    r.ind.hold(0, 500);
    vi.advanceTimersByTime(3500);
    expect(r.lane.view().state).toBe('FAULT');
    expect(r.journal.events('FRAME_RATE_FAULT')[0]!.details).toMatchObject({ cause: 'frames' });
    r.ind.hold(0, 300);
    expect(r.lane.view().state).toBe('IDLE');
  });

  it('a card read at the gate expires when no vehicle drives on', () => {
    const r = laneRig();
    r.ind.hold(0, 500);
    r.card('a0000002');
    expect(r.lane.view().state).toBe('IDENTIFIED');
    r.ind.hold(0, 121_000);
    expect(r.lane.view().state).toBe('IDLE');
    expect(r.cards.holderOf('a0000002')).toBeNull();
  });
});
