// `npm start`: the whole demo on one machine. Database (embedded unless
// DATABASE_URL), server, the demo city, and its stations: real station agents in
// this process, on simulated indicators and card readers, weighing simulated trucks.
import path from 'node:path';
import { loadConfig } from '../config.js';
import { resolveDatabaseUrl } from '../db/resolve.js';
import { createLogger } from '../lib/logger.js';
import { startServer } from '../server.js';
import { banner } from './banner.js';
import { databaseChainLength, startLiveCity, type LiveCity } from './live-city.js';
import { seedDemoCity } from './seed.js';

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const database = await resolveDatabaseUrl(config, (m) => log.info(m));
const server = await startServer(config, database.url, log);
let city: Promise<LiveCity | null> = Promise.resolve(null);
const starting = new AbortController(); // a stop during start-up cancels the agents' start
let stopping = false;

async function shutdown(signal: string, code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down: traffic, station agents, server, database');
  // Reverse order of start-up: the agents flush their journals before the server goes, nothing queries a stopped database.
  starting.abort();
  await (await city.catch(() => null))?.stop().catch((err: unknown) => log.error({ err }, 'stopping the stations failed'));
  await server.close().catch((err: unknown) => log.error({ err }, 'closing the server failed'));
  await database.stop().catch((err: unknown) => log.error({ err }, 'stopping PostgreSQL failed'));
  log.flush();
  process.exit(code);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

try {
  const dataDir = path.resolve(config.HAULPROOF_DATA_DIR);
  const seeded = await seedDemoCity(server.ctx.db.prisma, { dataDir, log: (m) => log.warn(m) });
  if (seeded.usersCreated.length) log.info({ users: seeded.usersCreated }, 'demo city created');
  // DEMO_TICKETS_PER_MINUTE=0: seed only (docker compose runs the stations in their own container)
  if (config.DEMO_TICKETS_PER_MINUTE > 0 && !stopping) {
    city = startLiveCity({ serverUrl: server.url, dataDir, ticketsPerMinute: config.DEMO_TICKETS_PER_MINUTE, log, serverChainLength: databaseChainLength(server.ctx.db.prisma), signal: starting.signal });
  }
  const live = await city;
  if (stopping) throw new Error('stopped during start-up');
  const port = new URL(server.url).port;
  process.stdout.write(
    banner({
      url: `http://localhost:${port}`,
      dataDir,
      database: database.embedded ? `embedded PostgreSQL, files in ${path.resolve(dataDir, 'pg')}` : 'DATABASE_URL',
      ticketsPerMinute: config.DEMO_TICKETS_PER_MINUTE,
      stations: live?.stations.running.map((s) => s.code) ?? [],
      skipped: live?.stations.skipped ?? [],
    }),
  );
} catch (err) {
  if (!stopping) {
    log.error({ err }, 'the demo could not start');
    await shutdown('startup failure', 1);
  }
}
