// `npm run migrate`: applies migrations to DATABASE_URL (or the embedded cluster) and exits.
import { loadConfig } from '../config.js';
import { resolveDatabaseUrl } from './resolve.js';
import { migrate } from './migrate.js';

const config = loadConfig();
const { url, stop } = await resolveDatabaseUrl(config, console.log);
const applied = await migrate(url, { log: console.log });
console.log(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
await stop();
