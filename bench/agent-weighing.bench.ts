// The station agent while weighing: memory, and how fast tickets go from a settled
// weight to durable, signed journal records (synchronous=FULL) and on to the server.
//   npx tsx bench/agent-weighing.bench.ts [tickets=3000]
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDatabase, startEmbeddedPostgres } from '../server/src/db/embedded.js';
import { loadConfig } from '../server/src/config.js';
import { createLogger } from '../server/src/lib/logger.js';
import { startServer } from '../server/src/server.js';
import { StationAgent } from '../station-agent/src/agent.js';
import { AgentConfig } from '../station-agent/src/config.js';
import { storeDeviceKey } from '../station-agent/src/keys.js';
import { BusWeighing, noDevice, quietLog } from '../test/support/bus-weighing.js';
import { createStation } from '../test/support/station.js';

const total = Number(process.argv[2] ?? 3000);
const mib = (b: number) => (b / 2 ** 20).toFixed(0);

const dir = await mkdtemp(path.join(tmpdir(), 'haulproof-bench-'));
await chmod(dir, 0o755);
const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: 56000 + Math.floor(Math.random() * 1000), persistent: false });
await ensureDatabase(cluster.url('postgres'), 'bench');
const url = cluster.url('bench');
const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'bench-secret-bench-secret-bench-secret', LOG_LEVEL: 'silent', HAULPROOF_DATA_DIR: dir }), url, createLogger('silent'));
const station = await createStation(url);
const dataDir = path.join(dir, 'agent');
storeDeviceKey(dataDir, station.privateKeyPem);

// Each visit takes ~10 s of virtual time; start early enough that no ticket lies in the future.
const clock = { now: Date.now() - total * 10_000 - 3_600_000 };
const config = AgentConfig.parse({
  device: station.deviceCode,
  server: server.url,
  dataDir,
  lanes: { L1: { port: 'injected', weighing: 'STORED_TARE', defaultStream: 'OTHER', readers: ['r1'] } },
  readers: [{ id: 'r1', kind: 'pcsc' }],
  policy: { openTicketTimeoutHours: 12, repeatWithinMinutes: 0, tareDeviationPercent: 3 },
  print: { enabled: false, font: null },
});
const agent = new StationAgent(config, quietLog, { indicator: noDevice, pcsc: noDevice }, () => clock.now);
await agent.start();
const rssStart = process.memoryUsage().rss;
let rssPeak = rssStart;
const lane = new BusWeighing(agent, clock);

const t0 = performance.now();
for (let i = 0; i < total; i++) {
  lane.visit(station.cardUid, 16_000 + (i % 200) * 20);
  if (i % 100 === 0) {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    await new Promise((r) => setImmediate(r)); // let the forwarder and uplink run, as between real trucks
  }
}
const weighMs = performance.now() - t0;
while (agent.status().queueDepth > 0) {
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  await new Promise((r) => setTimeout(r, 50));
}
const drainedMs = performance.now() - t0;

console.log('Haulproof station agent while weighing (agent and server in one process)');
console.log(`  tickets weighed                ${total} (45 indicator samples each, one-pass stored tare)`);
console.log(`  settled weight → signed, fsynced journal record   ${((total / weighMs) * 1000).toFixed(0)} tickets/s`);
console.log(`  all acknowledged by the server after               ${drainedMs.toFixed(0)} ms`);
console.log(`  RSS at start / peak             ${mib(rssStart)} / ${mib(rssPeak)} MiB (includes the server)`);

await agent.stop();
await server.close();
await cluster.stop();
await rm(dir, { recursive: true, force: true });
