// The server is down while 1,000 tickets are weighed; it comes back and every ticket
// arrives exactly once, in order. The agent is the real StationAgent in-process (journal,
// lanes, forwarder, uplink); its devices are replaced by this test, which puts samples and
// card reads on the agent's bus at a virtual clock so a thousand weighings take seconds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadConfig } from '../server/src/config.js';
import { createLogger } from '../server/src/lib/logger.js';
import { startServer, type RunningServer } from '../server/src/server.js';
import { StationAgent } from '../station-agent/src/agent.js';
import { AgentConfig } from '../station-agent/src/config.js';
import { storeDeviceKey } from '../station-agent/src/keys.js';
import { waitFor } from './support/agent-process.js';
import { BusWeighing, noDevice, quietLog } from './support/bus-weighing.js';
import { createTestDatabase } from './support/db.js';
import { createStation, type StationFixture } from './support/station.js';

const TICKETS = 1000;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pgc: pg.Client;
let server: RunningServer | null = null;
let agent: StationAgent | null = null;
let station: StationFixture;

function serve(port: number): Promise<RunningServer> {
  return startServer(loadConfig({ PORT: String(port), HOST: '127.0.0.1', JWT_SECRET: 'test-secret-test-secret-test-secret!', LOG_LEVEL: 'silent', HAULPROOF_DATA_DIR: '/tmp/haulproof-test-data' }), db.url, createLogger('silent'));
}

beforeAll(async () => {
  db = await createTestDatabase();
  pgc = new pg.Client({ connectionString: db.url });
  await pgc.connect();
  server = await serve(0);
  station = await createStation(db.url);
});
afterAll(async () => {
  await agent?.stop();
  await server?.close();
  await pgc.end();
  await db.drop();
});

test(`server down while ${TICKETS} tickets are weighed: all arrive once, in order`, async () => {
  const port = Number(new URL(server!.url).port);
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'hp-outage-')), 'data');
  storeDeviceKey(dataDir, station.privateKeyPem);
  // Weighing time runs on a virtual clock from three hours ago: samples carry its times.
  const clock = { now: Date.now() - 3 * 3_600_000 };
  const config = AgentConfig.parse({
    device: station.deviceCode,
    server: server!.url,
    dataDir,
    lanes: { L1: { port: 'injected', weighing: 'STORED_TARE', defaultStream: 'OTHER', readers: ['r1'], frameRateHz: 10 } },
    readers: [{ id: 'r1', kind: 'pcsc' }],
    policy: { openTicketTimeoutHours: 12, repeatWithinMinutes: 0, tareDeviationPercent: 3 },
    print: { enabled: false, font: null },
  });
  agent = new StationAgent(config, quietLog, { indicator: noDevice, pcsc: noDevice }, () => clock.now);
  await agent.start(); // fetches the registry while the server is up
  let completed = 0;
  agent.bus.on((e) => {
    if (e.type === 'ticket.completed') completed++;
  });

  await server!.close(); // the outage begins
  server = null;

  const lane = new BusWeighing(agent, clock);
  for (let i = 0; i < TICKETS; i++) lane.visit(station.cardUid, 18_000 + (i % 100) * 20);
  expect(completed).toBe(TICKETS);
  expect(agent.status().queueDepth).toBeGreaterThanOrEqual(TICKETS);
  expect((await pgc.query('SELECT count(*)::int n FROM ticket WHERE device_id = $1', [station.deviceId])).rows[0].n).toBe(0);

  // The server comes back on the same address. Nobody pokes the agent: its live uplink
  // reconnects, which cuts the forwarder's backoff short.
  const back = Date.now();
  server = await serve(port);
  await waitFor('the queue to drain', () => agent!.status().queueDepth === 0, 90_000, 100);
  const catchUpMs = Date.now() - back;

  const { rows } = await pgc.query<{ seq: number; gross_kg: number; received_at: Date }>(
    'SELECT t.seq, t.gross_kg, r.received_at FROM ticket t JOIN device_record r ON r.id = t.record_id WHERE t.device_id = $1 ORDER BY t.seq',
    [station.deviceId],
  );
  expect(rows).toHaveLength(TICKETS);
  const records = (await pgc.query('SELECT seq FROM device_record WHERE device_id = $1 ORDER BY seq', [station.deviceId])).rows.map((r) => r.seq);
  expect(records).toEqual(records.map((_, i) => i + 1)); // contiguous, each once
  expect(rows.map((r) => r.gross_kg)).toEqual(rows.map((_, i) => 18_000 + (i % 100) * 20)); // in weighing order
  const arrival = rows.map((r) => r.received_at.getTime());
  expect(arrival).toEqual([...arrival].sort((x, y) => x - y)); // arrived in seq order
  console.log(`outage catch-up: ${TICKETS} tickets in ${catchUpMs} ms after the server came back`);
}, 180_000);
