import path from 'node:path';
import type { Config } from '../config.js';
import { ensureDatabase, startEmbeddedPostgres } from './embedded.js';

/** DATABASE_URL if set; otherwise the embedded cluster under the data folder. */
export async function resolveDatabaseUrl(config: Config, log: (m: string) => void = () => undefined): Promise<{ url: string; embedded: boolean; stop(): Promise<void> }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  const cluster = await startEmbeddedPostgres({ dataDir: path.join(config.HAULPROOF_DATA_DIR, 'pg'), port: config.PG_PORT });
  await ensureDatabase(cluster.url('postgres'), 'haulproof');
  log(`embedded PostgreSQL on 127.0.0.1:${config.PG_PORT}, files in ${path.join(config.HAULPROOF_DATA_DIR, 'pg')}`);
  return { url: cluster.url('haulproof'), embedded: true, stop: () => cluster.stop() };
}
