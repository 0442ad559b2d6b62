// 估重 at the lane: only while the scale cannot weigh, computed from the journal, signed as a
// ticket with its basis, and recorded as a station event.
import { TicketBody } from '@haulproof/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { driveOff, driveOn, laneRig } from './test-support.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-03-01T00:00:00Z'));
});
afterEach(() => vi.useRealTimers());

const ask = { plate: '苏E·12345', operator: '王建国', supervisor: '李主管', reason: '检定 annual calibration' };
type Rig = ReturnType<typeof laneRig>;

/** Three weighed one-pass loads of 苏E12345 (stored tare 12 t): nets 8 000, 9 000 and 8 400 kg. */
function weighThree(r: Rig): void {
  for (const kg of [20_000, 21_000, 20_400]) {
    driveOn(r.ind, kg, 0);
    r.card('a0000001');
    r.ind.hold(kg, 2500);
    driveOff(r.ind, kg);
    vi.advanceTimersByTime(11 * 60_000); // past the repeat-weighing window
    r.ind.hold(0, 500);
  }
}

describe('Lane: estimated weights (估重)', () => {
  it('are refused while the scale can weigh', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE' } });
    r.ind.hold(0, 500);
    expect(r.lane.estimateWeight(ask)).toMatchObject({ ok: false, message: expect.stringContaining('the scale can weigh') });
    expect(r.journal.entries).toEqual([]);
  });

  it('while out of service: the median of the vehicle’s weighed tickets, flagged, with its basis, and a station event', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE' } });
    weighThree(r);
    expect(r.journal.tickets().map((t) => t.netKg)).toEqual([8_000, 9_000, 8_400]);
    const weighedSeqs = r.journal.entries.filter((e) => e.kind === 'ticket').map((e) => e.seq).reverse(); // newest first
    expect(r.lane.takeOutOfService('王建国', '检定 annual calibration')).toMatchObject({ ok: true });
    expect(r.lane.view()).toMatchObject({ state: 'FAULT', message: expect.stringContaining('out of service') });
    // frames keep coming during calibration: they do not put the lane back to work
    r.ind.hold(0, 2000);
    expect(r.lane.view().state).toBe('FAULT');

    expect(r.lane.estimateWeight(ask)).toMatchObject({ ok: true, message: expect.stringContaining('net 8400 kg') });
    const entry = r.completed().at(-1)!;
    const ticket = TicketBody.parse(entry.payload.kind === 'ticket' ? entry.payload.ticket : null); // the contract holds
    expect(ticket).toMatchObject({
      plate: '苏E12345', grossKg: 20_400, tareKg: 12_000, netKg: 8_400, grossSource: 'ESTIMATED', tareSource: 'STORED', secondAt: null, direction: 'IN', route: 'R-07',
      flags: ['STORED_TARE', 'ESTIMATED'], operator: '王建国',
      estimate: { method: 'VEHICLE_MEDIAN', scale: 'OUT_OF_SERVICE', reason: '检定 annual calibration', supervisor: '李主管', sampleSeqs: weighedSeqs, sampleNetsKg: [8_400, 9_000, 8_000], ratedLoadKg: null, sharePermille: null },
    });
    expect(r.journal.events('SCALE_OUT_OF_SERVICE')).toEqual([expect.objectContaining({ details: { outOfService: true, operator: '王建国', reason: '检定 annual calibration' } })]);
    expect(r.journal.events('ESTIMATED_WEIGHT')).toEqual([
      expect.objectContaining({ plate: '苏E12345', ticketSeq: entry.seq, details: expect.objectContaining({ netKg: 8_400, method: 'VEHICLE_MEDIAN', samples: 3, sampleSeqs: weighedSeqs.join(','), scale: 'OUT_OF_SERVICE', supervisor: '李主管', operator: '王建国' }) }),
    ]);
    expect(r.lane.view().state).toBe('FAULT'); // still out of service

    expect(r.lane.reset()).toMatchObject({ ok: false, message: expect.stringContaining('return it to service first') });
    expect(r.lane.returnToService('王建国')).toMatchObject({ ok: true });
    expect(r.lane.view().state).toBe('IDLE');
    expect(r.journal.events('SCALE_OUT_OF_SERVICE').at(-1)).toMatchObject({ details: { outOfService: false, operator: '王建国' } });
    expect(r.lane.estimateWeight(ask).ok).toBe(false); // back in service: weigh it
  });

  it('while the indicator is silent, without a stored tare: the tare is estimated too', () => {
    const r = laneRig({ policy: { weighing: 'TWO_PASS' } });
    for (const [full, empty] of [[20_000, 12_000], [21_000, 12_100], [20_400, 11_900]] as const) {
      for (const kg of [full, empty]) {
        driveOn(r.ind, kg, 0);
        r.card('a0000001');
        r.ind.hold(kg, 2500);
        driveOff(r.ind, kg);
      }
      vi.advanceTimersByTime(11 * 60_000);
      r.ind.hold(0, 500);
    }
    r.registry.snap!.vehicles[0] = { ...r.registry.snap!.vehicles[0]!, storedTareKg: null, tareExpiresAt: null };
    vi.advanceTimersByTime(5_000); // no frames: the watchdog faults the lane
    expect(r.lane.view().state).toBe('FAULT');
    expect(r.lane.estimateWeight(ask)).toMatchObject({ ok: true });
    expect(r.journal.tickets().at(-1)).toMatchObject({ netKg: 8_500, tareKg: 12_000, grossKg: 20_500, grossSource: 'ESTIMATED', tareSource: 'ESTIMATED', flags: ['ESTIMATED'], estimate: { scale: 'FAULT', sampleNetsKg: [8_500, 8_900, 8_000] } });
  });

  it('are refused with the reason when the vehicle has too little history, and nothing is journaled but the switch', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE' } });
    r.ind.hold(0, 500);
    r.lane.takeOutOfService('王建国', '仪表损坏 indicator broken');
    const before = r.journal.entries.length;
    expect(r.lane.estimateWeight(ask)).toMatchObject({ ok: false, message: expect.stringContaining('has 0 weighed inbound other (residual) waste ticket(s) at this site (3 needed)') });
    expect(r.journal.entries.length).toBe(before);
  });

  it('fall back to a configured share of the rated load', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE', estimateRatedLoadShare: 0.8 } });
    r.ind.hold(0, 500);
    r.lane.takeOutOfService('王建国', '仪表损坏 indicator broken');
    expect(r.lane.estimateWeight(ask)).toMatchObject({ ok: true });
    expect(r.journal.tickets()).toEqual([expect.objectContaining({ netKg: 14_400, grossSource: 'ESTIMATED', estimate: expect.objectContaining({ method: 'RATED_LOAD_SHARE', ratedLoadKg: 18_000, sharePermille: 800 }) })]);
  });

  it('need a supervisor other than the operator, and a reason; the switch needs a reason too', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE' } });
    r.ind.hold(0, 500);
    expect(r.lane.takeOutOfService('王建国', '')).toMatchObject({ ok: false });
    r.lane.takeOutOfService('王建国', '检定 calibration');
    expect(r.lane.estimateWeight({ ...ask, supervisor: ask.operator }).ok).toBe(false);
    expect(r.lane.estimateWeight({ ...ask, reason: ' ' }).ok).toBe(false);
  });

  it('the scale stays out of service through a journal fault, and estimates wait for the journal', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE', estimateRatedLoadShare: 0.8 } });
    r.ind.hold(0, 500);
    r.lane.takeOutOfService('王建国', '检定 calibration');
    r.journal.failing = true;
    expect(r.lane.estimateWeight(ask)).toMatchObject({ ok: false, message: expect.stringContaining('journal unavailable') });
    r.journal.failing = false;
    r.ind.hold(0, 1500); // the tick sees the journal writable again
    expect(r.lane.view()).toMatchObject({ state: 'FAULT', message: expect.stringContaining('out of service') });
    expect(r.lane.estimateWeight(ask)).toMatchObject({ ok: true });
  });

  it('are refused for a vehicle with an open first pass: half a weighing is not completed with a guess', () => {
    const r = laneRig({ policy: { weighing: 'TWO_PASS' } });
    driveOn(r.ind, 20_000, 0);
    r.card('a0000001');
    r.ind.hold(20_000, 2500);
    driveOff(r.ind, 20_000);
    r.lane.takeOutOfService('王建国', '检定 calibration');
    expect(r.lane.estimateWeight(ask)).toMatchObject({ ok: false, message: expect.stringContaining('open first pass') });
  });
});
