// The scenario generator's truth against the engine: a clean month raises nothing;
// a faulty month raises exactly the injected faults' anomalies; mass is conserved; each
// district's collected and disposed tonnes are what the generator made (scenario/truth.ts).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FAULT_KINDS } from '../../server/src/reconciliation/scenario/faults.js';
import { isLaneFault } from '../../server/src/reconciliation/scenario/lane-events.js';
import { activeAnomalies, reconHarness, type ReconHarness } from './harness.js';

// refusals: benign station events (unknown cards, a deck not at zero driven off and on again) that must raise nothing
const MONTH = { from: '2026-03-01', days: 31, districts: 6, populationScale: 0.3, refusals: 40 };

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

/** The engine's district figures, keyed as the scenario's truth is: COLLECTED by day × district × stream, DISPOSED by district × stream. */
async function districtFigures(h: ReconHarness): Promise<{ collected: Record<string, number>; disposed: Record<string, number> }> {
  const { rows } = await h.owner.query<{ measure: string; day: string; district: string; stream: string; kg: number }>(`
    SELECT measure, to_char(service_day, 'YYYY-MM-DD') AS day, coalesce(district_id::text, '') AS district, stream_code AS stream, sum(kg)::float8 AS kg
      FROM recon_district_day GROUP BY 1, 2, 3, 4`);
  const out = { collected: {} as Record<string, number>, disposed: {} as Record<string, number> };
  for (const r of rows) {
    if (r.measure === 'COLLECTED') out.collected[`${r.day}|${r.district}|${r.stream}`] = (out.collected[`${r.day}|${r.district}|${r.stream}`] ?? 0) + r.kg;
    else out.disposed[`${r.district}|${r.stream}`] = (out.disposed[`${r.district}|${r.stream}`] ?? 0) + r.kg;
  }
  return out;
}

/** Where attribution departs from the generated truth: COLLECTED must equal it, DISPOSED be within 1 kg per station load of it. */
async function attributionOff(h: ReconHarness): Promise<string[]> {
  const { truth } = h.scenario;
  const figures = await districtFigures(h);
  const off: string[] = [];
  for (const key of new Set([...Object.keys(truth.collected), ...Object.keys(figures.collected)])) {
    const [want, got] = [truth.collected[key] ?? 0, figures.collected[key] ?? 0];
    if (want !== got) off.push(`COLLECTED ${key}: ${got} kg, truth ${want} kg`);
  }
  for (const key of new Set([...Object.keys(truth.disposed), ...Object.keys(figures.disposed)])) {
    const [want, got] = [truth.disposed[key] ?? 0, figures.disposed[key] ?? 0];
    const allowed = truth.departures[key.split('|')[0]!] ?? 0;
    if (Math.abs(got - want) > allowed) off.push(`DISPOSED ${key}: ${got} kg, truth ${want} kg (±${allowed} allowed)`);
  }
  return off;
}

// DOMAIN.md, Suzhou 2020 averages in t/day: the proportions the generator's per-capita kg (city.ts) follow.
const SUZHOU_TPD = { OTHER: 14_980, KITCHEN: 4_839.5, RECYCLABLE: 748.7, HAZARDOUS: 4.3 };

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

  test('…though its stations signed refusals, some of them a deck not at zero just before a clean weighing of the same truck', async () => {
    const { rows } = await h.owner.query<{ type: string; n: number }>(`SELECT type, count(*)::int AS n FROM station_event GROUP BY 1 ORDER BY 1`);
    expect(rows).toEqual([{ type: 'NO_ZERO_RETURN', n: 20 }, { type: 'REFUSED_AT_LANE', n: 20 }]);
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

  test('attribution matches the generated truth: COLLECTED to the kilogram per day × district × stream, DISPOSED within 1 kg per station load', async () => {
    const { truth } = h.scenario;
    expect(Object.keys(truth.collected).length).toBeGreaterThan(300); // 31 days × 6 districts × 2–4 streams
    expect(Object.values(truth.departures).reduce((a, b) => a + b, 0)).toBeGreaterThan(100); // station loads: the apportioned kind
    expect(await attributionOff(h)).toEqual([]);
  });

  test('household streams come in DOMAIN.md’s proportions: other, kitchen and recyclable within 1 point of Suzhou’s shares, hazardous within ±50 %', async () => {
    const { rows } = await h.owner.query<{ stream: keyof typeof SUZHOU_TPD; kg: number }>(`SELECT stream_code AS stream, sum(kg)::float8 AS kg FROM recon_district_day WHERE measure = 'COLLECTED' AND stream_code IN ('OTHER','KITCHEN','RECYCLABLE','HAZARDOUS') GROUP BY 1`);
    const total = rows.reduce((t, r) => t + r.kg, 0);
    const suzhou = Object.values(SUZHOU_TPD).reduce((a, b) => a + b, 0);
    const share = Object.fromEntries(rows.map((r) => [r.stream, r.kg / total])) as Record<keyof typeof SUZHOU_TPD, number>;
    for (const stream of ['OTHER', 'KITCHEN', 'RECYCLABLE'] as const) expect(Math.abs(share[stream] - SUZHOU_TPD[stream] / suzhou), stream).toBeLessThan(0.01);
    expect(share.HAZARDOUS / (SUZHOU_TPD.HAZARDOUS / suzhou)).toBeGreaterThan(0.5); // 4.3 of 20,573 t/day: a 100 kg run minimum and weekly runs round it
    expect(share.HAZARDOUS / (SUZHOU_TPD.HAZARDOUS / suzhou)).toBeLessThan(1.5);
  });

  test('every route run is complete and every departure delivered', async () => {
    const runs = await h.owner.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM recon_route_run GROUP BY status ORDER BY status`);
    expect(runs.rows).toEqual([{ status: 'COMPLETE', n: expect.any(Number) }]);
    const legs = await h.owner.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM recon_custody_leg GROUP BY status ORDER BY status`);
    expect(legs.rows).toEqual([{ status: 'DELIVERED', n: expect.any(Number) }]);
  });

  test('the stations’ trailers run haul routes: judged every day (complete, above), and their tonnes never collected', async () => {
    const { rows } = await h.owner.query<{ runs: number; trips: number; hauled: number; collection: number; collected: number }>(`
      SELECT (SELECT count(*)::int FROM recon_route_run WHERE origin_site_id IS NOT NULL) AS runs,
             (SELECT sum(trips)::int FROM recon_route_run WHERE origin_site_id IS NOT NULL) AS trips,
             (SELECT sum(net_kg)::float8 FROM recon_route_run WHERE origin_site_id IS NOT NULL) AS hauled,
             (SELECT sum(net_kg)::float8 FROM recon_route_run WHERE origin_site_id IS NULL) AS collection,
             (SELECT sum(kg)::float8 FROM recon_district_day WHERE measure = 'COLLECTED') AS collected`);
    const r = rows[0]!;
    expect(r.runs).toBeGreaterThan(31);
    expect(r.trips).toBeGreaterThan(r.runs);
    expect(r.hauled).toBeGreaterThan(0);
    expect(r.collected).toBe(r.collection); // collected tonnes are the collection runs', to the kilogram
  });
});

describe('a faulty month', () => {
  let h: ReconHarness;
  beforeAll(async () => {
    h = await reconHarness({ seed: 12, ...MONTH, voids: 4, corrections: 4, faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, k === 'DUMPING' || k === 'WRONG_STREAM' || k === 'WRONG_DISPOSAL_SITE' || isLaneFault(k) ? 2 : 1])) });
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

  test('a trailer on a haul plan delivering to another plant is LEG_WRONG_DESTINATION, naming its haul route', async () => {
    const keys = h.scenario.faults.filter((f) => f.kind === 'WRONG_STREAM').flatMap((f) => f.expectedKeys).filter((k) => k.startsWith('LEG_WRONG_DESTINATION:'));
    expect(keys.length).toBeGreaterThan(0);
    const { rows } = await h.owner.query<{ origin: string | null }>('SELECT r.origin_site_id AS origin FROM anomaly a JOIN collection_route r ON r.id = a.route_id WHERE a.natural_key = ANY($1) AND a.active', [keys]);
    expect(rows.length).toBe(keys.length);
    expect(rows.every((r) => r.origin !== null)).toBe(true);
  });

  test('conserves mass', async () => {
    const c = await conservation(h);
    expect(c.attributed).toBe(c.received);
  });

  test('the station-event faults (both variants of each) are found with their tickets as evidence; indicator faults raise nothing', async () => {
    const lane = h.scenario.faults.filter((f) => isLaneFault(f.kind));
    expect(lane.map((f) => f.kind).sort()).toEqual(['CARD_CLONE', 'CARD_CLONE', 'DOUBLE_WEIGHING', 'DOUBLE_WEIGHING', 'INDICATOR_FAULT', 'INDICATOR_FAULT', 'SCALE_TAMPERING', 'SCALE_TAMPERING']);
    for (const f of lane.filter((x) => x.kind !== 'INDICATOR_FAULT')) {
      const { rows } = await h.owner.query<{ evidence: string[] }>(`SELECT ARRAY(SELECT ticket_id::text FROM anomaly_ticket t WHERE t.anomaly_id = a.id ORDER BY 1) AS evidence FROM anomaly a WHERE natural_key = $1 AND active`, [f.expectedKeys[0]]);
      expect(rows[0]?.evidence, f.kind).toEqual([...f.ticketIds].sort());
    }
    expect(lane.filter((f) => f.kind === 'INDICATOR_FAULT').flatMap((f) => f.expectedKeys)).toEqual([]);
  });

  test('attribution still matches the generated truth: dumped, misrouted and vanished loads, muck without a permit or at the wrong site', async () => {
    expect(await attributionOff(h)).toEqual([]);
  });

  test('the permit faults are there: muck without a permit, and at a site the permit does not name (on arrival and on a custody leg)', async () => {
    const expected = h.scenario.faults.filter((f) => f.kind === 'NO_PERMIT' || f.kind === 'WRONG_DISPOSAL_SITE').flatMap((f) => f.expectedKeys);
    expect(expected.map((k) => k.split(':')[0]).sort()).toEqual(['LEG_WRONG_DESTINATION', 'PERMIT_MISSING', 'PERMIT_WRONG_SITE']);
    const found = (await activeAnomalies(h.owner)).map((f) => f.key);
    expect(expected.filter((k) => !found.includes(k))).toEqual([]);
  });
});
