// `npm start`: the whole demo on one machine. Database (embedded unless
// DATABASE_URL), server, the demo city, and its stations sending tickets.
import path from 'node:path';
import { loadConfig } from '../config.js';
import { resolveDatabaseUrl } from '../db/resolve.js';
import { createLogger } from '../lib/logger.js';
import { startServer } from '../server.js';
import { banner } from './banner.js';
import { seedDemoCity } from './seed.js';
import { databaseHeads, StationSimulator } from './station-sim.js';

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const database = await resolveDatabaseUrl(config, (m) => log.info(m));
const server = await startServer(config, database.url, log);
let simulator: StationSimulator | null = null;
let stopping = false;

async function shutdown(signal: string, code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down: stations, server, database');
  // Reverse order of start-up: nothing sends to a closed server, nothing queries a stopped database.
  await simulator?.stop().catch((err: unknown) => log.error({ err }, 'stopping the simulator failed'));
  await server.close().catch((err: unknown) => log.error({ err }, 'closing the server failed'));
  await database.stop().catch((err: unknown) => log.error({ err }, 'stopping PostgreSQL failed'));
  log.flush();
  process.exit(code);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

try {
  const seeded = await seedDemoCity(server.ctx.db.prisma, { dataDir: config.HAULPROOF_DATA_DIR, log: (m) => log.warn(m) });
  if (seeded.usersCreated.length) log.info({ users: seeded.usersCreated }, 'demo city created');
  simulator = new StationSimulator({ serverUrl: server.url, dataDir: config.HAULPROOF_DATA_DIR, ticketsPerMinute: config.DEMO_TICKETS_PER_MINUTE, heads: databaseHeads(server.ctx.db.prisma), log });
  if (config.DEMO_TICKETS_PER_MINUTE > 0) await simulator.start();
  const port = new URL(server.url).port;
  process.stdout.write(
    banner({
      url: `http://localhost:${port}`,
      dataDir: path.resolve(config.HAULPROOF_DATA_DIR),
      database: database.embedded ? `embedded PostgreSQL, files in ${path.resolve(config.HAULPROOF_DATA_DIR, 'pg')}` : 'DATABASE_URL',
      ticketsPerMinute: config.DEMO_TICKETS_PER_MINUTE,
    }),
  );
} catch (err) {
  log.error({ err }, 'the demo could not start');
  await shutdown('startup failure', 1);
}
