// `npm run migrate`: applies migrations to DATABASE_URL (or the embedded cluster) and exits.
import { loadConfig } from '../config.js';
import { resolveDatabaseUrl } from './resolve.js';
import { migrate } from './migrate.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { url, stop } = await resolveDatabaseUrl(config, console.log);
  try {
    const applied = await migrate(url, { log: console.log });
    console.log(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1); // not exitCode: the embedded cluster's exit hook ends the process with 0
});
