// Ingestion throughput: how fast the server takes a backlog of signed tickets,
// as after a station's outage. Prints figures; asserts nothing.
//   npx tsx bench/ingest.bench.ts [tickets=10000] [batch=500]
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, ensureDatabase } from '../server/src/db/embedded.js';
import { loadConfig } from '../server/src/config.js';
import { createLogger } from '../server/src/lib/logger.js';
import { startServer } from '../server/src/server.js';
import { createStation, TestDevice } from '../test/support/station.js';

const total = Number(process.argv[2] ?? 10_000);
const batchSize = Number(process.argv[3] ?? 500);

const dir = await mkdtemp(path.join(tmpdir(), 'haulproof-bench-'));
await chmod(dir, 0o755);
const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: 56000 + Math.floor(Math.random() * 1000), persistent: false });
await ensureDatabase(cluster.url('postgres'), 'bench');
const url = cluster.url('bench');
const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'bench-secret-bench-secret-bench-secret', LOG_LEVEL: 'silent', HAULPROOF_DATA_DIR: dir }), url, createLogger('silent'));
const device = new TestDevice(server.url, await createStation(url));

let t = performance.now();
const records = Array.from({ length: total }, (_, i) => device.nextTicket({ grossKg: 15_000 + (i % 500) * 20, netKg: 3_000 + (i % 500) * 20 }));
const signMs = performance.now() - t;

t = performance.now();
for (let i = 0; i < records.length; i += batchSize) {
  const res = await device.post(records.slice(i, i + batchSize));
  if (res.status !== 200) throw new Error(`batch at ${i}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
}
const ingestMs = performance.now() - t;

t = performance.now();
for (let i = 0; i < records.length; i += batchSize) await device.post(records.slice(i, i + batchSize));
const replayMs = performance.now() - t;

const rss = process.memoryUsage().rss / 2 ** 20;
console.log('Haulproof ingestion benchmark');
console.log(`  tickets                      ${total} in batches of ${batchSize}`);
console.log(`  sign + chain (client side)   ${signMs.toFixed(0)} ms  (${((total / signMs) * 1000).toFixed(0)} records/s)`);
console.log(`  ingest (verify, chain, store) ${ingestMs.toFixed(0)} ms  (${((total / ingestMs) * 1000).toFixed(0)} tickets/s)`);
console.log(`  re-post all (duplicates)     ${replayMs.toFixed(0)} ms  (${((total / replayMs) * 1000).toFixed(0)} tickets/s)`);
console.log(`  process RSS (server + client) ${rss.toFixed(0)} MiB`);

await server.close();
await cluster.stop();
await rm(dir, { recursive: true, force: true });
