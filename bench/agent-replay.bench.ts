// Station agent catch-up: a station journals a backlog offline, then its
// forwarder drains it into a freshly started server. Prints figures; asserts nothing.
//   npx tsx bench/agent-replay.bench.ts [tickets=10000]
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TicketBody } from '@haulproof/contracts';
import { ensureDatabase, startEmbeddedPostgres } from '../server/src/db/embedded.js';
import { migrate } from '../server/src/db/migrate.js';
import { loadConfig } from '../server/src/config.js';
import { createLogger } from '../server/src/lib/logger.js';
import { startServer } from '../server/src/server.js';
import { SqliteJournal } from '../station-agent/src/journal/journal.js';
import { loadDeviceKey, storeDeviceKey } from '../station-agent/src/keys.js';
import { Forwarder } from '../station-agent/src/outbox/forwarder.js';
import { HttpIngestTransport } from '../station-agent/src/outbox/ingest-client.js';
import { createStation } from '../test/support/station.js';

const total = Number(process.argv[2] ?? 10_000);

const dir = await mkdtemp(path.join(tmpdir(), 'haulproof-agent-bench-'));
await chmod(dir, 0o755);
const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: 57000 + Math.floor(Math.random() * 1000), persistent: false });
await ensureDatabase(cluster.url('postgres'), 'bench');
const url = cluster.url('bench');
await migrate(url);
const station = await createStation(url);

// ── offline: the agent journals the backlog (one fsynced commit per ticket) ──
const agentDir = path.join(dir, 'agent');
storeDeviceKey(agentDir, station.privateKeyPem);
const key = loadDeviceKey(agentDir);
let journal = new SqliteJournal({ dataDir: agentDir, deviceCode: station.deviceCode, key });
journal.start();
const fmt = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
const ticket = (i: number): TicketBody => {
  const gross = 15_000 + (i % 500) * 20;
  return {
    site: station.siteCode, lane: station.laneCode, plate: station.plate, plateSeen: null, card: station.cardUid,
    stream: 'OTHER', direction: 'IN', grossKg: gross, tareKg: 12_000, netKg: gross - 12_000, grossSource: 'WEIGHED', tareSource: 'WEIGHED',
    firstAt: fmt(Date.now() - 20 * 60_000), secondAt: fmt(Date.now() - 60_000),
    route: null, permit: null, origin: null, operator: 'op1', flags: [], software: 'haulproof-agent bench',
  };
};
let t = performance.now();
for (let i = 0; i < total; i++) journal.appendTicket(ticket(i));
const appendMs = performance.now() - t;
journal.stop();
const fileBytes = (await stat(journal.file)).size + (await stat(`${journal.file}-wal`).catch(() => ({ size: 0 }))).size;

// ── restart: the start-up integrity check re-verifies the whole backlog ──
journal = new SqliteJournal({ dataDir: agentDir, deviceCode: station.deviceCode, key });
t = performance.now();
const report = journal.start();
const verifyMs = performance.now() - t;
if (!report.ok) throw new Error(`integrity check failed: ${JSON.stringify(report).slice(0, 300)}`);

// ── online: a server comes up and the forwarder drains the queue ──
const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'bench-secret-bench-secret-bench-secret', LOG_LEVEL: 'silent', HAULPROOF_DATA_DIR: dir }), url, createLogger('silent'));
const forwarder = new Forwarder({ journal, transport: new HttpIngestTransport({ serverUrl: server.url, device: { code: station.deviceCode, privateKey: key.privateKey } }) });
t = performance.now();
forwarder.start();
await forwarder.whenIdle();
const drainMs = performance.now() - t;
const status = forwarder.status();
if (status.queueDepth !== 0) throw new Error(`queue not drained: ${JSON.stringify(status)}`);
const stored = Number((await server.ctx.db.pool.query<{ n: string }>('SELECT count(*) n FROM device_record WHERE device_id = $1', [station.deviceId])).rows[0]!.n);

const rss = process.memoryUsage().rss / 2 ** 20;
console.log('Haulproof station agent replay benchmark');
console.log(`  tickets journaled offline        ${total}`);
console.log(`  journal append (sign, fsync)     ${appendMs.toFixed(0)} ms  (${((total / appendMs) * 1000).toFixed(0)} records/s, synchronous=FULL, one commit each)`);
console.log(`  journal file                     ${(fileBytes / 2 ** 20).toFixed(1)} MiB  (${(fileBytes / total).toFixed(0)} bytes/record)`);
console.log(`  start-up integrity check         ${verifyMs.toFixed(0)} ms  (${report.verified} records re-verified: hash, signature, chain)`);
console.log(`  forwarder drain to server        ${drainMs.toFixed(0)} ms  (${((total / drainMs) * 1000).toFixed(0)} records/s; goal < 10 000 ms)`);
console.log(`  stored at the server             ${stored}`);
console.log(`  process RSS (agent+server)       ${rss.toFixed(0)} MiB`);

await forwarder.stop();
journal.stop();
await server.close();
await cluster.stop();
await rm(dir, { recursive: true, force: true });
