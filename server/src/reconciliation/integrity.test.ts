// Findings from station events and repeated weighings, one small situation each (test-kit.ts).
import { describe, expect, test } from 'vitest';
import { computeDay } from './day.js';
import { integrityForDay } from './integrity.js';
import { DEFAULT_RULES } from './rules.js';
import { eventTouches, type ReconStationEvent } from './station-events.js';
import { kitRegistry, kitTicket as t, MIN, T0 } from './test-kit.js';
import { daysToRecompute } from './dirty.js';

const DAY = '2026-03-10';
const registry = kitRegistry();
let n = 0;
/** An event `at` minutes after local midnight of DAY. */
function ev(o: Partial<ReconStationEvent> & { at: number; type: ReconStationEvent['type'] }): ReconStationEvent {
  n++;
  const at = T0 + o.at * MIN;
  return { id: `e${String(n).padStart(3, '0')}`, eventNo: `DEV-E${n}`, siteId: 'inc', serviceDay: new Date(at + 8 * 3_600_000).toISOString().slice(0, 10), lane: 'L1', plate: '苏Ec2', cardUid: 'c2c2c2c2', ticketId: null, message: 'm', details: {}, ...o, at };
}
const keys = (tickets: Parameters<typeof integrityForDay>[1], events: ReconStationEvent[]) => integrityForDay(DAY, tickets, events, registry).map((a) => a.key).sort();

describe('SCALE_INTEGRITY', () => {
  test('a weight jump that names its ticket raises one finding on the ticket, with it as evidence', () => {
    const w = t({ at: 600, siteId: 'inc', vehicleId: 'c2' });
    const [a, ...rest] = integrityForDay(DAY, [w], [ev({ at: 601, type: 'WEIGHT_JUMP', ticketId: w.id, details: { jumpKg: 180 } })], registry);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ key: `SCALE_INTEGRITY:${w.id}`, serviceDay: DAY, siteId: 'inc', vehicleId: 'c2', evidence: [w.id] });
    expect(a!.summary).toMatch(/jumped 180 kg inside its stable window/);
  });

  test('events that name no ticket: tied to the flagged ticket of the same plate whose visit they fall in; a refusal before a clean ticket is nothing', () => {
    const flagged = t({ at: 600, siteId: 'inc', vehicleId: 'c2', firstWeighedAt: T0 + 590 * MIN, flags: ['NO_ZERO_RETURN'] });
    const clean = t({ at: 900, siteId: 'inc', vehicleId: 'c2' });
    const refusalThenOverride = [ev({ at: 586, type: 'NO_ZERO_RETURN', details: { lastKg: 240 } }), ev({ at: 587, type: 'NO_ZERO_RETURN' })];
    const refusedThenDroveOffAndOn = ev({ at: 897, type: 'NO_ZERO_RETURN' });
    const found = integrityForDay(DAY, [flagged, clean], [...refusalThenOverride, refusedThenDroveOffAndOn], registry);
    expect(found.map((a) => a.key)).toEqual([`SCALE_INTEGRITY:${flagged.id}`]); // two events, one finding
    expect((found[0]!.details.events as unknown[]).length).toBe(2);
    // another plate, another site, or outside the visit: not about it
    expect(keys([flagged], [ev({ at: 587, type: 'NO_ZERO_RETURN', plate: '苏Ec1' }), ev({ at: 587, type: 'NO_ZERO_RETURN', siteId: 'ts' }), ev({ at: 560, type: 'NO_ZERO_RETURN' })])).toEqual([]);
  });

  test('a finding belongs to its ticket’s day: an event of this day about tomorrow’s ticket raises nothing today', () => {
    const tomorrow = t({ at: 24 * 60 + 5, siteId: 'inc', vehicleId: 'c2', firstWeighedAt: T0 + (24 * 60 - 5) * MIN, flags: ['WEIGHT_JUMP'] });
    const e = ev({ at: 24 * 60 - 3, type: 'WEIGHT_JUMP' });
    expect(e.serviceDay).toBe(DAY);
    expect(keys([tomorrow], [e])).toEqual([]);
    expect(integrityForDay('2026-03-11', [tomorrow], [e], registry).map((a) => a.key)).toEqual([`SCALE_INTEGRITY:${tomorrow.id}`]);
  });

  test('a late event marks the days its tickets can fall on: its own, and the neighbours it can reach', () => {
    const touches = eventTouches(T0 + (24 * 60 - 3) * MIN, 'Asia/Shanghai');
    expect(daysToRecompute(touches, { ...DEFAULT_RULES, custodyWindowMinutes: 1 }, () => true)).toEqual([DAY, '2026-03-11']);
    expect(daysToRecompute(eventTouches(T0 + 3 * MIN, 'Asia/Shanghai'), DEFAULT_RULES, () => true)).toContain('2026-03-09');
  });
});

describe('CARD_DUPLICATE_USE', () => {
  test('one card at two lanes: one finding per card per day, with the visits it interrupted', () => {
    const w = t({ at: 600, siteId: 'inc', vehicleId: 'c2', firstWeighedAt: T0 + 590 * MIN });
    const events = [ev({ at: 595, type: 'CARD_AT_TWO_LANES', lane: 'L2', details: { otherLane: 'L1' } }), ev({ at: 598, type: 'CARD_AT_TWO_LANES', lane: 'L2', details: { otherLane: 'L1' } }), ev({ at: 24 * 60 + 30, type: 'CARD_AT_TWO_LANES' })];
    const found = integrityForDay(DAY, [w], events, registry);
    expect(found).toEqual([expect.objectContaining({ key: `CARD_DUPLICATE_USE:c2c2c2c2:${DAY}`, siteId: 'inc', vehicleId: 'c2', carrierId: 'c-c2', evidence: [w.id] })]);
    expect(found[0]!.summary).toMatch(/2 times on 2026-03-10 at INC/);
  });
});

describe('REPEATED_WEIGHING', () => {
  test('the same vehicle weighed in twice at a site minutes apart: the second ticket, both as evidence', () => {
    const a = t({ at: 600, siteId: 'inc', vehicleId: 'c2' });
    const b = t({ at: 605, siteId: 'inc', vehicleId: 'c2' });
    expect(integrityForDay(DAY, [a, b], [], registry)).toEqual([expect.objectContaining({ key: `REPEATED_WEIGHING:${b.id}`, evidence: [a.id, b.id].sort(), details: expect.objectContaining({ gapMinutes: 5, earlierTicketId: a.id }) })]);
  });

  test('the window is the deployment rule: 5 minutes apart is a repeat under 10, a quick turnaround under 3', () => {
    const a = t({ at: 600, siteId: 'inc', vehicleId: 'c2' });
    const b = t({ at: 605, siteId: 'inc', vehicleId: 'c2' });
    expect(integrityForDay(DAY, [a, b], [], registry, 10).map((x) => x.key)).toEqual([`REPEATED_WEIGHING:${b.id}`]);
    expect(integrityForDay(DAY, [a, b], [], registry, 3)).toEqual([]);
  });

  test('not a repeat: a real next trip, another direction, another site', () => {
    expect(keys([t({ at: 600, siteId: 'inc', vehicleId: 'c2' }), t({ at: 640, siteId: 'inc', vehicleId: 'c2' })], [])).toEqual([]);
    expect(keys([t({ at: 600, siteId: 'ts', vehicleId: 'tr' }), t({ at: 603, siteId: 'ts', vehicleId: 'tr', direction: 'OUT' })], [])).toEqual([]);
    expect(keys([t({ at: 600, siteId: 'inc', vehicleId: 'c2' }), t({ at: 603, siteId: 'lf', vehicleId: 'c2' })], [])).toEqual([]);
  });

  test('the station’s own repeat flag reaches as far back as it says, and no further', () => {
    const a = t({ at: 600, siteId: 'inc', vehicleId: 'c2' });
    const b = t({ at: 625, siteId: 'inc', vehicleId: 'c2', firstWeighedAt: T0 + 620 * MIN, flags: ['REPEAT_WEIGHING'] });
    const override = ev({ at: 619, type: 'REPEAT_WEIGHING', details: { minutesSinceLast: 19 } });
    expect(keys([a, b], [override])).toEqual([`REPEATED_WEIGHING:${b.id}`]);
    expect(keys([a, b], [])).toEqual([]); // 20 min apart, no flag: two trips
    // the station counted from a ticket 4 min back that was voided since: the one that stands is 20 min back
    expect(keys([a, b], [ev({ at: 619, type: 'REPEAT_WEIGHING', details: { minutesSinceLast: 4 } })])).toEqual([]);
  });
});

test('computeDay raises them with the rest, and nothing without station events', () => {
  const w = t({ at: 300, siteId: 'inc', vehicleId: 'c2', routeId: 'rB' });
  const run = (stationEvents?: ReconStationEvent[]) => computeDay({ day: DAY, tickets: [w], stationEvents, previous: [], registry, rules: DEFAULT_RULES, asOf: T0 + 3 * 24 * 60 * MIN }).anomalies.map((a) => a.key);
  expect(run()).not.toContain(`SCALE_INTEGRITY:${w.id}`);
  expect(run([ev({ at: 301, type: 'WEIGHT_JUMP', ticketId: w.id })])).toContain(`SCALE_INTEGRITY:${w.id}`);
});
