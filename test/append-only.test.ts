// The ledger is evidence: no one may rewrite it. Two independent guards are
// proven here for every ledger table and every kind of rewrite:
//  - the application role has no UPDATE/DELETE/TRUNCATE grant (permission denied);
//  - triggers refuse the change even for the table owner / a superuser.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import { startTestServer } from './support/server.js';
import { createStation, TestDevice } from './support/station.js';

const LEDGER_TABLES = ['device_record', 'ticket', 'ticket_event', 'security_event', 'card_event', 'station_event'] as const;
const REWRITES = {
  UPDATE: (t: string) => `UPDATE ${t} SET id = id`,
  DELETE: (t: string) => `DELETE FROM ${t}`,
  TRUNCATE: (t: string) => `TRUNCATE ${t} CASCADE`,
} as const;

let server: Awaited<ReturnType<typeof startTestServer>>;
let owner: pg.Client;
let app: pg.Client;

beforeAll(async () => {
  server = await startTestServer();
  owner = new pg.Client({ connectionString: server.databaseUrl });
  await owner.connect();
  app = new pg.Client({ connectionString: server.databaseUrl, options: '-c role=haulproof_app' } as pg.ClientConfig);
  await app.connect();
  // one row in every ledger table, through the real paths where there is one
  const d = new TestDevice(server.url, await createStation(server.databaseUrl));
  await d.post([d.nextTicket()]);
  await d.post([d.next({ kind: 'void', void: { ticketSeq: 1, reason: 'test void', at: new Date().toISOString(), operator: null } })]);
  await d.post([d.nextEvent({ type: 'NO_ZERO_RETURN', ticketSeq: 1 })]);
  await owner.query(`INSERT INTO security_event (kind, reason) VALUES ('TEST', 'seed')`);
  await owner.query(`INSERT INTO card_event (card_id, status, vehicle_id) SELECT id, 'ISSUED', vehicle_id FROM card LIMIT 1`);
  for (const t of LEDGER_TABLES) {
    const { rows } = await owner.query(`SELECT count(*)::int AS n FROM ${t}`);
    expect(rows[0].n, `${t} has a row to protect`).toBeGreaterThan(0);
  }
});
afterAll(async () => {
  await app.end();
  await owner.end();
  await server.close();
});

async function rowCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of LEDGER_TABLES) out[t] = (await owner.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
  return out;
}

describe.each(LEDGER_TABLES)('%s', (table) => {
  test.each(Object.keys(REWRITES) as (keyof typeof REWRITES)[])('%s is refused to the application role by its grants', async (op) => {
    const before = await rowCounts();
    await expect(app.query(REWRITES[op](table))).rejects.toThrow(/permission denied/);
    expect(await rowCounts()).toEqual(before);
  });

  test.each(Object.keys(REWRITES) as (keyof typeof REWRITES)[])('%s is refused to the owner by a trigger', async (op) => {
    const before = await rowCounts();
    await expect(owner.query(REWRITES[op](table))).rejects.toThrow(new RegExp(`${op} on \\w+ is refused: the ledger is append-only`));
    expect(await rowCounts()).toEqual(before);
  });

  test('the application role may still read and append', async () => {
    await expect(app.query(`SELECT count(*) FROM ${table}`)).resolves.toBeTruthy();
    const { rows } = await app.query(`SELECT has_table_privilege('haulproof_app', $1, 'INSERT') AS ins, has_table_privilege('haulproof_app', $1, 'UPDATE') AS upd`, [table]);
    expect(rows[0]).toEqual({ ins: true, upd: false });
  });
});

test('the server itself runs as the restricted role', async () => {
  const { rows } = await server.ctx.db.pool.query('SELECT current_user');
  expect(rows[0].current_user).toBe('haulproof_app');
});
