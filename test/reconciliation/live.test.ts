// Reconciliation while the server runs: tickets ingested through the real signed-record
// API reach the engine through the live bus, and findings reach the console's sockets.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { AnomalyView, ClientToServerEvents, ReconciliationUpdate, ServerToClientEvents } from '@haulproof/contracts';
import pg from 'pg';
import { LivePublisher } from '../../server/src/live/publisher.js';
import { createLogger } from '../../server/src/lib/logger.js';
import { createReconciliation } from '../../server/src/reconciliation/index.js';
import { startTestServer } from '../support/server.js';
import { createStation, TestDevice, type StationFixture } from '../support/station.js';
import { userToken } from '../support/users.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
let server: Awaited<ReturnType<typeof startTestServer>>;
let station: StationFixture;
let other: StationFixture;
let device: TestDevice;
const sockets: Client[] = [];

const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().replace('Z', '+00:00');
const MIN = 60_000;

function listen(token: string): { got: { event: string; payload: any }[] } {
  const socket: Client = io(server.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, auth: { token } });
  const got: { event: string; payload: any }[] = [];
  socket.onAny((event, payload) => got.push({ event, payload }));
  sockets.push(socket);
  return { got };
}
async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  server = await startTestServer();
  station = await createStation(server.databaseUrl);
  other = await createStation(server.databaseUrl);
  device = new TestDevice(server.url, station);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await server.close();
});

test('a load that left hours ago and arrived nowhere reaches the console as possible dumping within seconds', async () => {
  const admin = listen(await userToken(server, { username: 'recon.admin', role: 'ADMIN' }));
  const elsewhere = listen(await userToken(server, { username: 'recon.op.other', role: 'OPERATOR', siteId: other.siteId }));
  await until('snapshot', () => admin.got.find((r) => r.event === 'snapshot'));
  await until('snapshot elsewhere', () => elsewhere.got.find((r) => r.event === 'snapshot'));
  const started = Date.now();
  const res = await device.post([device.nextTicket({ direction: 'OUT', firstAt: iso(300 * MIN), secondAt: iso(290 * MIN) })]);
  expect(res.status).toBe(200);
  const ticketId: string = res.body.results[0].ticketId;

  const raised = await until('anomaly.raised', () => admin.got.find((r) => r.event === 'anomaly.raised')?.payload as AnomalyView | undefined);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(raised).toMatchObject({ kind: 'LEG_NO_ARRIVAL', naturalKey: `LEG_NO_ARRIVAL:${ticketId}`, siteId: station.siteId, status: 'OPEN', active: true, evidenceTicketIds: [ticketId] });
  const update = await until('reconciliation.updated', () => admin.got.find((r) => r.event === 'reconciliation.updated')?.payload as ReconciliationUpdate | undefined);
  expect(update.raised).toBeGreaterThanOrEqual(1);

  // an operator of another site hears nothing of it
  await new Promise((r) => setTimeout(r, 500));
  expect(elsewhere.got.filter((r) => r.event !== 'snapshot')).toEqual([]);

  const c = new pg.Client({ connectionString: server.databaseUrl });
  await c.connect();
  const { rows } = await c.query(`SELECT e.kind FROM anomaly_event e JOIN anomaly a ON a.id = e.anomaly_id WHERE a.natural_key = $1`, [`LEG_NO_ARRIVAL:${ticketId}`]);
  await c.end();
  expect(rows.map((r) => r.kind)).toEqual(['RAISED']);
});

test('a load still inside its window is in transit; when the window runs out with nothing new, the tick raises it', async () => {
  let now = Date.now();
  const live = new LivePublisher();
  const heard: { event: string; payload: unknown }[] = [];
  live.subscribe((m) => heard.push(m));
  const recon = createReconciliation({ db: server.ctx.db, live, log: createLogger('silent'), users: server.ctx.users, tickets: server.ctx.tickets }, { worker: { debounceMs: 10, tickMs: 50, now: () => now } });
  recon.worker.start();
  try {
    const res = await device.post([device.nextTicket({ direction: 'OUT', firstAt: iso(40 * MIN), secondAt: iso(30 * MIN) })]);
    const ticketId: string = res.body.results[0].ticketId;
    const view = (await server.ctx.tickets.get({ userId: 'x', username: 'x', role: 'ADMIN', siteId: null, carrierId: null, districtId: null }, ticketId));
    live.publish('ticket.accepted', view, view); // as ingestion announces it
    await recon.worker.flush();
    const leg = async () => (await server.ctx.db.pool.query(`SELECT status::text FROM recon_custody_leg WHERE out_ticket_id = $1`, [ticketId])).rows[0]?.status;
    expect(await leg()).toBe('IN_TRANSIT');
    expect(heard.some((m) => m.event === 'anomaly.raised' && (m.payload as AnomalyView).naturalKey === `LEG_NO_ARRIVAL:${ticketId}`)).toBe(false);

    now += 4 * 60 * MIN; // the custody window (240 min) runs out; no ticket arrives
    await until('the tick to raise it', () => heard.find((m) => m.event === 'anomaly.raised' && (m.payload as AnomalyView).naturalKey === `LEG_NO_ARRIVAL:${ticketId}`));
    expect(await leg()).toBe('NO_ARRIVAL');
  } finally {
    await recon.worker.stop();
  }
});
