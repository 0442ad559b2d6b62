// Everything reconciliation stores, as comparable text: every recon_* table (found in the
// catalogue, so a table added later is compared too) and the active anomalies with their
// evidence. Columns that say when, not what (computed_at, as_of, timestamps, ids) are left out.
import type pg from 'pg';
import { expect } from 'vitest';

type Queryable = Pick<pg.Client, 'query'>;

export async function storedRows(c: Queryable): Promise<Record<string, string[]>> {
  const { rows: tables } = await c.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'recon\\_%' ORDER BY 1`);
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    const { rows } = await c.query<{ r: string }>(`SELECT (to_jsonb(t) - 'id' - 'computed_at' - 'as_of')::text AS r FROM "${name}" t`);
    out[name] = rows.map((x) => x.r).sort();
  }
  const { rows } = await c.query<{ r: string }>(
    `SELECT ((to_jsonb(a) - 'id' - 'raised_at' - 'updated_at' - 'status' - 'assignee_user_id')
             || jsonb_build_object('evidence', ARRAY(SELECT ticket_id::text FROM anomaly_ticket t WHERE t.anomaly_id = a.id ORDER BY 1)))::text AS r
       FROM anomaly a WHERE active`,
  );
  out.active_anomalies = rows.map((x) => x.r).sort();
  return out;
}

/** Table by table, the rows only one side has (a few of each), so a failure says where. */
export function expectSameRows(actual: Record<string, string[]>, expected: Record<string, string[]>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  const diff = Object.keys(expected).flatMap((t) => {
    const a = new Set(actual[t]);
    const e = new Set(expected[t]);
    const missing = expected[t]!.filter((r) => !a.has(r)).slice(0, 3);
    const extra = actual[t]!.filter((r) => !e.has(r)).slice(0, 3);
    return missing.length || extra.length ? [{ table: t, missing, extra }] : [];
  });
  expect(diff).toEqual([]);
}
