import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/lib/logger.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { createTestDatabase } from './db.js';

/** A real server on a random port, on its own fresh database. */
export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer & { databaseUrl: string }> {
  const db = await createTestDatabase();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'test-secret-test-secret-test-secret!', LOG_LEVEL: 'silent', HAULPROOF_DATA_DIR: '/tmp/haulproof-test-data', ...env });
  const server = await startServer(config, db.url, createLogger('silent'));
  return {
    ...server,
    databaseUrl: db.url,
    async close() {
      await server.close();
      await db.drop();
    },
  };
}
