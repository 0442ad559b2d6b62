// `npm run server`: the server alone, without demo data.
import { loadConfig } from './config.js';
import { resolveDatabaseUrl } from './db/resolve.js';
import { createLogger } from './lib/logger.js';
import { startServer } from './server.js';

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const database = await resolveDatabaseUrl(config, (m) => log.info(m));
const server = await startServer(config, database.url, log);
log.info(`Haulproof server listening on ${server.url}`);

async function shutdown(signal: string) {
  log.info({ signal }, 'shutting down');
  await server.close();
  await database.stop();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
