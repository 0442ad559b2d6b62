// The incremental path must store exactly what a full recomputation stores.
// One generated month goes into two databases (the generator's ids are
// deterministic, so rows are comparable one for one):
//   FULL        — every ticket first, then every day recomputed from scratch, in order;
//   INCREMENTAL — tickets arrive as stations upload them: most minutes after weighing, a
//                 fifth hours to days late (an offline station catching up), in batches of
//                 1–60, voids and corrections after their ticket; after each batch only
//                 the days the batch touched are recomputed (and what they cascade into).
//                 Station events go up on their own queue, shuffled against the tickets:
//                 half at once (often before the ticket they are about), the rest up to
//                 four days late, and mark days as the live worker does (eventTouches).
// Then every derived row of every day is compared, and the active anomalies with
// their details and evidence.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mulberry32 } from '../../server/src/demo/random.js';
import { FAULT_KINDS } from '../../server/src/reconciliation/scenario/faults.js';
import { writeEvents, writeStationEvents, writeTickets } from '../../server/src/reconciliation/scenario/index.js';
import { eventTouches } from '../../server/src/reconciliation/station-events.js';
import { reconHarness, type ReconHarness } from './harness.js';
import type pg from 'pg';
import type { StationEventRow, TicketRow } from '../../server/src/reconciliation/scenario/records.js';

const SPEC = { seed: 31, from: '2026-02-01', days: 28, districts: 3, populationScale: 0.08, voids: 6, corrections: 6, refusals: 12, faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 1])) };
const TZ = 'Asia/Shanghai';

let full: ReconHarness;
let incremental: ReconHarness;
let batches = 0;
let crossing: [TicketRow, TicketRow][] = [];

const localDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
/** Departure → arrival pairs (a vehicle's OUT then its next weighing, an IN) on different service days. */
function crossingLegs(tickets: readonly TicketRow[]): [TicketRow, TicketRow][] {
  const byVehicle = new Map<string, TicketRow[]>();
  for (const t of tickets) (byVehicle.get(t.vehicleId) ?? byVehicle.set(t.vehicleId, []).get(t.vehicleId)!).push(t);
  const pairs: [TicketRow, TicketRow][] = [];
  for (const list of byVehicle.values()) {
    list.sort((a, b) => a.weighedAt - b.weighedAt);
    list.forEach((t, i) => {
      const next = list[i + 1];
      if (t.direction === 'OUT' && next?.direction === 'IN' && localDay(t.weighedAt) !== localDay(next.weighedAt)) pairs.push([t, next]);
    });
  }
  return pairs.sort(([a], [b]) => a.weighedAt - b.weighedAt);
}
let recomputedDays = 0;
const sentIn = new Map<string, number>(); // ticket or station event id → the batch that uploaded it

beforeAll(async () => {
  full = await reconHarness(SPEC);
  await full.engine.recomputeRange(full.scenario.days[0]!, full.scenario.days.at(-1)!, full.asOf);

  incremental = await reconHarness(SPEC, { write: 'registry' });
  const s = incremental.scenario;
  const rand = mulberry32(100); // the upload shuffle; a shuffle where some station event beats its ticket (checked below)
  const record = new Map(s.records.map((r) => [r.id, r]));
  const uploaded = new Map(s.tickets.map((t) => [t.id, t.weighedAt + (rand() < 0.8 ? rand() * 600_000 : rand() * 4 * 86_400_000)]));
  // Legs that cross midnight go last, each weighing alone: half departure first, half arrival
  // first. Nothing else then touches their days, so only the neighbour rules (dirty.ts) can
  // bring the other day up to date.
  crossing = crossingLegs(s.tickets);
  const held = new Set(crossing.flat().map((t) => t.id));
  const order = [...s.tickets.filter((t) => !held.has(t.id)).sort((a, b) => uploaded.get(a.id)! - uploaded.get(b.id)!), ...crossing.flatMap(([out, arrival], k) => (k % 2 === 0 ? [out, arrival] : [arrival, out]))];
  let alone = crossing.length * 2;
  const inserted = new Set<string>();
  let events = [...s.events];
  // station events: by their own upload time, against the main (not crossing) tickets' upload times
  const laneRand = mulberry32(7);
  const eventUpload = new Map(s.stationEvents.map((e) => [e.id, e.at + (laneRand() < 0.5 ? 0 : laneRand() * 4 * 86_400_000)]));
  let lane: StationEventRow[] = [...s.stationEvents].sort((a, b) => eventUpload.get(a.id)! - eventUpload.get(b.id)!);
  const mainUploads = order.filter((t) => !held.has(t.id)).map((t) => uploaded.get(t.id)!);
  let mainSent = 0;
  while (order.length > 0 || events.length > 0 || lane.length > 0) {
    const size = order.length <= alone ? 1 : Math.min(order.length - alone, 1 + Math.floor(rand() ** 2 * 60));
    if (order.length <= alone) alone--;
    const batch = order.splice(0, size);
    await writeTickets(incremental.owner, batch.map((t) => record.get(t.recordId)!), batch);
    mainSent += batch.filter((t) => !held.has(t.id)).length;
    const sentUpTo = mainSent >= mainUploads.length ? Infinity : (mainUploads[mainSent - 1] ?? -Infinity);
    const laneDue = lane.filter((e) => eventUpload.get(e.id)! <= sentUpTo);
    lane = lane.filter((e) => eventUpload.get(e.id)! > sentUpTo);
    await writeStationEvents(incremental.owner, laneDue.map((e) => record.get(e.recordId)!), laneDue);
    for (const x of [...batch, ...laneDue]) sentIn.set(x.id, batches);
    // a void or correction arrives at least one batch after its ticket
    const due = events.filter((e) => inserted.has(e.ticketId));
    events = events.filter((e) => !inserted.has(e.ticketId));
    await writeEvents(incremental.owner, due.flatMap((e) => (e.recordId ? [record.get(e.recordId)!] : [])), due);
    for (const t of batch) inserted.add(t.id);
    const byId = new Map(s.tickets.map((t) => [t.id, t]));
    const touched = [...batch, ...due.map((e) => byId.get(e.ticketId)!)].map((t) => ({ weighedAt: t.weighedAt, firstWeighedAt: t.firstAt, timezone: TZ }));
    touched.push(...laneDue.flatMap((e) => eventTouches(e.at, TZ)));
    recomputedDays += (await incremental.engine.recomputeTouched(touched, incremental.asOf)).length;
    batches++;
  }
}, 600_000);
afterAll(async () => {
  await full?.close();
  await incremental?.close();
});

const TABLES: Record<string, string> = {
  recon_day: `SELECT service_day::text, closed, ticket_count, state_hash FROM recon_day`,
  recon_site_day: `SELECT service_day::text, site_id, stream_code, direction::text, provenance, district_id, tickets, net_kg FROM recon_site_day`,
  recon_route_run: `SELECT route_id, service_day::text, district_id, stream_code, destination_site_id, scheduled, planned_trips, planned_kg, trips, net_kg, weighed_kg, stored_tare_kg, keyed_kg, estimated_kg, origin_site_id, unplanned_site_trips, status, kg_tolerance, kg_tolerance_source, min_kg, missed_trips FROM recon_route_run`,
  recon_run_ticket: `SELECT ticket_id, route_id, service_day::text, matched_by FROM recon_run_ticket`,
  recon_custody_leg: `SELECT out_ticket_id, service_day::text, vehicle_id, from_site_id, stream_code, out_kg, departed_at, deadline_at, status::text, in_ticket_id, to_site_id, in_kg, arrived_at, explanation::text FROM recon_custody_leg`,
  recon_station_balance: `SELECT site_id, service_day::text, stream_code, opening_min_kg, opening_max_kg, in_kg, out_kg, loss_allowance_kg, closing_min_kg, closing_max_kg, carried_min_kg, carried_max_kg, tolerance_kg, imbalance_kg, provenance::text, mix::text, closing_mix::text FROM recon_station_balance`,
  recon_district_day: `SELECT service_day::text, measure, district_id, site_id, stream_code, provenance, basis, kg FROM recon_district_day`,
  recon_permit_day: `SELECT permit_id, service_day::text, trips, net_kg, weighed_kg, stored_tare_kg, keyed_kg, estimated_kg FROM recon_permit_day`,
  active_anomalies: `SELECT natural_key, kind, service_day::text, site_id, district_id, carrier_id, vehicle_id, route_id, permit_id, stream_code, summary, details::text,
                            ARRAY(SELECT ticket_id::text FROM anomaly_ticket t WHERE t.anomaly_id = a.id ORDER BY 1) AS evidence
                       FROM anomaly a WHERE active`,
};

async function dump(c: pg.Client, sql: string): Promise<string[]> {
  const { rows } = await c.query(sql);
  return rows.map((r) => JSON.stringify(r)).sort();
}

test('the incremental run really was incremental', () => {
  expect(crossing.length).toBeGreaterThanOrEqual(6); // legs across midnight, uploaded on their own at the end
  expect(batches).toBeGreaterThan(10);
  expect(recomputedDays).toBeGreaterThan(SPEC.days * 5); // days were recomputed as their tickets trickled in
});

test('station events arrived shuffled: some before the ticket they are about, some batches after it', () => {
  const s = incremental.scenario;
  const ticketOf = new Map(s.tickets.map((t) => [`${t.deviceId}|${t.seq}`, t]));
  const faultTickets = s.faults.flatMap((f) => f.ticketIds.map((id) => s.tickets.find((t) => t.id === id)!));
  // an event is about a fault's ticket when it names it, or is at its site with its plate within minutes of its first pass
  const about = (e: StationEventRow) => faultTickets.find((t) => (e.ticketSeq !== null && ticketOf.get(`${e.deviceId}|${e.ticketSeq}`)?.id === t.id) || (e.siteId === t.siteId && e.plate === t.plateSeen && Math.abs(e.at - t.firstAt) < 15 * 60_000));
  const pairs = s.stationEvents.flatMap((e): [number, number][] => (about(e) ? [[sentIn.get(e.id)!, sentIn.get(about(e)!.id)!]] : []));
  expect(pairs.length).toBeGreaterThanOrEqual(3);
  expect(pairs.some(([event, ticket]) => event < ticket)).toBe(true);
  expect(pairs.some(([event, ticket]) => event > ticket)).toBe(true);
  expect(s.stationEvents.map((e) => e.type)).toEqual(expect.arrayContaining(['WEIGHT_JUMP', 'NO_ZERO_RETURN', 'CARD_AT_TWO_LANES', 'REPEAT_WEIGHING', 'REFUSED_AT_LANE', 'FRAME_RATE_FAULT']));
});

// A column added to a derived table and left out above would never be compared: every recon_* table
// and each of its columns must be named (bookkeeping columns excepted).
test('the comparison names every derived table and every column of it', async () => {
  const BOOKKEEPING = new Set(['recon_day.as_of', 'recon_day.computed_at', 'recon_district_day.id']); // when a day was computed, and against which clock; a surrogate key
  const { rows } = await full.owner.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name LIKE 'recon\\_%' ORDER BY 1, 2`,
  );
  const missing = rows.filter((r) => !BOOKKEEPING.has(`${r.table_name}.${r.column_name}`) && !(TABLES[r.table_name] ?? '').match(new RegExp(`\\b${r.column_name}\\b`))).map((r) => `${r.table_name}.${r.column_name}`);
  expect(missing).toEqual([]);
});

test.each(Object.keys(TABLES))('%s: incremental = full, row for row', async (table) => {
  const [a, b] = await Promise.all([dump(full.owner, TABLES[table]!), dump(incremental.owner, TABLES[table]!)]);
  expect(a.length).toBeGreaterThan(0);
  const onlyFull = a.filter((x) => !b.includes(x));
  const onlyIncremental = b.filter((x) => !a.includes(x));
  expect({ onlyFull: onlyFull.slice(0, 5), onlyIncremental: onlyIncremental.slice(0, 5), counts: [a.length, b.length] }).toEqual({ onlyFull: [], onlyIncremental: [], counts: [a.length, a.length] });
});

test('the faults are among the anomalies both paths keep active', async () => {
  const { rows } = await incremental.owner.query<{ natural_key: string }>('SELECT natural_key FROM anomaly WHERE active');
  const keys = rows.map((r) => r.natural_key).sort();
  expect(keys).toEqual(incremental.scenario.faults.flatMap((f) => f.expectedKeys).sort());
});

test('what the incremental path saw on the way (out-of-order arrivals, voids, corrections) it raised and then cleared, in the ledger', async () => {
  const { rows } = await incremental.owner.query<{ kind: string; n: number }>(`SELECT kind::text, count(*)::int AS n FROM anomaly_event GROUP BY kind ORDER BY kind`);
  const n = Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  expect(n.CLEARED).toBeGreaterThan(0);
  const cleared = await incremental.owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM anomaly WHERE NOT active`);
  expect(cleared.rows[0]!.n).toBe((n.CLEARED ?? 0) - (n.REDETECTED ?? 0));
});
