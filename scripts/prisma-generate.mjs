// Generates the Prisma client after install. Prisma insists on a schema-engine
// binary even though `generate` never runs it; where none can be downloaded we
// point it at any executable so the (offline) TypeScript client still builds.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
env.CHECKPOINT_DISABLE = '1';
if (!existsSync('prisma/schema.prisma')) process.exit(0);
const r = spawnSync('npx', ['--no-install', 'prisma', 'generate', '--schema', 'prisma/schema.prisma'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
