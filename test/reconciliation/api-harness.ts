// For the reconciliation API tests: a server on a fresh database with a generated scenario
// reconciled into it, people to ask as, every page of a list, and spreadsheets read back.
import ExcelJS from 'exceljs';
import pg from 'pg';
import { expect } from 'vitest';
import { generateScenario, writeScenario, type Scenario, type ScenarioSpec } from '../../server/src/reconciliation/scenario/index.js';
import { startTestServer } from '../support/server.js';
import { api, userToken } from '../support/users.js';

export type Caller = ReturnType<typeof api> & { token: string; raw: (path: string) => Promise<Response> };
export interface ReconApi {
  server: Awaited<ReturnType<typeof startTestServer>>;
  s: Scenario;
  owner: pg.Client;
  as(u: Parameters<typeof userToken>[1]): Promise<Caller>;
  close(): Promise<void>;
}

export async function reconApi(spec: ScenarioSpec, recomputeAsOf: string): Promise<ReconApi> {
  const server = await startTestServer();
  const s = generateScenario(spec);
  const owner = new pg.Client({ connectionString: server.databaseUrl });
  await owner.connect();
  await writeScenario(owner, s);
  await server.ctx.reconciliation.engine.recomputeRange(s.days[0]!, s.days[s.days.length - 1]!, Date.parse(recomputeAsOf));
  return {
    server,
    s,
    owner,
    async as(u) {
      const token = await userToken(server, u);
      return { ...api(server.url, token), token, raw: (path: string) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } }) };
    },
    async close() {
      await owner.end();
      await server.close();
    },
  };
}

/** Follows nextCursor to the end; fails on a page that repeats an item or a cursor that loops. */
export async function everyPage<T>(c: Caller, path: string, key: (item: T) => string): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await c.get(`${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    for (const item of res.body.items as T[]) {
      expect(seen.has(key(item)), `${key(item)} on two pages`).toBe(false);
      seen.add(key(item));
      items.push(item);
    }
    cursor = res.body.nextCursor;
    expect(++pages).toBeLessThan(10_000);
  } while (cursor);
  return { items, pages };
}

/** RFC 4180, written out here rather than taken from the server: quoted fields, doubled quotes, CRLF. */
export function parseCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.slice(1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && body[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += ch;
  }
  expect(row.length === 0 && cell === '', 'the file ends with CRLF').toBe(true);
  return rows;
}

/** A download as CSV rows (header first), after checking the type and the file name. */
export async function csvOf(c: Caller, path: string, filename: RegExp): Promise<string[][]> {
  const res = await c.raw(path);
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
  expect(res.headers.get('content-disposition')).toMatch(filename);
  return parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer())); // keep the BOM: it is part of what is checked
}

/** A download as XLSX: every row's values, and the worksheet to check formats on. */
export async function xlsxOf(c: Caller, path: string, filename: RegExp): Promise<{ rows: unknown[][]; ws: ExcelJS.Worksheet }> {
  const res = await c.raw(path);
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(res.headers.get('content-disposition')).toMatch(filename);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const ws = wb.worksheets[0]!;
  // cell by cell, as wide as the header: an empty cell reads back as null
  const width = ws.getRow(1).cellCount;
  const rows: unknown[][] = [];
  for (let i = 1; i <= ws.rowCount; i++) rows.push(Array.from({ length: width }, (_, j) => ws.getRow(i).getCell(j + 1).value ?? null));
  return { rows, ws };
}
