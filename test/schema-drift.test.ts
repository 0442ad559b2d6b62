// schema.prisma describes the database to the Prisma client; the hand-written
// SQL migrations build the real one. Nothing else ties them together, so this
// test reads both (getDMMF and pg_catalog) and fails on any difference: tables,
// columns, types with precision, nullability, defaults, enums, keys, indexes and
// foreign keys. Partial and expression indexes are left to the migrations: Prisma
// cannot express them.
import internals from '@prisma/internals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase } from './support/db.js';

const SCHEMA_PATH = path.resolve(import.meta.dirname, '../prisma/schema.prisma');

// ─── the parts of Prisma's DMMF we read ───
interface Field {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface Model { name: string; dbName: string | null; fields: Field[] }
interface Enum { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] }
interface Index { model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; fields: { name: string }[] }
interface Datamodel { models: Model[]; enums: Enum[]; indexes: Index[] }

async function readDatamodel(schema?: string): Promise<Datamodel> {
  const datamodel = schema ?? (await readFile(SCHEMA_PATH, 'utf8'));
  return (await internals.getDMMF({ datamodel })).datamodel as unknown as Datamodel;
}

// ─── what the database has ───
interface DbColumn { table: string; column: string; type: string; not_null: boolean; default: string | null }
interface DbIndex { table: string; name: string; primary: boolean; unique: boolean; special: boolean; columns: string[] }
interface DbForeignKey { table: string; name: string; ref_table: string; on_delete: string; columns: string[]; ref_columns: string[] }
interface DbShape { tables: string[]; columns: DbColumn[]; enums: Map<string, string[]>; indexes: DbIndex[]; foreignKeys: DbForeignKey[] }

const colNames = (rel: string, keys: string) =>
  `ARRAY(SELECT a.attname::text FROM unnest(${keys}) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.attnum ORDER BY k.ord)`;

async function readDatabase(client: pg.Client): Promise<DbShape> {
  const inPublic = `JOIN pg_namespace ns ON ns.oid = t.relnamespace AND ns.nspname = 'public'`;
  const tables = await client.query<{ name: string }>(`SELECT t.relname AS name FROM pg_class t ${inPublic} WHERE t.relkind IN ('r','p')`);
  // Enum columns are named "enum <type>" so the diff reads the same for scalars and arrays.
  const columns = await client.query<DbColumn>(`
    SELECT t.relname AS table, a.attname AS column, a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default,
      CASE WHEN et.typtype = 'e' THEN 'enum ' || et.typname || CASE WHEN ty.typcategory = 'A' THEN '[]' ELSE '' END
           ELSE format_type(a.atttypid, a.atttypmod) END AS type
    FROM pg_attribute a
    JOIN pg_class t ON t.oid = a.attrelid AND t.relkind IN ('r','p') ${inPublic}
    JOIN pg_type ty ON ty.oid = a.atttypid
    JOIN pg_type et ON et.oid = CASE WHEN ty.typcategory = 'A' THEN ty.typelem ELSE ty.oid END
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped`);
  const enums = await client.query<{ name: string; labels: string[] }>(`
    SELECT ty.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
    FROM pg_type ty JOIN pg_enum e ON e.enumtypid = ty.oid JOIN pg_namespace ns ON ns.oid = ty.typnamespace AND ns.nspname = 'public'
    GROUP BY ty.typname`);
  const indexes = await client.query<DbIndex>(`
    SELECT t.relname AS table, ic.relname AS name, i.indisprimary AS primary, i.indisunique AS unique,
      (i.indpred IS NOT NULL OR i.indexprs IS NOT NULL) AS special,
      ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS columns
    FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid ${inPublic} JOIN pg_class ic ON ic.oid = i.indexrelid`);
  const foreignKeys = await client.query<DbForeignKey>(`
    SELECT t.relname AS table, c.conname AS name, r.relname AS ref_table, c.confdeltype AS on_delete,
      ${colNames('c.conrelid', 'c.conkey')} AS columns, ${colNames('c.confrelid', 'c.confkey')} AS ref_columns
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid ${inPublic} JOIN pg_class r ON r.oid = c.confrelid
    WHERE c.contype = 'f'`);
  return {
    tables: tables.rows.map((r) => r.name),
    columns: columns.rows,
    enums: new Map(enums.rows.map((r) => [r.name, r.labels])),
    indexes: indexes.rows,
    foreignKeys: foreignKeys.rows,
  };
}

// ─── Prisma types as PostgreSQL's format_type() prints them ───
const SCALAR: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};
const precision = (a: string[]) => (a[0] ? `(${a[0]})` : '');
const NATIVE: Record<string, (args: string[]) => string> = {
  Text: () => 'text',
  Uuid: () => 'uuid',
  VarChar: (a) => `character varying${precision(a)}`,
  Char: (a) => `character${precision(a)}`,
  Integer: () => 'integer',
  SmallInt: () => 'smallint',
  BigInt: () => 'bigint',
  DoublePrecision: () => 'double precision',
  Real: () => 'real',
  Decimal: (a) => (a.length ? `numeric(${a[0]},${a[1] ?? '0'})` : 'numeric(65,30)'),
  Timestamp: (a) => `timestamp${precision(a)} without time zone`,
  Timestamptz: (a) => `timestamp${precision(a)} with time zone`,
  Date: () => 'date',
  Time: (a) => `time${precision(a)} without time zone`,
  Timetz: (a) => `time${precision(a)} with time zone`,
  Json: () => 'json',
  JsonB: () => 'jsonb',
  ByteA: () => 'bytea',
  Inet: () => 'inet',
};
const ON_DELETE: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };
const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']); // Prisma fills these in; the column has no default

function expectedType(field: Field, enumDbName: Map<string, string>): string {
  const list = field.isList ? '[]' : '';
  if (field.kind === 'enum') return `enum ${enumDbName.get(field.type) ?? field.type}${list}`;
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    const native = NATIVE[name];
    return native ? native(args) + list : `unsupported native type @db.${name} (teach test/schema-drift.test.ts)`;
  }
  return (SCALAR[field.type] ?? `unsupported scalar ${field.type}`) + list;
}

/** The default as schema.prisma states it, in the shape normaliseDefault gives a column default. */
function expectedDefault(field: Field): string | null {
  if (!field.hasDefaultValue || field.isUpdatedAt) return null;
  const d = field.default;
  if (Array.isArray(d)) return d.length === 0 ? 'ARRAY[]' : `ARRAY[${d.map(String).join(',')}]`;
  if (d !== null && typeof d === 'object' && 'name' in d) {
    const fn = d as { name: string; args: unknown[] };
    if (CLIENT_SIDE_DEFAULTS.has(fn.name)) return null;
    if (fn.name === 'now') return 'now()';
    if (fn.name === 'dbgenerated') return String(fn.args[0]);
    if (fn.name === 'autoincrement') return 'nextval()';
    return `${fn.name}()`;
  }
  return String(d);
}

/** Strips casts and quotes: `'ACTIVE'::vehicle_status` → `ACTIVE`, `ARRAY[]::text[]` → `ARRAY[]`. */
function normaliseDefault(expr: string | null): string | null {
  if (expr === null) return null;
  if (/^nextval\(/.test(expr)) return 'nextval()';
  if (expr === 'CURRENT_TIMESTAMP') return 'now()';
  const bare = expr.replace(/::[a-z_ ]+(\(\d+(,\d+)?\))?(\[\])?/gi, '');
  if (bare === "'{}'") return 'ARRAY[]';
  const quoted = /^'(.*)'$/s.exec(bare);
  return quoted ? quoted[1]!.replace(/''/g, "'") : bare;
}

const list = (cols: string[]) => `(${cols.join(', ')})`;

/** Every way the migrated database differs from schema.prisma, one readable line each. */
function diffSchema(dm: Datamodel, db: DbShape): string[] {
  const out: string[] = [];
  const enumDbName = new Map(dm.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const modelByName = new Map(dm.models.map((m) => [m.name, m]));
  const tableOf = (m: Model) => m.dbName ?? m.name;
  const columnOf = (m: Model, fieldName: string) => {
    const f = m.fields.find((x) => x.name === fieldName);
    return f?.dbName ?? fieldName;
  };
  const modelTables = new Set(dm.models.map(tableOf));

  for (const t of db.tables) if (t !== '_prisma_migrations' && !modelTables.has(t)) out.push(`table ${t}: in the database but no model maps to it`);

  for (const m of dm.models) {
    const table = tableOf(m);
    if (!db.tables.includes(table)) {
      out.push(`table ${table}: missing (model ${m.name})`);
      continue;
    }
    const dbCols = new Map(db.columns.filter((c) => c.table === table).map((c) => [c.column, c]));
    const scalars = m.fields.filter((f) => f.kind !== 'object');
    for (const f of scalars) {
      const name = f.dbName ?? f.name;
      const col = dbCols.get(name);
      const where = `${table}.${name}`;
      if (!col) {
        out.push(`${where}: missing column (field ${m.name}.${f.name})`);
        continue;
      }
      const type = expectedType(f, enumDbName);
      if (col.type !== type) out.push(`${where}: type: schema ${type}, database ${col.type}`);
      const notNull = f.isRequired || f.isList; // Prisma makes scalar lists NOT NULL; so do our migrations
      if (col.not_null !== notNull) out.push(`${where}: nullability: schema ${notNull ? 'NOT NULL' : 'NULL'}, database ${col.not_null ? 'NOT NULL' : 'NULL'}`);
      const want = expectedDefault(f);
      const have = normaliseDefault(col.default);
      if (want !== have) out.push(`${where}: default: schema ${want ?? 'none'}, database ${col.default ?? 'none'}`);
    }
    const fieldCols = new Set(scalars.map((f) => f.dbName ?? f.name));
    for (const c of dbCols.keys()) if (!fieldCols.has(c)) out.push(`${table}.${c}: column in the database but not in model ${m.name}`);

    // keys and indexes, matched by kind and exact column order
    const expected = dm.indexes
      .filter((i) => i.model === m.name && i.type !== 'fulltext')
      .map((i) => ({ kind: i.type, columns: i.fields.map((f) => columnOf(m, f.name)) }));
    const actual = db.indexes
      .filter((i) => i.table === table && !i.special)
      .map((i) => ({ kind: i.primary ? 'id' : i.unique ? 'unique' : 'normal', columns: i.columns, name: i.name }));
    const label = { id: 'primary key', unique: 'unique index', normal: 'index' } as Record<string, string>;
    for (const e of expected) {
      const at = actual.findIndex((a) => a.kind === e.kind && list(a.columns) === list(e.columns));
      if (at >= 0) actual.splice(at, 1);
      else out.push(`${table}: missing ${label[e.kind]} ${list(e.columns)}`);
    }
    for (const a of actual) out.push(`${table}: ${label[a.kind]} ${a.name} ${list(a.columns)} is in the database but not in schema.prisma`);

    // foreign keys, from the owning side of each relation
    const fks = db.foreignKeys.filter((k) => k.table === table);
    for (const f of m.fields.filter((x) => x.kind === 'object' && x.relationFromFields?.length)) {
      const target = modelByName.get(f.type)!;
      const cols = f.relationFromFields!.map((n) => columnOf(m, n));
      const refCols = f.relationToFields!.map((n) => columnOf(target, n));
      const desc = `${list(cols)} -> ${tableOf(target)}${list(refCols)}`;
      const at = fks.findIndex((k) => list(k.columns) === list(cols) && k.ref_table === tableOf(target) && list(k.ref_columns) === list(refCols));
      if (at < 0) {
        out.push(`${table}: missing foreign key ${desc} (relation ${m.name}.${f.name})`);
        continue;
      }
      const [fk] = fks.splice(at, 1);
      const onDelete = ON_DELETE[fk!.on_delete] ?? fk!.on_delete;
      // Undeclared, Prisma assumes Restrict/SetNull; our migrations refuse deletes (NO ACTION). Only a declared action must match.
      if (f.relationOnDelete && f.relationOnDelete !== onDelete) out.push(`${table}: foreign key ${desc}: onDelete: schema ${f.relationOnDelete}, database ${onDelete}`);
    }
    for (const k of fks) out.push(`${table}: foreign key ${k.name} ${list(k.columns)} -> ${k.ref_table}${list(k.ref_columns)} is in the database but no relation declares it`);
  }

  for (const e of dm.enums) {
    const name = e.dbName ?? e.name;
    const labels = db.enums.get(name);
    const want = e.values.map((v) => v.dbName ?? v.name);
    if (!labels) out.push(`enum ${name}: missing type (enum ${e.name})`);
    else if (list(labels) !== list(want)) out.push(`enum ${name}: values: schema ${list(want)}, database ${list(labels)}`);
  }
  const schemaEnums = new Set(enumDbName.values());
  for (const name of db.enums.keys()) if (!schemaEnums.has(name)) out.push(`enum ${name}: in the database but not in schema.prisma`);
  return out.sort();
}

// ─── the tests ───
async function withDatabase<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const db = await createTestDatabase();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
    await db.drop();
  }
}

let datamodel: Datamodel;
beforeAll(async () => {
  datamodel = await readDatamodel();
});

test('the migrated database matches prisma/schema.prisma', async () => {
  const differences = await withDatabase(async (c) => diffSchema(datamodel, await readDatabase(c)));
  expect(differences, `schema.prisma and the migrations disagree:\n  ${differences.join('\n  ')}\n`).toEqual([]);
});

describe('the comparison can fail', () => {
  let pristine: DbShape;
  beforeAll(async () => {
    pristine = await withDatabase(readDatabase);
  });

  test('it reports a database changed behind the schema', async () => {
    const before = diffSchema(datamodel, pristine);
    const after = await withDatabase(async (c) => {
      await c.query(`
        ALTER TABLE "ticket" ALTER COLUMN "software_version" DROP NOT NULL;
        ALTER TABLE "card" ALTER COLUMN "issued_at" TYPE TIMESTAMPTZ(6);
        ALTER TABLE "site" ADD COLUMN "stray" TEXT;
        ALTER TABLE "scale" ALTER COLUMN "baud_rate" SET DEFAULT 19200;
        ALTER TYPE "direction" ADD VALUE 'SIDEWAYS';
        DROP INDEX "ticket_device_id_seq_key";
        ALTER TABLE "site_stream" DROP CONSTRAINT "site_stream_site_id_fkey";
        ALTER TABLE "site_stream" ADD FOREIGN KEY ("site_id") REFERENCES "site"("id");
        CREATE TABLE "stray_table" ("id" INTEGER);`);
      return diffSchema(datamodel, await readDatabase(c));
    });
    expect(after.filter((d) => !before.includes(d))).toEqual([
      'card.issued_at: type: schema timestamp(3) with time zone, database timestamp(6) with time zone',
      'enum direction: values: schema (IN, OUT), database (IN, OUT, SIDEWAYS)',
      'scale.baud_rate: default: schema 9600, database 19200',
      'site.stray: column in the database but not in model Site',
      'site_stream: foreign key (site_id) -> site(id): onDelete: schema Cascade, database NoAction',
      'table stray_table: in the database but no model maps to it',
      'ticket.software_version: nullability: schema NOT NULL, database NULL',
      'ticket: missing unique index (device_id, seq)',
    ]);
  });

  test('it reports a schema changed ahead of the migrations', async () => {
    const schema = (await readFile(SCHEMA_PATH, 'utf8'))
      .replace(/(model Driver \{\n)/, '$1  licenceClass String @map("licence_class")\n')
      .replace(/( {2}BANNED\n)/, '$1  SCRAPPED\n')
      .replace(/(\n\s*)@@map\("security_event"\)/, '$1@@index([deviceId, seq])$1@@map("security_event")');
    const edited = await readDatamodel(schema);
    expect(diffSchema(edited, pristine)).toEqual([
      'driver.licence_class: missing column (field Driver.licenceClass)',
      'enum vehicle_status: values: schema (ACTIVE, SUSPENDED, BANNED, SCRAPPED), database (ACTIVE, SUSPENDED, BANNED)',
      'security_event: missing index (device_id, seq)',
    ]);
  });
});
