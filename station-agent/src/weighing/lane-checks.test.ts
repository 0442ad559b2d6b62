import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RegistrySnapshot } from '../types.js';
import { driveOff, driveOn, laneRig } from './test-support.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-03-01T00:00:00Z'));
});
afterEach(() => vi.useRealTimers());

type Permit = RegistrySnapshot['permits'][number];
const permit = (more: Partial<Permit> = {}): Permit => ({
  permitNo: 'SZ-2025-0001',
  originSiteCode: 'PRJ-9',
  disposalSiteCode: 'TS01',
  stream: 'CONSTRUCTION',
  validFrom: '2025-02-01',
  validTo: '2025-03-31',
  plates: ['苏E22222'],
  ...more,
});

/** Presents `uid` to a loaded deck and returns the lane and what it journaled. */
function present(uid: string, permits: Permit[] = []) {
  const r = laneRig();
  r.registry.snap!.permits = permits;
  driveOn(r.ind, 20_000);
  const result = r.lane.onCard(uid);
  r.ind.hold(20_000, 2500);
  return { ...r, result };
}

describe('Lane checks refuse with a reason the operator can read', () => {
  it.each([
    ['an unknown card', 'deadbeef', 'UNKNOWN_CARD', '未登记的卡 / unknown card'],
    ['a lost card', 'f0000001', 'CARD_NOT_ISSUED', '此卡已挂失 / card reported lost'],
    ['a revoked card', 'f0000002', 'CARD_NOT_ISSUED', '此卡已注销 / card revoked'],
    ['a banned vehicle', 'a0000003', 'VEHICLE_NOT_ACTIVE', '车辆禁止进场 / vehicle banned from this site'],
    ['a stream this site does not accept', 'a0000007', 'STREAM_NOT_ACCEPTED', '本场不接收有害垃圾 / this site does not accept hazardous waste'],
    ['construction waste without a permit', 'a0000004', 'NO_PERMIT', '无本场有效处置证 / no valid disposal permit for this site (none for this vehicle)'],
  ])('%s', (_label, uid, code, message) => {
    const r = present(uid);
    expect(r.result).toEqual({ ok: false, message });
    expect(r.lane.view()).toMatchObject({ state: 'REFUSED', message });
    expect(r.journal.events('REFUSED_AT_LANE')).toEqual([expect.objectContaining({ lane: 'L1', message, details: expect.objectContaining({ reason: code }) })]);
    expect(r.journal.tickets()).toEqual([]);
    expect(r.journal.openTickets()).toEqual([]);
  });

  it('names the card and the vehicle on the refusal event where known', () => {
    const r = present('a0000003');
    expect(r.journal.events('REFUSED_AT_LANE')[0]).toMatchObject({ plate: '苏E11111', card: 'a0000003', details: { vehicleStatus: 'BANNED' } });
    expect(r.lane.view().plate).toBe('苏E11111');
  });

  it('a refused vehicle that drives off leaves the lane IDLE', () => {
    const r = present('deadbeef');
    driveOff(r.ind, 20_000);
    expect(r.lane.view().state).toBe('IDLE');
  });

  it('accepts construction waste under a valid permit for this site and carries permit and origin', () => {
    const r = present('a0000004', [permit()]);
    expect(r.result.ok).toBe(true);
    expect(r.journal.openTickets()).toEqual([expect.objectContaining({ stream: 'CONSTRUCTION', permit: 'SZ-2025-0001', origin: 'PRJ-9' })]);
    driveOff(r.ind, 20_000);
    driveOn(r.ind, 11_000, 0);
    r.card('a0000004');
    r.ind.hold(11_000, 2500);
    expect(r.journal.tickets()).toEqual([expect.objectContaining({ direction: 'IN', permit: 'SZ-2025-0001', origin: 'PRJ-9', route: null, netKg: 9_000 })]);
  });

  it.each([
    ['an expired permit', permit({ validTo: '2025-02-28' }), 'permit expired or not yet valid'],
    ['a permit for another site', permit({ disposalSiteCode: 'CP02' }), 'permit names another site'],
    ['a permit for renovation waste', permit({ stream: 'RENOVATION' }), 'none for CONSTRUCTION'],
  ])('refuses construction waste under %s', (_label, p, why) => {
    const r = present('a0000004', [p]);
    expect(r.lane.view().state).toBe('REFUSED');
    expect(r.journal.events('REFUSED_AT_LANE')[0]!.details).toMatchObject({ reason: 'NO_PERMIT', why });
  });

  it('judges permit dates by the calendar day at the site (Asia/Shanghai), not UTC', () => {
    vi.setSystemTime(new Date('2025-02-28T17:00:00Z')); // 01:00 on 1 March in Shanghai
    expect(present('a0000004', [permit({ validFrom: '2025-03-01' })]).result.ok).toBe(true);
    expect(present('a0000004', [permit({ validTo: '2025-02-28' })]).result.ok).toBe(false);
  });

  it('refuses while the registry has never been loaded', () => {
    const r = laneRig();
    r.registry.snap = null;
    driveOn(r.ind, 20_000);
    expect(r.lane.onCard('a0000001')).toMatchObject({ ok: false, message: expect.stringContaining('registry not loaded') });
  });
});

describe('Lane anti-cheat checks', () => {
  it('refuses a repeat weighing within the configured time until an operator overrides it', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE' } });
    driveOn(r.ind, 20_000);
    r.card('a0000001');
    r.ind.hold(20_000, 2500);
    driveOff(r.ind, 20_000);
    r.ind.hold(0, 2000);
    driveOn(r.ind, 21_000);
    r.card('a0000001');
    expect(r.lane.view()).toMatchObject({ state: 'REFUSED', overridable: true });
    expect(r.journal.events('REPEAT_WEIGHING')).toEqual([expect.objectContaining({ plate: '苏E12345', details: expect.objectContaining({ reason: 'REPEAT_WEIGHING', lastTicketSeq: 1 }) })]);
    expect(r.lane.override('王', '')).toMatchObject({ ok: false });
    expect(r.lane.override('王', '第二趟，线路加派 extra route trip')).toMatchObject({ ok: true });
    r.ind.hold(21_000, 2500);
    expect(r.journal.tickets()[1]).toMatchObject({ flags: ['STORED_TARE', 'REPEAT_WEIGHING'], operator: '王' });
    expect(r.journal.events('REPEAT_WEIGHING')[1]).toMatchObject({ details: expect.objectContaining({ override: true, operator: '王' }) });
  });

  it('weighs the same vehicle again once the repeat window has passed', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE', repeatWithinMs: 5000 } });
    driveOn(r.ind, 20_000);
    r.card('a0000001');
    r.ind.hold(20_000, 2500);
    driveOff(r.ind, 20_000);
    r.ind.hold(0, 6000);
    driveOn(r.ind, 21_000);
    r.card('a0000001');
    expect(r.journal.tickets()).toHaveLength(2);
  });

  it('refuses a card presented at a second lane while the first holds it', () => {
    const a = laneRig({ code: 'L1' });
    const b = laneRig({ code: 'L2' }, a.shared);
    driveOn(a.ind, 30_000, 0);
    a.card('a0000002');
    expect(a.lane.view().state).toBe('SETTLING');
    b.card('a0000002');
    expect(b.lane.view()).toMatchObject({ state: 'REFUSED', message: expect.stringContaining('L1') });
    expect(a.lane.view().state).toBe('SETTLING');
    expect(a.journal.events('CARD_AT_TWO_LANES')).toEqual([expect.objectContaining({ lane: 'L2', card: 'a0000002', details: expect.objectContaining({ otherLane: 'L1' }) })]);
  });

  it('refuses the next vehicle when the scale did not return to zero, and flags an override', () => {
    const r = laneRig({ policy: { weighing: 'STORED_TARE' } });
    driveOn(r.ind, 30_000);
    r.card('a0000002');
    r.ind.hold(30_000, 2500);
    r.ind.ramp(30_000, 2_000, 800); // the next truck's front axle is already on the deck
    r.ind.ramp(2_000, 22_000, 800);
    r.card('a0000001');
    expect(r.lane.view()).toMatchObject({ state: 'REFUSED', overridable: true });
    expect(r.journal.events('NO_ZERO_RETURN')).toHaveLength(1);
    r.lane.override('王', 'deck checked by operator');
    r.ind.hold(22_000, 2500);
    expect(r.journal.tickets().map((t) => t.flags)).toEqual([['STORED_TARE'], ['STORED_TARE', 'NO_ZERO_RETURN']]);
  });
});
