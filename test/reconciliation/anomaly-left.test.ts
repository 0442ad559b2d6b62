// A finding that moves to another carrier (here: its truck is registered to another carrier
// through the registry API) is announced where it went, and those who could see it only where
// it was are told it left (`anomaly.left`, no details), so their screens drop it.
import { afterAll, beforeAll, expect, test } from 'vitest';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { generateScenario, writeScenario, type Scenario } from '../../server/src/reconciliation/scenario/index.js';
import { startTestServer } from '../support/server.js';
import { api, userToken } from '../support/users.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let s: Scenario;
let owner: pg.Client;
const sockets: Socket[] = [];
const FROM = '2026-03-01';
const TO = '2026-03-08';

function listen(token: string): { event: string; payload: { id?: string; carrierId?: string } }[] {
  const socket = io(server.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, auth: { token } });
  const got: { event: string; payload: { id?: string } }[] = [];
  socket.onAny((event, payload) => got.push({ event, payload }));
  sockets.push(socket);
  return got;
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  server = await startTestServer();
  s = generateScenario({ seed: 5, from: FROM, days: 8, districts: 3, populationScale: 0.05, faults: { DUMPING: 2 } });
  owner = new pg.Client({ connectionString: server.databaseUrl });
  await owner.connect();
  await writeScenario(owner, s);
  await server.ctx.reconciliation.engine.recomputeRange(FROM, TO, Date.parse('2026-03-12T00:00:00Z'));
}, 300_000);
afterAll(async () => {
  for (const x of sockets) x.disconnect();
  await owner?.end();
  await server?.close();
});

test('moved to another carrier: the new carrier and the city hear the update, the old carrier hears only that it left', async () => {
  const key = s.faults.find((f) => f.kind === 'DUMPING')!.expectedKeys[0]!;
  const { rows } = await owner.query<{ id: string; carrier_id: string; vehicle_id: string }>('SELECT id, carrier_id, vehicle_id FROM anomaly WHERE natural_key = $1', [key]);
  const a = rows[0]!;
  const to = s.city.carriers.find((c) => c.id !== a.carrier_id)!;
  const oldCarrier = listen(await userToken(server, { username: 'left.disp.old', role: 'DISPATCHER', carrierId: a.carrier_id }));
  const newCarrier = listen(await userToken(server, { username: 'left.disp.new', role: 'DISPATCHER', carrierId: to.id }));
  const adminToken = await userToken(server, { username: 'left.admin', role: 'ADMIN' });
  const city = listen(adminToken);
  await until('the sockets to connect', () => sockets.every((x) => x.connected));

  const res = await api(server.url, adminToken).patch(`/api/v1/vehicles/${a.vehicle_id}`, { carrierId: to.id });
  expect(res.status).toBe(200);

  const about = (got: typeof city, event: string) => got.find((m) => m.event === event && m.payload.id === a.id);
  const update = await until('the update where the finding went', () => about(newCarrier, 'anomaly.updated'));
  expect(update.payload.carrierId).toBe(to.id);
  await until('the city-wide update', () => about(city, 'anomaly.updated'));
  const left = await until('the old carrier to hear it left', () => about(oldCarrier, 'anomaly.left'));
  expect(Object.keys(left.payload).sort()).toEqual(['at', 'id']); // nothing of where it went
  expect(about(oldCarrier, 'anomaly.updated')).toBeUndefined();
  expect(about(city, 'anomaly.left')).toBeUndefined();
  expect(about(newCarrier, 'anomaly.left')).toBeUndefined();
}, 120_000);
