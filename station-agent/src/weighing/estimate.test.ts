// 估重: the estimate is computed from the vehicle's weighed history, or refused; never typed.
import { estimatedNetKg, EstimateBasis, TicketBody, type TicketBody as Body } from '@haulproof/contracts';
import { describe, expect, it } from 'vitest';
import { FakeJournal, vehicle } from './test-support.js';
import { estimateLoad, estimateRequestProblem, type EstimatePolicy } from './estimate.js';

const AT = Date.parse('2025-03-01T00:00:00Z');
const POLICY: EstimatePolicy = { samples: 5, minSamples: 3, ratedLoadShare: null };
const truck = vehicle('苏E12345', { storedTareKg: 12_000, maxGrossKg: 30_000 });
const query = { site: 'TS01', stream: 'OTHER' as const, direction: 'IN' as const, vehicle: truck, at: AT };

let minute = 0;
/** A ticket of 苏E12345 at TS01 completing one minute after the previous one. */
function ticket(netKg: number, o: Partial<Body> = {}): Body {
  const at = new Date(Date.parse('2025-02-20T00:00:00Z') + ++minute * 60_000).toISOString();
  const tareKg = o.tareKg ?? 12_000;
  return TicketBody.parse({
    site: 'TS01', lane: 'L1', plate: '苏E12345', plateSeen: null, card: null, stream: 'OTHER', direction: 'IN',
    grossKg: tareKg + netKg, tareKg, netKg, grossSource: 'WEIGHED', tareSource: 'WEIGHED', firstAt: at, secondAt: at,
    route: null, permit: null, origin: null, operator: 'op', flags: [], software: 'test', ...o,
  });
}

function history(...tickets: Body[]) {
  const j = new FakeJournal(() => AT);
  for (const t of tickets) j.appendTicket(t);
  return { journal: j, newestFirst: j.recentTicketsFor('苏E12345', 200) };
}

describe('estimateLoad: the median net of the vehicle’s newest weighed tickets', () => {
  it('takes the newest N weighed tickets of this site, stream and direction, newest first, and names them', () => {
    const { newestFirst } = history(
      ticket(1_000), // oldest: beyond the five newest, left out
      ticket(8_000), ticket(8_400), ticket(7_000), ticket(9_000), ticket(8_200),
    );
    const e = estimateLoad(newestFirst, query, POLICY);
    expect(e).toEqual({
      ok: true, netKg: 8_200, tareKg: 12_000, tareSource: 'STORED',
      basis: { method: 'VEHICLE_MEDIAN', sampleSeqs: [6, 5, 4, 3, 2], sampleNetsKg: [8_200, 9_000, 7_000, 8_400, 8_000], ratedLoadKg: null, sharePermille: null },
    });
  });

  it('leaves out other streams, directions and sites, keyed, estimated and voided tickets', () => {
    const keyed = ticket(30_000, { grossSource: 'KEYED', flags: ['KEYED'] });
    const { journal } = history(ticket(8_000), ticket(8_600), ticket(20_000, { stream: 'KITCHEN' }), ticket(20_000, { direction: 'OUT' }), ticket(20_000, { site: 'TS02' }), keyed, ticket(9_000), ticket(25_000));
    journal.appendVoid({ ticketSeq: 8, reason: 'wrong vehicle', at: new Date(AT).toISOString(), operator: 'op' });
    const estimated = { ...ticket(0), grossKg: 12_000 + 40_000, netKg: 40_000, grossSource: 'ESTIMATED' as const, tareSource: 'STORED' as const, secondAt: null, flags: ['ESTIMATED' as const, 'STORED_TARE' as const],
      estimate: { method: 'RATED_LOAD_SHARE' as const, scale: 'FAULT' as const, reason: 'indicator dead', supervisor: 'boss', sampleSeqs: [], sampleNetsKg: [], ratedLoadKg: 50_000, sharePermille: 800 } };
    journal.appendTicket(TicketBody.parse(estimated));
    const e = estimateLoad(journal.recentTicketsFor('苏E12345', 200), query, POLICY);
    expect(e).toMatchObject({ ok: true, netKg: 8_600, basis: { sampleSeqs: [7, 2, 1], sampleNetsKg: [9_000, 8_600, 8_000] } });
  });

  it('an even sample takes the lower-rounded mean of the two middle nets', () => {
    const { newestFirst } = history(ticket(8_000), ticket(8_101), ticket(7_000), ticket(9_000));
    expect(estimateLoad(newestFirst, query, POLICY)).toMatchObject({ ok: true, netKg: 8_050 });
  });

  it('without a valid stored tare, the tare is the sample’s median tare and is itself estimated', () => {
    const { newestFirst } = history(ticket(8_000, { tareKg: 11_900 }), ticket(8_000, { tareKg: 12_100 }), ticket(8_000, { tareKg: 12_040 }));
    const expired = { ...query, vehicle: vehicle('苏E12345', { tareExpiresAt: '2025-02-01T00:00:00.000Z' }) };
    expect(estimateLoad(newestFirst, expired, POLICY)).toMatchObject({ ok: true, netKg: 8_000, tareKg: 12_040, tareSource: 'ESTIMATED' });
  });

  it('the basis it produces passes the contract and gives back the same net', () => {
    const { newestFirst } = history(ticket(8_000), ticket(8_400), ticket(7_000));
    const e = estimateLoad(newestFirst, query, POLICY);
    if (!e.ok) throw new Error(e.message);
    const basis = EstimateBasis.parse({ ...e.basis, scale: 'OUT_OF_SERVICE', reason: '检定 calibration', supervisor: '李主管' });
    expect(estimatedNetKg(basis)).toBe(e.netKg);
  });
});

describe('estimateLoad: too little history', () => {
  it('is refused with the count and the reason, when no rated-load share is configured', () => {
    const { newestFirst } = history(ticket(8_000), ticket(8_400));
    const e = estimateLoad(newestFirst, query, POLICY);
    expect(e.ok).toBe(false);
    expect(!e.ok && e.message).toMatch(/cannot estimate: 苏E12345 has 2 weighed inbound other \(residual\) waste ticket\(s\) at this site \(3 needed\) and no rated-load fallback is configured/);
    expect(!e.ok && e.message).toMatch(/^无法估重/);
  });

  it('falls back to the configured share of the rated load (max gross − stored tare)', () => {
    const e = estimateLoad([], query, { ...POLICY, ratedLoadShare: 0.75 });
    expect(e).toEqual({ ok: true, netKg: 13_500, tareKg: 12_000, tareSource: 'STORED', basis: { method: 'RATED_LOAD_SHARE', sampleSeqs: [], sampleNetsKg: [], ratedLoadKg: 18_000, sharePermille: 750 } });
  });

  it('refuses the rated-load fallback for a vehicle without a valid stored tare', () => {
    const noTare = { ...query, vehicle: vehicle('苏E12345', { storedTareKg: null, tareExpiresAt: null }) };
    const e = estimateLoad([], noTare, { ...POLICY, ratedLoadShare: 0.75 });
    expect(!e.ok && e.message).toMatch(/no valid stored tare, so its rated load is unknown/);
  });

  it('never uses a median of fewer than three tickets, whatever the policy says', () => {
    const { newestFirst } = history(ticket(8_000), ticket(8_400));
    expect(estimateLoad(newestFirst, query, { samples: 2, minSamples: 1, ratedLoadShare: null }).ok).toBe(false);
  });
});

describe('estimateRequestProblem', () => {
  const ok = { plate: '苏E·12345', operator: '王建国', supervisor: '李主管', reason: '检定 calibration' };
  it('needs an operator, a supervisor other than the operator, a reason and a plate', () => {
    expect(estimateRequestProblem(ok)).toBeNull();
    expect(estimateRequestProblem({ ...ok, supervisor: ' ' })).toMatch(/supervisor/);
    expect(estimateRequestProblem({ ...ok, supervisor: ok.operator })).toMatch(/someone other/);
    expect(estimateRequestProblem({ ...ok, reason: 'x' })).toMatch(/reason/);
    expect(estimateRequestProblem({ ...ok, plate: '苏E' })).toMatch(/plate/);
  });
});
