// A weighing's finding keeps its identity when the weighing moves to another service day
// (here: its site's timezone changes, so the ticket falls on another local date). The
// anomaly row is the same one, with the people's status and assignee; its day and scope
// follow the finding, an event says where it moved from, and recomputing the old day
// neither clears it nor trips the natural key's unique constraint.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import type { AnomalyView } from '@haulproof/contracts';
import { generateScenario, writeScenario, type Scenario } from '../../server/src/reconciliation/scenario/index.js';
import { startTestServer } from '../support/server.js';
import { api, userToken } from '../support/users.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let s: Scenario;
let owner: pg.Client;
let admin: ReturnType<typeof api>;
let inspector: ReturnType<typeof api>;
let inspectorId: string;
const FROM = '2026-03-01';
const TO = '2026-03-08';
const AS_OF = Date.parse('2026-03-12T00:00:00Z');

interface EventView {
  kind: string;
  actor: string | null;
  details: { moved?: Record<string, { from: string | null; to: string | null }> } | null;
}

beforeAll(async () => {
  server = await startTestServer();
  s = generateScenario({ seed: 5, from: FROM, days: 8, districts: 3, populationScale: 0.05, faults: { DUMPING: 2 } });
  owner = new pg.Client({ connectionString: server.databaseUrl });
  await owner.connect();
  await writeScenario(owner, s);
  await server.ctx.reconciliation.engine.recomputeRange(FROM, TO, AS_OF);
  admin = api(server.url, await userToken(server, { username: 'mv.admin', role: 'ADMIN' }));
  inspector = api(server.url, await userToken(server, { username: 'mv.insp', role: 'INSPECTOR' }));
  inspectorId = (await owner.query(`SELECT id FROM app_user WHERE username = 'mv.insp'`)).rows[0].id;
}, 300_000);
afterAll(async () => {
  await owner?.end();
  await server?.close();
});

/** The dumping fault's anomaly, acknowledged and assigned to the inspector through the API. */
async function handled(variant: RegExp): Promise<{ a: AnomalyView; ticketId: string }> {
  const fault = s.faults.find((f) => f.kind === 'DUMPING' && variant.test(f.description))!;
  const key = fault.expectedKeys[0]!;
  const { rows } = await owner.query<{ id: string }>('SELECT id FROM anomaly WHERE natural_key = $1', [key]);
  const id = rows[0]!.id;
  expect((await inspector.post(`/api/v1/anomalies/${id}/acknowledge`, { note: 'checking the video' })).status).toBe(200);
  const assigned = await admin.post(`/api/v1/anomalies/${id}/assign`, { assigneeUserId: inspectorId });
  expect(assigned.status).toBe(200);
  return { a: assigned.body as AnomalyView, ticketId: fault.ticketIds[0]! };
}

/** A zone in which the ticket's local date is another day than in Asia/Shanghai: west of it for morning weighings, east for evening ones. */
async function zoneMovingTicket(ticketId: string): Promise<{ zone: string; oldDay: string; newDay: string }> {
  const day = (zone: string) => owner.query<{ d: string; h: number }>(`SELECT to_char(weighed_at AT TIME ZONE $2, 'YYYY-MM-DD') AS d, extract(hour FROM weighed_at AT TIME ZONE $2)::int AS h FROM ticket WHERE id = $1`, [ticketId, zone]);
  const before = (await day('Asia/Shanghai')).rows[0]!;
  const zone = before.h < 18 ? 'Pacific/Pago_Pago' : 'Pacific/Kiritimati'; // UTC−11, UTC+14: 19 h back or 6 h on
  const after = (await day(zone)).rows[0]!;
  expect(after.d).not.toBe(before.d);
  return { zone, oldDay: before.d, newDay: after.d };
}

async function stored(key: string) {
  const { rows } = await owner.query(
    `SELECT id, to_char(service_day, 'YYYY-MM-DD') AS day, status::text, assignee_user_id AS assignee, active, site_id, district_id, carrier_id, vehicle_id, permit_id, stream_code
       FROM anomaly WHERE natural_key = $1`,
    [key],
  );
  return rows;
}

const events = async (id: string) => ((await inspector.get(`/api/v1/anomalies/${id}`)).body.events as EventView[]);

describe('a ticket-keyed anomaly whose ticket moves to another service day', () => {
  test('new day computed first: the row moves (same id, status, assignee) with its new scope; the old day then leaves it alone', async () => {
    const { a, ticketId } = await handled(/^\S+ left TS-/);
    const { zone, oldDay, newDay } = await zoneMovingTicket(ticketId);
    // the station changes zone and district, and the trailer changes hands: the finding's scope moves with them
    const [otherDistrict] = s.city.districts.filter((d) => d.id !== a.districtId);
    const [otherCarrier] = s.city.carriers.filter((c) => c.id !== a.carrierId);
    await owner.query('UPDATE site SET timezone = $2, district_id = $3 WHERE id = $1', [a.siteId, zone, otherDistrict!.id]);
    await owner.query('UPDATE vehicle SET carrier_id = $2 WHERE id = $1', [a.vehicleId, otherCarrier!.id]);

    await server.ctx.reconciliation.engine.recompute([newDay], AS_OF);
    await server.ctx.reconciliation.engine.recompute([oldDay], AS_OF);

    const rows = await stored(a.naturalKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: a.id, day: newDay, status: 'ACKNOWLEDGED', assignee: inspectorId, active: true, site_id: a.siteId, district_id: otherDistrict!.id, carrier_id: otherCarrier!.id, vehicle_id: a.vehicleId });
    const log = await events(a.id);
    expect(log.map((e) => [e.kind, e.actor])).toEqual([['RAISED', null], ['ACKNOWLEDGED', 'mv.insp'], ['ASSIGNED', 'mv.admin'], ['UPDATED', null]]);
    expect(log[3]!.details!.moved).toEqual({
      serviceDay: { from: oldDay, to: newDay },
      districtId: { from: a.districtId, to: otherDistrict!.id },
      carrierId: { from: a.carrierId, to: otherCarrier!.id },
    });
    // people find it under its new day and scope, not the old
    const onNew = (await inspector.get(`/api/v1/anomalies?from=${newDay}&to=${newDay}&kind=LEG_NO_ARRIVAL&limit=500`)).body.items as AnomalyView[];
    const onOld = (await inspector.get(`/api/v1/anomalies?from=${oldDay}&to=${oldDay}&kind=LEG_NO_ARRIVAL&limit=500`)).body.items as AnomalyView[];
    expect(onNew.filter((x) => x.id === a.id)).toMatchObject([{ districtId: otherDistrict!.id, carrierId: otherCarrier!.id }]);
    expect(onOld.some((x) => x.id === a.id)).toBe(false);
  });

  test('old day computed first: it is cleared there, then redetected on the new day as the same row, keeping its status and assignee', async () => {
    const { a, ticketId } = await handled(/偷倒乱倒/);
    const { zone, oldDay, newDay } = await zoneMovingTicket(ticketId);
    await owner.query('UPDATE site SET timezone = $2 WHERE id = $1', [a.siteId, zone]);

    await server.ctx.reconciliation.engine.recompute([oldDay], AS_OF);
    const between = await stored(a.naturalKey);
    expect(between).toMatchObject([{ id: a.id, active: false, day: oldDay, status: 'ACKNOWLEDGED', assignee: inspectorId }]);
    await server.ctx.reconciliation.engine.recompute([newDay], AS_OF);

    const rows = await stored(a.naturalKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: a.id, day: newDay, status: 'ACKNOWLEDGED', assignee: inspectorId, active: true, site_id: a.siteId, district_id: a.districtId, carrier_id: a.carrierId, permit_id: a.permitId });
    const log = await events(a.id);
    expect(log.map((e) => e.kind)).toEqual(['RAISED', 'ACKNOWLEDGED', 'ASSIGNED', 'CLEARED', 'REDETECTED']);
    expect(log[4]!.details!.moved).toEqual({ serviceDay: { from: oldDay, to: newDay } });
  });

  test('a full recomputation afterwards changes neither: one row each, on its new day, no further events', async () => {
    const keys = s.faults.filter((f) => f.kind === 'DUMPING').flatMap((f) => f.expectedKeys);
    const log = (key: string) => owner.query(`SELECT e.kind::text FROM anomaly_event e JOIN anomaly a ON a.id = e.anomaly_id WHERE a.natural_key = $1 ORDER BY e.at, e.id`, [key]);
    const before = await Promise.all(keys.map(async (k) => [await stored(k), (await log(k)).rows]));
    await server.ctx.reconciliation.engine.recomputeRange(FROM, TO, AS_OF);
    expect(await Promise.all(keys.map(async (k) => [await stored(k), (await log(k)).rows]))).toEqual(before);
    expect((await owner.query(`SELECT natural_key FROM anomaly GROUP BY 1 HAVING count(*) > 1`)).rows).toEqual([]);
  });
});
