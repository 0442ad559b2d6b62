// A full two-pass weighing through every real part: the agent CLI (enrol, run) as its own
// process, an indicator simulator on a real pseudo-terminal (socat), a virtual card through
// the real pcscd + vpcd stack read by nfc-pcsc, and the server's ledger on PostgreSQL.
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { IndicatorSimulator } from '../hardware/src/simulators/indicator-sim.js';
import { VirtualCard } from '../hardware/src/pcsc/virtual-card.js';
import { agentCli, runAgent, waitFor, writeAgentConfig, type AgentProcess } from './support/agent-process.js';
import { startPcscd, VPCD_READER, type Pcscd } from './support/pcsc.js';
import { startPtyPair, type PtyPair } from './support/pty.js';
import { startTestServer } from './support/server.js';
import { createStation, type StationFixture } from './support/station.js';
import { api, userToken } from './support/users.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let station: StationFixture;
let pty: PtyPair;
let pcscd: Pcscd;
let sim: IndicatorSimulator;
let agent: AgentProcess | null = null;
const card = new VirtualCard();

beforeAll(async () => {
  server = await startTestServer();
  station = await createStation(server.databaseUrl);
  // The device starts unenrolled: the agent makes its own key and enrols with a one-time token.
  const db = new pg.Client({ connectionString: server.databaseUrl });
  await db.connect();
  await db.query(`UPDATE station_device SET public_key = NULL, status = 'PENDING' WHERE id = $1`, [station.deviceId]);
  await db.end();
  [pty, pcscd] = await Promise.all([startPtyPair(), startPcscd()]);
  sim = new IndicatorSimulator({ protocol: 'XK3190_TF0', port: { path: pty.a, baudRate: 9600 }, rateHz: 10 });
  await sim.start();
}, 60_000);

afterAll(async () => {
  await agent?.kill('SIGKILL');
  await card.remove().catch(() => undefined);
  await sim?.stop();
  await pcscd?.stop();
  await pty?.close();
  await server?.close();
});

test('enrol, then a two-pass weighing from both devices reaches the ledger exactly once', async () => {
  const admin = api(server.url, await userToken(server, { username: 'admin-e2e', role: 'ADMIN' }));
  const enrolment = await admin.post(`/api/v1/devices/${station.deviceId}/enrolment`);
  expect(enrolment.status).toBe(201);

  const { file, dataDir } = writeAgentConfig({
    device: station.deviceCode,
    server: server.url,
    lanes: { L1: { port: pty.b, weighing: 'TWO_PASS', defaultStream: 'OTHER', readers: ['ic'], frameRateHz: 10 } },
    readers: [{ id: 'ic', kind: 'pcsc', match: VPCD_READER }],
  });
  const enrolled = await agentCli(['enrol', '--config', file, '--token', enrolment.body.token]);
  expect(enrolled.stderr).toBe('');
  expect(enrolled.code).toBe(0);
  expect(enrolled.stdout).toMatch(new RegExp(`enrolled ${station.deviceCode}`));

  agent = runAgent(file, dataDir);
  const a = agent;
  await waitFor('the agent to come up', () => a.output().includes('station agent running'), 30_000);

  // First pass: the trailer arrives empty (a haul: lighter first → OUT).
  sim.arrive(12_000);
  await card.insert(station.cardUid);
  await waitFor('the first pass to be saved as an open ticket', () => a.status().openTickets === 1, 40_000);
  await card.remove();
  sim.depart();
  // The lane insists on a return to zero between passes: wait until the deck shows it.
  await waitFor('the deck to return to zero', () => sim.currentKg === 0, 30_000, 50);
  await new Promise((r) => setTimeout(r, 800));

  // Second pass: full.
  sim.arrive(26_000);
  await card.insert(station.cardUid);
  const tickets = await waitFor(
    'the ticket in the server ledger',
    async () => {
      const res = await admin.get(`/api/v1/tickets?siteId=${station.siteId}`);
      return res.body.items.length > 0 ? res.body.items : undefined;
    },
    40_000,
  );
  await card.remove();
  sim.depart();

  expect(tickets).toHaveLength(1);
  const t = tickets[0];
  expect(t).toMatchObject({
    deviceCode: station.deviceCode,
    laneCode: 'L1',
    plate: station.plate,
    cardUid: station.cardUid,
    stream: 'OTHER',
    direction: 'OUT',
    grossKg: 26_000,
    tareKg: 12_000,
    netKg: 14_000,
    grossSource: 'WEIGHED',
    tareSource: 'WEIGHED',
    provenance: 'WEIGHED',
    voided: false,
  });
  expect(t.softwareVersion).toMatch(/^haulproof-agent\//);
  expect(Date.parse(t.secondWeighedAt)).toBeGreaterThan(Date.parse(t.firstWeighedAt));

  // The agent journaled it, printed it, and recorded the server's acknowledgement.
  await waitFor('the ack to be recorded', () => a.status().unacked === 0, 20_000);
  expect(existsSync(path.join(dataDir, 'prints', `${station.deviceCode}-${t.seq}.pdf`))).toBe(true);
  const reprint = await agentCli(['print', '--config', file, String(t.seq), '--out', path.join(dataDir, 'reprint.pdf')]);
  expect(reprint.code).toBe(0);

  const stopped = await a.kill('SIGTERM');
  expect(stopped.code).toBe(0);
  agent = null;
}, 180_000);
