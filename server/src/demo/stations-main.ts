// The demo city's stations on their own, beside a server that runs elsewhere
// (docker compose's `station` service): one real station agent per seeded device,
// on simulated indicators and card readers, sending to HAULPROOF_SERVER_URL.
//   npx tsx server/src/demo/stations-main.ts
//   HAULPROOF_SERVER_URL     the server (default http://127.0.0.1:8080)
//   HAULPROOF_DATA_DIR       the data folder the server seeded: keys in devices/<code>.key;
//                            each agent's journal, prints and key go to agents/<code>/
//   DEMO_TICKETS_PER_MINUTE  city-wide rate (default 30)
//   DATABASE_URL             optional: lets a station whose chain the server already holds
//                            (an older demo's) be skipped before it sends anything
import { createPrivateKey } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { HttpRegistrySource } from '../../../station-agent/src/registry/registry-client.js';
import { loadConfig } from '../config.js';
import { connectDatabase } from '../db/database.js';
import { createLogger } from '../lib/logger.js';
import { DEVICES } from './city.js';
import { readDeviceKey } from './device-files.js';
import { databaseChainLength, startLiveCity, type LiveCity } from './live-city.js';

const WAIT_MS = 300_000;

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const serverUrl = z.url({ protocol: /^https?$/ }).safeParse(process.env.HAULPROOF_SERVER_URL ?? 'http://127.0.0.1:8080');
if (!serverUrl.success) {
  process.stderr.write(`HAULPROOF_SERVER_URL must be an http(s) URL, got ${process.env.HAULPROOF_SERVER_URL}\n`);
  process.exit(2);
}
const dataDir = path.resolve(config.HAULPROOF_DATA_DIR);
const starting = new AbortController();
const db = config.DATABASE_URL ? connectDatabase(config.DATABASE_URL, { max: 2 }) : null;
let city: LiveCity | null = null;
let stopping = false;

async function shutdown(signal: string, code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down: traffic, then station agents');
  starting.abort();
  await city?.stop().catch((err: unknown) => log.error({ err }, 'stopping the stations failed'));
  await db?.close().catch(() => undefined);
  log.flush();
  process.exit(code);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

/** Whether the server knows the device by the key in the data folder (its registry answers the device). */
async function registered(code: string): Promise<boolean> {
  const key = await readDeviceKey(dataDir, code);
  if (!key) return false;
  const source = new HttpRegistrySource({ serverUrl: serverUrl.data!, device: { code, privateKey: createPrivateKey(key.privateKeyPem) } });
  return source.fetch(null).then(
    () => true,
    () => false,
  );
}

/** The server seeds the city, the device keys and their registration when it starts: wait for all of it. */
async function serverAndKeys(): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const ready = (await Promise.all(DEVICES.map((d) => registered(d.code)))).every(Boolean);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`after ${WAIT_MS / 1000} s, ${serverUrl.data} does not know every demo station by the key in ${path.join(dataDir, 'devices')} (the server seeds them: is it running npm start / server/src/demo/main.ts on this data folder?)`);
    if (starting.signal.aborted) throw new Error('stopped while waiting for the server');
    await new Promise((r) => setTimeout(r, 2000));
  }
}

try {
  await serverAndKeys();
  city = await startLiveCity({
    serverUrl: serverUrl.data,
    dataDir,
    ticketsPerMinute: config.DEMO_TICKETS_PER_MINUTE,
    log,
    signal: starting.signal,
    ...(db ? { serverChainLength: databaseChainLength(db.prisma) } : {}),
  });
  if (city.stations.running.length === 0) throw new Error(`no station could start (${city.stations.skipped.map((s) => `${s.code}: ${s.reason}`).join('; ')})`);
  log.info({ server: serverUrl.data, stations: city.stations.running.map((s) => s.code), journals: path.join(dataDir, 'agents') }, 'demo stations running');
} catch (err) {
  if (!stopping) {
    log.error({ err }, 'the demo stations could not start');
    await shutdown('startup failure', 1);
  }
}
