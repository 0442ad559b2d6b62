// Faults at the station, with the real agent process, real pseudo-terminals for the
// indicator and the UHF lane reader, and the real server:
//  - SIGKILL at each step of a weighing (a failpoint setting chooses the step), restart,
//    and every ticket the agent had printed reaches the server exactly once;
//  - a million random bytes on the indicator line: no crash, no weight taken.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { seededBytes } from '../hardware/src/simulators/prng.js';
import { IndicatorSimulator } from '../hardware/src/simulators/indicator-sim.js';
import { UhfReaderSimulator } from '../hardware/src/simulators/uhf-sim.js';
import { FAILPOINTS, type Failpoint } from '../station-agent/src/failpoints.js';
import { storeDeviceKey } from '../station-agent/src/keys.js';
import { runAgent, waitFor, writeAgentConfig, type AgentProcess } from './support/agent-process.js';
import { startPtyPair, type PtyPair } from './support/pty.js';
import { startTestServer } from './support/server.js';
import { createStation, type StationFixture } from './support/station.js';

const EPC = 'e2003412b802011526708bb1'; // the truck's windshield tag (96-bit EPC)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: Awaited<ReturnType<typeof startTestServer>>;
let db: pg.Client;
let station: StationFixture;
let scalePty: PtyPair;
let tagPty: PtyPair;
let scale: IndicatorSimulator;
let tags: UhfReaderSimulator;
let agent: AgentProcess | null = null;
let dir: string;
let dataDir: string;

function config(failpoint: Failpoint | null) {
  return {
    device: station.deviceCode,
    server: server.url,
    dataDir,
    lanes: { L1: { port: scalePty.b, weighing: 'TWO_PASS', defaultStream: 'OTHER', readers: ['uhf'], frameRateHz: 20 } },
    readers: [{ id: 'uhf', kind: 'uhf-r2000', port: tagPty.b, baudRate: 115200, dedupeMs: 300 }],
    policy: { openTicketTimeoutHours: 12, repeatWithinMinutes: 0, tareDeviationPercent: 3 },
    stability: { windowMs: 1000, toleranceE: 1 },
    failpoint,
  };
}

async function start(failpoint: Failpoint | null): Promise<AgentProcess> {
  const { file } = writeAgentConfig(config(failpoint), dir);
  const a = runAgent(file, dataDir);
  await waitFor('the agent to come up', () => a.output().includes('station agent running') || (a.output().includes('"level":"error"') && a.output()), 30_000);
  agent = a;
  return a;
}

/** A truck drives on with its tag and sits there at `kg`. */
function driveOn(kg: number): void {
  scale.arrive(kg);
  tags.tagEnters(EPC);
}
let deckKg = 0; // what the simulated indicator last displayed
async function driveOff(): Promise<void> {
  tags.tagLeaves(EPC);
  scale.depart();
  // The lane insists on a return to zero between vehicles: wait for the deck to be empty, then a moment more.
  await waitFor('the deck to return to zero', () => deckKg === 0, 20_000, 50);
  await sleep(800);
}
const openTickets = (a: AgentProcess) => a.status().openTickets;
async function serverTickets(): Promise<{ seq: number; gross_kg: number; tare_kg: number }[]> {
  return (await db.query('SELECT seq, gross_kg, tare_kg FROM ticket WHERE device_id = $1 ORDER BY seq', [station.deviceId])).rows;
}
/** Waits for the agent to die by its own SIGKILL, or for `alive` to hold (the step was passed without dying). */
async function killedBy(a: AgentProcess, fp: Failpoint): Promise<void> {
  const exit = await Promise.race([a.exited, sleep(40_000).then(() => null)]);
  if (!exit) await a.kill('SIGKILL');
  agent = null;
  const killed = exit?.signal === 'SIGKILL';
  expect(killed, `the agent should have killed itself at ${fp} (exit ${JSON.stringify(exit)}); output:\n${a.output().slice(-2000)}`).toBe(true);
}

beforeAll(async () => {
  server = await startTestServer();
  db = new pg.Client({ connectionString: server.databaseUrl });
  await db.connect();
  station = await createStation(server.databaseUrl);
  await db.query('INSERT INTO card (uid, vehicle_id) VALUES ($1, $2)', [EPC, station.vehicleId]);
  [scalePty, tagPty] = await Promise.all([startPtyPair(), startPtyPair()]);
  ({ dataDir } = writeAgentConfig({}));
  dir = path.dirname(dataDir);
  storeDeviceKey(dataDir, station.privateKeyPem);
  scale = new IndicatorSimulator({ protocol: 'XK3190_TF0', port: { path: scalePty.a, baudRate: 9600 }, rateHz: 20, onFrame: (_f, p) => (deckKg = p.kg) });
  tags = new UhfReaderSimulator({ port: { path: tagPty.a, baudRate: 115200 } });
  await Promise.all([scale.start(), tags.start()]);
}, 60_000);

// A failed case must not leave a truck on the deck or an agent holding the ports for the next one.
afterEach(async () => {
  if (agent) await agent.kill('SIGKILL');
  agent = null;
  await driveOff().catch(() => undefined);
});

afterAll(async () => {
  await agent?.kill('SIGKILL');
  await Promise.all([scale?.stop(), tags?.stop()]);
  await Promise.all([scalePty?.close(), tagPty?.close()]);
  await db?.end();
  await server?.close();
});

describe('SIGKILL at each step of a weighing', () => {
  test.each(FAILPOINTS.map((fp) => [fp]))('killed at %s: the weighing completes after a restart, once', async (fp) => {
    const before = (await serverTickets()).length;
    let a = await start(fp);

    driveOn(12_000); // first pass: the trailer arrives empty
    if (fp === 'settling' || fp === 'first-pass-open') {
      await killedBy(a, fp);
      await driveOff();
      a = await start(null);
      if (fp === 'settling') {
        // nothing was recorded: the operator weighs the first pass again
        expect(openTickets(a)).toBe(0);
        driveOn(12_000);
      } else {
        expect(openTickets(a)).toBe(1); // the first pass survived the crash
      }
    }
    if (fp !== 'first-pass-open') {
      await waitFor('the first pass', () => openTickets(a) === 1, 30_000).catch((err: Error) => {
        writeFileSync(path.join(dir, `agent-${fp}.log`), a.output());
        throw new Error(`${err.message}; agent output in ${path.join(dir, `agent-${fp}.log`)}`);
      });
      await driveOff();
    }
    driveOn(26_000); // second pass: full
    if (fp !== 'settling' && fp !== 'first-pass-open') {
      await killedBy(a, fp);
      await driveOff();
      a = await start(null);
    }
    await waitFor('the ticket to reach the server and its ack to be recorded', async () => (await serverTickets()).length === before + 1 && a.status().unacked === 0, 40_000).catch((err: Error) => {
      writeFileSync(path.join(dir, `agent-${fp}.log`), a.output());
      throw new Error(`${err.message}; agent output in ${path.join(dir, `agent-${fp}.log`)}`);
    });
    await driveOff();
    expect(openTickets(a)).toBe(0);
    expect((await a.kill('SIGTERM')).code).toBe(0);
    agent = null;
  }, 200_000);

  test('every printed ticket is in the ledger exactly once, and every ticket was printed', async () => {
    const tickets = await serverTickets();
    expect(tickets).toHaveLength(FAILPOINTS.length);
    expect(tickets.every((t) => t.gross_kg === 26_000 && t.tare_kg === 12_000)).toBe(true);
    const printed = readdirSync(path.join(dataDir, 'prints'))
      .filter((f) => f.endsWith('.pdf'))
      .map((f) => Number(/-(\d+)\.pdf$/.exec(f)![1]))
      .sort((x, y) => x - y);
    expect(printed).toEqual(tickets.map((t) => t.seq));
    // the device's chain at the server is contiguous from 1: nothing lost, nothing twice
    const { rows } = await db.query('SELECT seq FROM device_record WHERE device_id = $1 ORDER BY seq', [station.deviceId]);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    const conflicts = await db.query(`SELECT count(*)::int n FROM security_event WHERE device_id = $1 AND kind IN ('SEQ_CONFLICT','CHAIN_GAP','CHAIN_BROKEN')`, [station.deviceId]);
    expect(conflicts.rows[0].n).toBe(0);
  });
});

describe('serial noise', () => {
  test('a million random bytes on the indicator line: no crash, no weight taken; then it weighs again', async () => {
    const a = await start(null);
    const before = (await serverTickets()).length;
    tags.tagEnters(EPC); // a truck is identified and waiting: any "weight" would be captured
    scale.pause();
    const noise = seededBytes(20261121, 1_000_000);
    for (let i = 0; i < noise.length; i += 4096) await scale.writeRaw(noise.subarray(i, i + 4096));
    await sleep(2000);
    expect(await Promise.race([a.exited.then(() => 'exited'), sleep(10).then(() => 'alive')])).toBe('alive');
    expect(a.status().openTickets).toBe(0);
    // fault events may have been journaled and sent; a weighing may not
    await waitFor('the queue to drain', () => a.status().unacked === 0, 20_000);
    expect(await serverTickets()).toHaveLength(before);
    tags.tagLeaves(EPC);
    scale.resume();
    await driveOff();

    // the lane recovers: a normal two-pass weighing still works
    driveOn(12_000);
    await waitFor('the first pass after the noise', () => openTickets(a) === 1, 30_000);
    await driveOff();
    driveOn(26_000);
    await waitFor('the ticket after the noise', async () => (await serverTickets()).length === before + 1, 40_000);
    await driveOff();
    expect((await a.kill('SIGTERM')).code).toBe(0);
    agent = null;
  }, 200_000);
});
