import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer } from './support/server.js';
import { createStation, TestDevice } from './support/station.js';
import { api, userToken } from './support/users.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let a: TestDevice; // station A, district A
let b: TestDevice; // station B, another district
let admin: ReturnType<typeof api>;
let operatorA: ReturnType<typeof api>;
let inspectorB: ReturnType<typeof api>;
let dispatcherA: ReturnType<typeof api>;
const idsA: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  a = new TestDevice(server.url, await createStation(server.databaseUrl, { suffix: 'A1' }));
  b = new TestDevice(server.url, await createStation(server.databaseUrl, { suffix: 'B2' }));
  const base = Date.parse('2026-11-01T00:00:00Z');
  const at = (h: number) => new Date(base + h * 3_600_000).toISOString();
  // 30 tickets at A, hourly; every 3rd KITCHEN, every 5th keyed tare, every 7th stored tare
  const recs = Array.from({ length: 30 }, (_, i) => {
    const keyed = i % 5 === 0, stored = !keyed && i % 7 === 0;
    return a.nextTicket({
      stream: i % 3 === 0 ? 'KITCHEN' : 'OTHER',
      tareSource: keyed ? 'KEYED' : stored ? 'STORED' : 'WEIGHED',
      flags: keyed ? ['KEYED'] : stored ? ['STORED_TARE'] : [],
      firstAt: at(i),
      secondAt: stored ? null : at(i + 0.25),
    });
  });
  const res = await a.post(recs);
  expect(res.status).toBe(200);
  idsA.push(...res.body.results.map((r: { ticketId: string }) => r.ticketId));
  expect((await b.post([b.nextTicket({ firstAt: at(1), secondAt: at(1.2) }), b.nextTicket({ firstAt: at(2), secondAt: at(2.2) })])).status).toBe(200);
  admin = api(server.url, await userToken(server, { username: 'admin1', role: 'ADMIN' }));
  operatorA = api(server.url, await userToken(server, { username: 'op-a', role: 'OPERATOR', siteId: a.station.siteId }));
  inspectorB = api(server.url, await userToken(server, { username: 'insp-b', role: 'INSPECTOR', districtId: b.station.districtId }));
  dispatcherA = api(server.url, await userToken(server, { username: 'disp-a', role: 'DISPATCHER', carrierId: a.station.carrierId }));
});
afterAll(async () => {
  await server.close();
});

async function all(client: ReturnType<typeof api>, query: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const res = await client.get(`/api/v1/tickets?${query}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('ticket queries', () => {
  test('cursor pagination walks every ticket once, newest first', async () => {
    const items = await all(admin, 'includeVoided=true');
    expect(items).toHaveLength(32);
    expect(new Set(items.map((t) => t.id)).size).toBe(32);
    const times = items.map((t) => Date.parse(t.weighedAt));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
  });

  test('filters: site, district, stream, vehicle, plate, direction, provenance, time range', async () => {
    expect(await all(admin, `siteId=${a.station.siteId}`)).toHaveLength(30);
    expect(await all(admin, `districtId=${b.station.districtId}`)).toHaveLength(2);
    expect(await all(admin, `siteId=${a.station.siteId}&stream=KITCHEN`)).toHaveLength(10);
    expect(await all(admin, `vehicleId=${b.station.vehicleId}`)).toHaveLength(2);
    expect(await all(admin, `plate=${encodeURIComponent(a.station.plate.replace('E', 'E·'))}`)).toHaveLength(30);
    expect(await all(admin, 'direction=OUT')).toHaveLength(0);
    const keyed = await all(admin, `siteId=${a.station.siteId}&provenance=KEYED`);
    expect(keyed).toHaveLength(6);
    expect(keyed.every((t) => t.flags.includes('KEYED') && t.provenance === 'KEYED')).toBe(true);
    expect(await all(admin, `siteId=${a.station.siteId}&provenance=STORED_TARE`)).toHaveLength(4); // i = 7, 14, 21, 28
    const window = await all(admin, `siteId=${a.station.siteId}&from=2026-11-01T10:00:00Z&to=2026-11-01T20:00:00Z`);
    expect(window).toHaveLength(10);
  });

  test('each person sees only their scope', async () => {
    const op = await all(operatorA, 'includeVoided=true');
    expect(op.length).toBe(30);
    expect(op.every((t) => t.siteId === a.station.siteId)).toBe(true);
    const insp = await all(inspectorB, 'includeVoided=true');
    expect(insp.map((t) => t.siteId)).toEqual([b.station.siteId, b.station.siteId]);
    expect((await all(dispatcherA, 'includeVoided=true')).every((t) => t.carrierId === a.station.carrierId)).toBe(true);
    // asking for another site's tickets yields nothing, not someone else's data
    expect(await all(operatorA, `siteId=${b.station.siteId}`)).toHaveLength(0);
    expect((await operatorA.get(`/api/v1/tickets/${(await all(admin, `siteId=${b.station.siteId}`))[0].id}`)).status).toBe(403);
  });

  test('bad queries are 400 with reasons', async () => {
    for (const q of ['stream=SAND', 'limit=0', 'limit=100000', 'from=yesterday', 'siteId=1', 'cursor=abc', 'from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'provenance=GUESSED', 'bogus=1']) {
      const res = await admin.get(`/api/v1/tickets?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.message, q).toEqual(expect.any(String));
    }
  });
});

describe('voids and corrections are ledger events', () => {
  test('an operator voids a ticket at their site; the row stays, the view says void', async () => {
    const id = idsA[0]!;
    const res = await operatorA.post(`/api/v1/tickets/${id}/void`, { reason: 'driver weighed twice by mistake' });
    expect(res.status).toBe(201);
    expect(res.body.voided).toBe(true);
    expect(res.body.events).toEqual([expect.objectContaining({ kind: 'VOID', actor: 'op-a', reason: 'driver weighed twice by mistake' })]);
    expect((await all(admin, `siteId=${a.station.siteId}`)).map((t) => t.id)).not.toContain(id);
    expect((await all(admin, `siteId=${a.station.siteId}&includeVoided=true`)).map((t) => t.id)).toContain(id);
    expect((await operatorA.post(`/api/v1/tickets/${id}/void`, { reason: 'again' })).status).toBe(409);
  });

  test('two simultaneous voids record exactly one', async () => {
    const id = idsA[1]!;
    const results = await Promise.all(Array.from({ length: 8 }, () => admin.post(`/api/v1/tickets/${id}/void`, { reason: 'duplicate weighing' })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(7);
  });

  test('a correction changes the effective stream and keeps the original', async () => {
    const id = idsA[3]!; // KITCHEN
    const res = await operatorA.post(`/api/v1/tickets/${id}/corrections`, { reason: 'load was residual, not kitchen', changes: { stream: 'OTHER' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ stream: 'OTHER', corrected: true });
    expect((await all(admin, `siteId=${a.station.siteId}&stream=KITCHEN`)).map((t) => t.id)).not.toContain(id);
    const again = await admin.post(`/api/v1/tickets/${id}/corrections`, { reason: 'it was kitchen after all', changes: { stream: 'KITCHEN' } });
    expect(again.body.stream).toBe('KITCHEN');
    expect(again.body.events.map((e: { kind: string }) => e.kind)).toEqual(['CORRECTION', 'CORRECTION']);
  });

  test('who may void or correct', async () => {
    const idB = (await all(admin, `siteId=${b.station.siteId}`))[0].id;
    expect((await operatorA.post(`/api/v1/tickets/${idB}/void`, { reason: 'not my site' })).status).toBe(403);
    expect((await inspectorB.post(`/api/v1/tickets/${idB}/void`, { reason: 'auditors do not edit' })).status).toBe(403);
    expect((await dispatcherA.post(`/api/v1/tickets/${idsA[5]}/void`, { reason: 'dispatchers do not edit' })).status).toBe(403);
  });

  test('corrections are validated', async () => {
    const id = idsA[6]!;
    expect((await admin.post(`/api/v1/tickets/${id}/corrections`, { reason: 'x', changes: { stream: 'OTHER' } })).status).toBe(400);
    expect((await admin.post(`/api/v1/tickets/${id}/corrections`, { reason: 'nothing', changes: {} })).status).toBe(400);
    const missing = await admin.post(`/api/v1/tickets/${id}/corrections`, { reason: 'wrong vehicle', changes: { vehicleId: '00000000-0000-4000-8000-000000000000' } });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ path: 'changes.vehicleId', message: 'no such record' }]);
    expect((await admin.post(`/api/v1/tickets/00000000-0000-4000-8000-000000000000/void`, { reason: 'no such ticket' })).status).toBe(404);
  });
});
