// One load's trace on a generated month: route run → transfer station → plant, with every ticket
// and finding on the way — the pile's inbound tickets and their runs, a tare manipulated on one of
// them, a run that came up short, the permit of a construction load — and, for someone of another
// district, that pile summed rather than listed. Expected sets come from ticket_effective and the
// anomaly tables, written out here, not from the trace repository.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TraceView } from '@haulproof/contracts';
import { FAULT_KINDS } from '../../server/src/reconciliation/scenario/faults.js';
import { reconApi, type Caller, type ReconApi } from './api-harness.js';

let h: ReconApi;
let admin: Caller;
const sorted = (xs: string[]) => [...xs].sort();

beforeAll(async () => {
  h = await reconApi({ seed: 21, from: '2026-03-01', days: 31, districts: 3, populationScale: 0.1, faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 1])) }, '2026-04-05T00:00:00Z');
  admin = await h.as({ username: 't.admin', role: 'ADMIN' });
}, 300_000);
afterAll(async () => {
  await h?.close();
});

interface Pile { siteId: string; day: string; stream: string }
/** The pile's inbound tickets that service day (the station's calendar), with the route each counted towards. */
async function pileTruth(p: Pile) {
  const { rows } = await h.owner.query<{ id: string; netKg: number; routeId: string | null; districtId: string | null }>(
    `SELECT te.id, te.net_kg AS "netKg", rt.route_id AS "routeId", r.district_id AS "districtId" FROM ticket_effective te JOIN site s ON s.id = te.site_id
       LEFT JOIN recon_run_ticket rt ON rt.ticket_id = te.id LEFT JOIN collection_route r ON r.id = rt.route_id
      WHERE te.site_id = $1 AND te.stream_code = $3 AND te.direction = 'IN' AND NOT te.voided AND to_char(te.weighed_at AT TIME ZONE s.timezone, 'YYYY-MM-DD') = $2`,
    [p.siteId, p.day, p.stream],
  );
  return { tickets: rows, routes: [...new Set(rows.flatMap((r) => (r.routeId ? [r.routeId] : [])))], kg: rows.reduce((t, r) => t + r.netKg, 0) };
}
/** Findings on the way: with a ticket on the way as evidence, of a run on the way, or of the pile's balance. */
async function findingsOnTheWay(ticketIds: string[], runs: { routeId: string; day: string }[], p: Pile | null): Promise<string[]> {
  const { rows } = await h.owner.query<{ id: string }>(
    `SELECT a.id FROM anomaly a WHERE EXISTS (SELECT 1 FROM anomaly_ticket x WHERE x.anomaly_id = a.id AND x.ticket_id = ANY($1::uuid[]))
        OR (a.kind IN ('ROUTE_MISSED_RUN', 'ROUTE_RUN_SHORT', 'ROUTE_UNPLANNED_SITE') AND a.route_id::text || '|' || a.service_day = ANY($2::text[]))
        OR (a.kind = 'STATION_IMBALANCE' AND a.site_id = $3 AND a.service_day = $4::date AND a.stream_code = $5)`,
    [ticketIds, runs.map((r) => `${r.routeId}|${r.day}`), p?.siteId ?? null, p?.day ?? null, p?.stream ?? null],
  );
  return sorted(rows.map((r) => r.id));
}
/** A load delivered from the pile a finding's evidence ticket tipped into: the arrival and the pile. */
async function deliveredFromPileOf(kind: string): Promise<{ arrival: string; departure: string; pile: Pile; anomalyId: string }> {
  const { rows } = await h.owner.query(
    `SELECT a.id AS "anomalyId", l.in_ticket_id AS arrival, l.out_ticket_id AS departure, l.from_site_id AS "siteId", to_char(l.service_day, 'YYYY-MM-DD') AS day, l.stream_code AS stream
       FROM anomaly a JOIN anomaly_ticket x ON x.anomaly_id = a.id JOIN ticket_effective te ON te.id = x.ticket_id JOIN site s ON s.id = te.site_id
       JOIN recon_custody_leg l ON l.from_site_id = te.site_id AND l.service_day = (te.weighed_at AT TIME ZONE s.timezone)::date AND l.stream_code = te.stream_code AND l.status = 'DELIVERED'
      WHERE a.kind = $1 AND s.kind = 'TRANSFER_STATION' AND te.direction = 'IN' ORDER BY l.departed_at LIMIT 1`,
    [kind],
  );
  expect(rows, `a delivered load from the pile of a ${kind}`).toHaveLength(1);
  const r = rows[0]!;
  return { arrival: r.arrival, departure: r.departure, pile: { siteId: r.siteId, day: r.day, stream: r.stream }, anomalyId: r.anomalyId };
}

describe('a plant arrival, traced back through the station pile', () => {
  test('lists every inbound ticket of the pile with its run, and the tare manipulated on one of them', async () => {
    // The scenario's tare fault lands on a route picked at random, which may tip straight at a plant:
    // record the finding (as the engine writes it) on a tip into a station pile that was shipped on.
    const { rows: tips } = await h.owner.query(
      `SELECT te.id, te.site_id, s.district_id, v.carrier_id, te.vehicle_id, te.stream_code, to_char(te.weighed_at AT TIME ZONE s.timezone, 'YYYY-MM-DD') AS day
         FROM recon_custody_leg l JOIN site s ON s.id = l.from_site_id AND s.kind = 'TRANSFER_STATION'
         JOIN ticket_effective te ON te.site_id = l.from_site_id AND te.direction = 'IN' AND te.stream_code = l.stream_code AND (te.weighed_at AT TIME ZONE s.timezone)::date = l.service_day
         JOIN vehicle v ON v.id = te.vehicle_id JOIN recon_run_ticket rt ON rt.ticket_id = te.id
        WHERE l.status = 'DELIVERED' AND l.stream_code = 'KITCHEN' ORDER BY te.weighed_at OFFSET 40 LIMIT 1`,
    );
    const tip = tips[0];
    const { rows: made } = await h.owner.query(
      `INSERT INTO anomaly (natural_key, kind, service_day, site_id, district_id, carrier_id, vehicle_id, stream_code, summary, details)
       VALUES ('TARE_DEVIATION:' || $1, 'TARE_DEVIATION', $2, $3, $4, $5, $6, $7, 'tare 900 kg under the registered one', '{"why": []}')
       ON CONFLICT (natural_key) DO UPDATE SET updated_at = now() RETURNING id`,
      [tip.id, tip.day, tip.site_id, tip.district_id, tip.carrier_id, tip.vehicle_id, tip.stream_code],
    );
    await h.owner.query('INSERT INTO anomaly_ticket (anomaly_id, ticket_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [made[0].id, tip.id]);
    const load = await deliveredFromPileOf('TARE_DEVIATION');
    const truth = await pileTruth(load.pile);
    const t = (await admin.get(`/api/v1/tickets/${load.arrival}/trace`)).body as TraceView;
    expect(t.upstream!.departure.id).toBe(load.departure);
    expect(t.pile).toMatchObject({ siteId: load.pile.siteId, serviceDay: load.pile.day, stream: load.pile.stream, otherInbound: [] });
    expect(sorted(t.pile!.inbound.map((x) => x.id))).toEqual(sorted(truth.tickets.map((x) => x.id)));
    expect(t.pile!.inbound.every((x) => x.direction === 'IN' && x.routeId === truth.tickets.find((y) => y.id === x.id)!.routeId)).toBe(true);
    expect(sorted(t.pile!.runs.map((r) => r.routeId))).toEqual(sorted(truth.routes));
    for (const r of t.pile!.runs) expect(r.trips, r.routeCode).toBe(truth.tickets.filter((x) => x.routeId === r.routeId).length);
    expect(t.anomalies.map((a) => a.id)).toContain(load.anomalyId);
    const want = await findingsOnTheWay([load.arrival, load.departure, ...truth.tickets.map((x) => x.id)], truth.routes.map((routeId) => ({ routeId, day: load.pile.day })), load.pile);
    expect(sorted(t.anomalies.map((a) => a.id))).toEqual(want);
    expect(t.hidden).toEqual({ legs: 0, runs: 0, anomalies: 0, permit: false });
  });

  test('a run that came up short while feeding the pile is on the way', async () => {
    const load = await deliveredFromPileOf('ROUTE_RUN_SHORT');
    const { rows } = await h.owner.query(`SELECT route_id AS "routeId" FROM anomaly WHERE id = $1`, [load.anomalyId]);
    const t = (await admin.get(`/api/v1/tickets/${load.arrival}/trace`)).body as TraceView;
    expect(t.pile!.runs.find((r) => r.routeId === rows[0].routeId)).toMatchObject({ status: 'SHORT' });
    expect(t.anomalies.find((a) => a.id === load.anomalyId)).toMatchObject({ kind: 'ROUTE_RUN_SHORT' });
  });

  test('a collection tip at the station: its own run’s finding, the pile it joined, and where the pile went', async () => {
    const { rows } = await h.owner.query(`SELECT x.ticket_id AS id, a.id AS "anomalyId" FROM anomaly a JOIN anomaly_ticket x ON x.anomaly_id = a.id WHERE a.kind = 'ROUTE_RUN_SHORT' LIMIT 1`);
    const t = (await admin.get(`/api/v1/tickets/${rows[0].id}/trace`)).body as TraceView;
    expect(t.run).toMatchObject({ status: 'SHORT' });
    expect(t.anomalies.map((a) => a.id)).toContain(rows[0].anomalyId);
    expect(t.pile!.inbound.map((x) => x.id)).toContain(rows[0].id);
    const legs = await h.owner.query(`SELECT out_ticket_id FROM recon_custody_leg WHERE from_site_id = $1 AND service_day = $2 AND stream_code = $3`, [t.pile!.siteId, t.pile!.serviceDay, t.pile!.stream]);
    expect(sorted(t.downstream.map((d) => d.leg.outTicketId))).toEqual(sorted(legs.rows.map((l) => l.out_ticket_id)));
  });
});

describe('a construction load', () => {
  test('carries its permit: an expired one says so, with its finding; a valid one counts the trips to that day', async () => {
    const { rows } = await h.owner.query(`SELECT x.ticket_id AS id, a.id AS "anomalyId", a.permit_id AS "permitId" FROM anomaly a JOIN anomaly_ticket x ON x.anomaly_id = a.id WHERE a.kind = 'PERMIT_EXPIRED' LIMIT 1`);
    const expired = (await admin.get(`/api/v1/tickets/${rows[0].id}/trace`)).body as TraceView;
    expect(expired.permit).toMatchObject({ id: rows[0].permitId, validOnDay: false });
    expect(expired.anomalies.map((a) => a.id)).toContain(rows[0].anomalyId);
    const { rows: ok } = await h.owner.query(
      `SELECT te.id, te.permit_id AS "permitId", to_char(te.weighed_at AT TIME ZONE s.timezone, 'YYYY-MM-DD') AS day FROM ticket_effective te JOIN site s ON s.id = te.site_id
        WHERE s.kind = 'CONSTRUCTION_PLANT' AND te.direction = 'IN' AND NOT te.voided AND te.permit_id IS NOT NULL AND te.permit_id <> $1 ORDER BY te.weighed_at OFFSET 10 LIMIT 1`,
      [rows[0].permitId],
    );
    const { rows: used } = await h.owner.query(
      `SELECT count(*)::int AS n FROM ticket_effective te JOIN site s ON s.id = te.site_id WHERE te.permit_id = $1 AND te.direction = 'IN' AND NOT te.voided AND s.kind <> 'PROJECT_SITE' AND to_char(te.weighed_at AT TIME ZONE s.timezone, 'YYYY-MM-DD') <= $2`,
      [ok[0].permitId, ok[0].day],
    );
    const valid = (await admin.get(`/api/v1/tickets/${ok[0].id}/trace`)).body as TraceView;
    expect(valid.permit).toMatchObject({ id: ok[0].permitId, validOnDay: true, tripsToDate: used[0].n });
    expect(valid.pile).toBeNull(); // from a project site, not a station
  });
});

describe('in someone else’s scope', () => {
  test('the pile of another district’s station is summed, never listed; its runs and findings are counted, not shown', async () => {
    const { rows } = await h.owner.query(
      `SELECT l.in_ticket_id AS arrival, l.from_site_id AS "siteId", to_char(l.service_day, 'YYYY-MM-DD') AS day, l.stream_code AS stream, ts.district_id AS "plantDistrict"
         FROM recon_custody_leg l JOIN site fs ON fs.id = l.from_site_id JOIN site ts ON ts.id = l.to_site_id
        WHERE l.status = 'DELIVERED' AND fs.kind = 'TRANSFER_STATION' AND fs.district_id <> ts.district_id ORDER BY l.departed_at LIMIT 1`,
    );
    const load = rows[0];
    const truth = await pileTruth(load);
    const whole = (await admin.get(`/api/v1/tickets/${load.arrival}/trace`)).body as TraceView;
    const insp = await h.as({ username: 't.insp.plant', role: 'INSPECTOR', districtId: load.plantDistrict });
    const res = await insp.get(`/api/v1/tickets/${load.arrival}/trace`);
    expect(res.status).toBe(200);
    const t = res.body as TraceView;
    expect(t.pile!.inbound).toEqual([]);
    expect(t.pile!.runs).toEqual([]);
    const other = t.pile!.otherInbound;
    expect([other.reduce((s, o) => s + o.tickets, 0), other.reduce((s, o) => s + o.netKg, 0)]).toEqual([truth.tickets.length, truth.kg]);
    for (const o of other) expect(o.tickets, `district ${o.districtId}`).toBe(truth.tickets.filter((x) => x.districtId === o.districtId).length);
    const text = JSON.stringify(t);
    for (const x of whole.pile!.inbound) expect(text.includes(x.id) || text.includes(x.ticketNo), `${x.ticketNo} listed`).toBe(false);
    expect(t.hidden.runs).toBe(whole.pile!.runs.length);
    expect(t.anomalies.every((a) => a.districtId === load.plantDistrict)).toBe(true);
    expect(t.hidden.anomalies).toBe(whole.anomalies.length - t.anomalies.length);
    expect(t.upstream!.departure.id).toBe(whole.upstream!.departure.id); // the load's own leg reaches the district
  });
});
