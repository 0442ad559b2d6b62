// The migration runner (server/src/db/migrate.ts) on empty databases: it must
// record what it applied exactly as Prisma would, never apply twice, refuse an
// edited history, and serialise concurrent start-ups.
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { MIGRATIONS_DIR, MigrationError, migrate } from '../server/src/db/migrate.js';
import { adminUrl } from './support/db.js';

interface LedgerRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  started_at: Date;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An empty database (not the migrated template). */
async function emptyDatabase(): Promise<string> {
  const name = `m_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: adminUrl() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  return adminUrl().replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const ledger = (url: string) => query<LedgerRow>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');

/** The migrations on disk and the sha256 of each file, computed here, not by the runner. */
async function onDisk(dir: string): Promise<{ name: string; checksum: string }[]> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => ({ name, checksum: createHash('sha256').update(await readFile(path.join(dir, name, 'migration.sql'))).digest('hex') })),
  );
}

/** A private copy of prisma/migrations that a test may edit. */
async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'haulproof-migrations-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

let expected: { name: string; checksum: string }[];
beforeAll(async () => {
  expected = await onDisk(MIGRATIONS_DIR);
});

test('an empty database gets every migration, recorded with its sha256 and finish time', async () => {
  expect(expected.length).toBeGreaterThan(0);
  const url = await emptyDatabase();
  const applied = await migrate(url);
  expect(applied).toEqual(expected.map((m) => m.name));
  const rows = await ledger(url);
  expect(rows.map((r) => ({ name: r.migration_name, checksum: r.checksum }))).toEqual(expected);
  for (const r of rows) {
    expect(r.finished_at).toBeInstanceOf(Date);
    expect(r.finished_at!.getTime()).toBeGreaterThanOrEqual(r.started_at.getTime());
    expect(r.rolled_back_at).toBeNull();
    expect(r.applied_steps_count).toBe(1);
  }
  // and the schema is really there
  const [ticket] = await query<{ n: string }>(url, `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'ticket'`);
  expect(ticket?.n).toBe('1');
});

test('a second run applies nothing and leaves the ledger as it was', async () => {
  const url = await emptyDatabase();
  await migrate(url);
  const first = await ledger(url);
  expect(await migrate(url)).toEqual([]);
  expect(await ledger(url)).toEqual(first);
});

test('a new migration is applied after the existing ones', async () => {
  const dir = await copyOfMigrations();
  const url = await emptyDatabase();
  await migrate(url, { dir });
  await mkdir(path.join(dir, '29991231000000_add_note'));
  await writeFile(path.join(dir, '29991231000000_add_note', 'migration.sql'), 'ALTER TABLE "driver" ADD COLUMN "note" TEXT;\n');
  expect(await migrate(url, { dir })).toEqual(['29991231000000_add_note']);
  expect((await ledger(url)).map((r) => r.migration_name)).toEqual([...expected.map((m) => m.name), '29991231000000_add_note']);
});

test('editing an applied migration is refused with a clear error', async () => {
  const dir = await copyOfMigrations();
  const url = await emptyDatabase();
  await migrate(url, { dir });
  const before = await ledger(url);
  const first = expected[0]!.name;
  await appendFile(path.join(dir, first, 'migration.sql'), '\n-- an innocent-looking edit\n');
  const run = migrate(url, { dir });
  await expect(run).rejects.toBeInstanceOf(MigrationError);
  await expect(run).rejects.toThrow(new RegExp(`migration ${first} was edited after it was applied`));
  expect(await ledger(url)).toEqual(before);
});

test('a failing migration is rolled back whole and named in the error', async () => {
  const dir = await copyOfMigrations();
  await mkdir(path.join(dir, '29991231000000_broken'));
  await writeFile(path.join(dir, '29991231000000_broken', 'migration.sql'), 'CREATE TABLE "half_done" ("id" INTEGER);\nSELECT no_such_function();\n');
  const url = await emptyDatabase();
  await expect(migrate(url, { dir })).rejects.toThrow(/migration 29991231000000_broken failed: .*no_such_function/);
  expect((await ledger(url)).map((r) => r.migration_name)).toEqual(expected.map((m) => m.name));
  expect(await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`)).toEqual([]);
});

test('concurrent runs on a fresh database apply each migration once', async () => {
  const url = await emptyDatabase();
  const settled = await Promise.allSettled([migrate(url), migrate(url), migrate(url)]);
  expect(settled.map((s) => (s.status === 'rejected' ? String(s.reason) : s.status))).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
  const results = settled.map((s) => (s.status === 'fulfilled' ? s.value : []));
  // exactly one runner did the work; the others waited on the advisory lock and found nothing to do
  expect(results.flat().sort()).toEqual(expected.map((m) => m.name).sort());
  expect(results.filter((r) => r.length > 0)).toHaveLength(1);
  const rows = await ledger(url);
  expect(rows.map((r) => r.migration_name)).toEqual(expected.map((m) => m.name));
  expect(rows.every((r) => r.finished_at !== null)).toBe(true);
});
