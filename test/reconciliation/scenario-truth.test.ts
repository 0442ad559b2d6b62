// The scenario generator's truth against the engine: a clean month raises nothing;
// a faulty month raises exactly the injected faults' anomalies; mass is conserved.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FAULT_KINDS } from '../../server/src/reconciliation/scenario/faults.js';
import { activeAnomalies, reconHarness, type ReconHarness } from './harness.js';

const MONTH = { from: '2026-03-01', days: 31, districts: 6, populationScale: 0.3 };

async function fullMonth(h: ReconHarness) {
  const { days } = h.scenario;
  return h.engine.recomputeRange(days[0]!, days[days.length - 1]!, h.asOf);
}

/** Σ over districts of DISPOSED = Σ over final sites of inbound net, to the kilogram, over the month's service days. */
async function conservation(h: ReconHarness): Promise<{ attributed: number; received: number }> {
  const { days } = h.scenario;
  const { rows } = await h.owner.query<{ attributed: string; received: string }>(`
    SELECT (SELECT coalesce(sum(kg), 0) FROM recon_district_day WHERE measure = 'DISPOSED') AS attributed,
           (SELECT coalesce(sum(te.net_kg), 0) FROM ticket_effective te JOIN site s ON s.id = te.site_id
             WHERE NOT te.voided AND te.direction = 'IN' AND s.kind NOT IN ('TRANSFER_STATION', 'PROJECT_SITE')
               AND (te.weighed_at AT TIME ZONE s.timezone)::date BETWEEN $1::date AND $2::date) AS received`, [days[0], days.at(-1)]);
  return { attributed: Number(rows[0]!.attributed), received: Number(rows[0]!.received) };
}

describe('a clean month', () => {
  let h: ReconHarness;
  beforeAll(async () => {
    h = await reconHarness({ seed: 11, ...MONTH, voids: 4, corrections: 4 });
    await fullMonth(h);
  }, 300_000);
  afterAll(() => h?.close());

  test('raises no anomaly', async () => {
    expect(await activeAnomalies(h.owner)).toEqual([]);
  });

  test('conserves mass: every kilogram received at a plant is attributed to exactly one district (or to none)', async () => {
    const c = await conservation(h);
    expect(c.received).toBeGreaterThan(1_000_000);
    expect(c.attributed).toBe(c.received);
  });

  test('household waste reaching plants is all traced to districts', async () => {
    const { rows } = await h.owner.query<{ kg: string }>(`SELECT coalesce(sum(kg), 0) AS kg FROM recon_district_day WHERE measure = 'DISPOSED' AND district_id IS NULL AND stream_code IN ('OTHER','KITCHEN','RECYCLABLE','HAZARDOUS')`);
    expect(Number(rows[0]!.kg)).toBe(0);
  });

  test('every route run is complete and every departure delivered', async () => {
    const runs = await h.owner.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM recon_route_run GROUP BY status ORDER BY status`);
    expect(runs.rows).toEqual([{ status: 'COMPLETE', n: expect.any(Number) }]);
    const legs = await h.owner.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM recon_custody_leg GROUP BY status ORDER BY status`);
    expect(legs.rows).toEqual([{ status: 'DELIVERED', n: expect.any(Number) }]);
  });
});

describe('a faulty month', () => {
  let h: ReconHarness;
  beforeAll(async () => {
    h = await reconHarness({ seed: 12, ...MONTH, voids: 4, corrections: 4, faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, k === 'DUMPING' || k === 'WRONG_STREAM' ? 2 : 1])) });
    await fullMonth(h);
  }, 300_000);
  afterAll(() => h?.close());

  test('every injected fault is found, and nothing else', async () => {
    const expected = h.scenario.faults.flatMap((f) => f.expectedKeys).sort();
    expect(expected.length).toBeGreaterThanOrEqual(9);
    const found = await activeAnomalies(h.owner);
    const missing = expected.filter((k) => !found.some((f) => f.key === k));
    const falseAlarms = found.filter((f) => !expected.includes(f.key));
    expect({ missing, falseAlarms }).toEqual({ missing: [], falseAlarms: [] });
  });

  test('conserves mass', async () => {
    const c = await conservation(h);
    expect(c.attributed).toBe(c.received);
  });
});
