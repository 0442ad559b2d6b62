// Spreadsheet exports of every reconciliation list and report, read back: CSV parsed here, XLSX
// cell by cell with exceljs. An export is the whole list, every page of it (a small `limit`
// makes it many pages); its totals are checked against the tickets, not against the JSON alone.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AnomalyView, CustodyLegView, RouteRunView, StationBalancePeriodView } from '@haulproof/contracts';
import { FAULT_KINDS } from '../../server/src/reconciliation/scenario/faults.js';
import { csvOf, everyPage, reconApi, xlsxOf, type Caller, type ReconApi } from './api-harness.js';

const FROM = '2026-03-01';
const TO = '2026-03-24';
let h: ReconApi;
let admin: Caller;
const sum = (xs: unknown[]) => xs.reduce<number>((t, x) => t + Number(x), 0);
const col = (rows: unknown[][], header: string) => {
  const i = (rows[0] as string[]).indexOf(header);
  expect(i, `column ${header} in ${(rows[0] as string[]).join(' | ')}`).toBeGreaterThanOrEqual(0);
  return rows.slice(1).map((r) => r[i]);
};
/** Chinese first, then English; a weight says its unit. */
function bilingual(header: unknown[], weights = true) {
  for (const h of header as string[]) expect(h, h).toMatch(/^[\u4e00-\u9fff][^ ]* [A-Z][^\u4e00-\u9fff]*$/);
  if (weights) expect(header.some((h) => String(h).endsWith('(kg)'))).toBe(true);
}
async function truth<T = { n: number; kg: number }>(sql: string, params: unknown[] = []): Promise<T> {
  return (await h.owner.query(sql, params)).rows[0];
}
const DAY_OF = `to_char(te.weighed_at AT TIME ZONE s.timezone, 'YYYY-MM-DD')`;

beforeAll(async () => {
  h = await reconApi({ seed: 21, from: FROM, days: 24, districts: 3, populationScale: 0.08, faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 1])) }, '2026-03-30T00:00:00Z');
  admin = await h.as({ username: 'x.admin', role: 'ADMIN' });
}, 300_000);
afterAll(async () => {
  await h?.close();
});

describe('route runs', () => {
  const path = `/api/v1/reconciliation/route-runs?from=${FROM}&to=${TO}&limit=9`;
  test('CSV: every run of the range, in the JSON’s order; the tonnes are the run tickets’', async () => {
    const [rows, json] = await Promise.all([csvOf(admin, `${path}&format=csv`, /route-runs-2026-03-01-2026-03-24\.csv/), everyPage<RouteRunView>(admin, path, (r) => `${r.routeId}|${r.serviceDay}`)]);
    bilingual(rows[0]!);
    expect(rows[0]!.slice(0, 3)).toEqual(['日期 Service day', '线路 Route', '线路ID Route ID']);
    expect(json.pages).toBeGreaterThan(3);
    expect(rows.slice(1).map((r) => `${r[2]}|${r[0]}`)).toEqual(json.items.map((r) => `${r.routeId}|${r.serviceDay}`));
    const t = await truth(`SELECT count(*)::int AS n, sum(te.net_kg)::float8 AS kg FROM recon_run_ticket rt JOIN ticket_effective te ON te.id = rt.ticket_id WHERE rt.service_day BETWEEN $1 AND $2`, [FROM, TO]);
    expect(sum(col(rows, '净重 Net (kg)'))).toBe(t.kg);
    expect(sum(col(rows, '实际车次 Trips'))).toBe(t.n);
    expect(col(rows, '计划内 Scheduled').every((v) => v === 'true' || v === 'false')).toBe(true);
  });

  test('XLSX: the same rows cell by cell, kg as integers and tonnes to three decimals', async () => {
    const [{ rows, ws }, json] = await Promise.all([xlsxOf(admin, `${path}&format=xlsx`, /route-runs-2026-03-01-2026-03-24\.xlsx/), everyPage<RouteRunView>(admin, path, (r) => `${r.routeId}|${r.serviceDay}`)]);
    expect(rows).toHaveLength(json.items.length + 1);
    json.items.forEach((r, i) => {
      expect(rows[i + 1], `${r.routeCode} ${r.serviceDay}`).toEqual([
        r.serviceDay, r.routeCode, r.routeId, r.districtId, r.stream, r.kind, r.originSiteId, r.destinationSiteId, r.scheduled, r.status, r.plannedTrips, r.trips, r.missedTrips, r.unplannedSiteTrips,
        r.plannedKg, r.kg.total, r.kg.WEIGHED, r.kg.STORED_TARE, r.kg.KEYED, r.kg.ESTIMATED, r.tolerance.share, r.tolerance.minKg, r.kg.total / 1000,
      ]);
    });
    const netKg = (rows[0] as string[]).indexOf('净重 Net (kg)') + 1;
    expect(ws.getRow(2).getCell(netKg).numFmt).toBe('#,##0');
    expect(ws.getRow(2).getCell(rows[0]!.length).numFmt).toBe('#,##0.000');
  });
});

describe('custody legs and balances', () => {
  test('legs, CSV and XLSX: one row per departure in the range, out kg adding up to the departures', async () => {
    const departures = await truth(`SELECT count(*)::int AS n, sum(te.net_kg)::float8 AS kg FROM ticket_effective te JOIN site s ON s.id = te.site_id WHERE te.direction = 'OUT' AND NOT te.voided AND ${DAY_OF} BETWEEN $1 AND $2`, [FROM, TO]);
    const path = `/api/v1/reconciliation/legs?from=${FROM}&to=${TO}&limit=40`;
    const [csv, { rows: xlsx }, json] = await Promise.all([csvOf(admin, `${path}&format=csv`, /legs-.*\.csv/), xlsxOf(admin, `${path}&format=xlsx`, /legs-.*\.xlsx/), everyPage<CustodyLegView>(admin, path, (l) => l.outTicketId)]);
    expect(departures.n).toBeGreaterThan(120); // several pages of 40
    for (const rows of [csv, xlsx]) {
      bilingual(rows[0]!);
      expect(rows.length - 1).toBe(departures.n);
      expect(sum(col(rows, '出站净重 Out (kg)'))).toBe(departures.kg);
      expect(col(rows, '出站磅单ID Departure ticket ID')).toEqual(json.items.map((l) => l.outTicketId));
    }
    for (const rows of [csv, xlsx]) {
      expect(col(rows, '出站重量来源 Out provenance')).toEqual(json.items.map((l) => l.outProvenance));
      expect(col(rows, '到达重量来源 In provenance').map((v) => v || null)).toEqual(json.items.map((l) => l.inProvenance));
    }
    const diff = col(xlsx, '差额 Difference in − out (kg)');
    json.items.forEach((l, i) => expect(diff[i]).toBe(l.inKg === null ? null : l.inKg - l.outKg));
  });

  test('balances per day and per month: the in column adds up to the stations’ inbound tickets', async () => {
    const inbound = await truth(`SELECT count(*)::int AS n, sum(te.net_kg)::float8 AS kg FROM ticket_effective te JOIN site s ON s.id = te.site_id WHERE te.direction = 'IN' AND NOT te.voided AND s.kind = 'TRANSFER_STATION' AND ${DAY_OF} BETWEEN $1 AND $2`, [FROM, TO]);
    const daily = await csvOf(admin, `/api/v1/reconciliation/balances?from=${FROM}&to=${TO}&limit=7&format=csv`, /balances-day-2026-03-01-2026-03-24\.csv/);
    bilingual(daily[0]!);
    expect(sum(col(daily, '进站 In (kg)'))).toBe(inbound.kg);
    const path = `/api/v1/reconciliation/balances?from=${FROM}&to=${TO}&period=month&limit=1`;
    const [{ rows }, json] = await Promise.all([xlsxOf(admin, `${path}&format=xlsx`, /balances-month-.*\.xlsx/), everyPage<StationBalancePeriodView>(admin, path, (b) => `${b.period}|${b.siteId}|${b.stream}`)]);
    expect(json.pages).toBeGreaterThan(1);
    expect(rows[0]!.slice(0, 4)).toEqual(['期间 Period', '站点 Site ID', '品类 Stream', '天数 Days']);
    expect(sum(col(rows, '进站 In (kg)'))).toBe(inbound.kg);
    expect(col(rows, '进站 In (t)')).toEqual(json.items.map((b) => b.inKg / 1000));
    expect(col(rows, '天数 Days').every((d) => d === 24)).toBe(true);
  });
});

describe('reports', () => {
  test('permit usage per month, CSV: trips and kg as the tipping tickets have them', async () => {
    const t = await truth(`SELECT count(*)::int AS n, sum(te.net_kg)::float8 AS kg FROM ticket_effective te JOIN site s ON s.id = te.site_id
      WHERE NOT te.voided AND te.direction = 'IN' AND s.kind <> 'PROJECT_SITE' AND te.permit_id IS NOT NULL AND te.stream_code IN ('CONSTRUCTION', 'RENOVATION') AND ${DAY_OF} BETWEEN $1 AND $2`, [FROM, TO]);
    const rows = await csvOf(admin, `/api/v1/reconciliation/permits?from=${FROM}&to=${TO}&period=day&format=csv`, /permits-2026-03-01-2026-03-24\.csv/);
    bilingual(rows[0]!);
    expect(rows[0]![0]).toBe('期间 Period');
    expect([sum(col(rows, '车次 Trips')), sum(col(rows, '已用 Used (kg)'))]).toEqual([t.n, t.kg]);
    const split = await truth<Record<'weighed' | 'stored' | 'keyed' | 'estimated', number>>(`SELECT coalesce(sum(te.net_kg) FILTER (WHERE te.provenance = 'WEIGHED'), 0)::float8 AS weighed, coalesce(sum(te.net_kg) FILTER (WHERE te.provenance = 'STORED_TARE'), 0)::float8 AS stored,
        coalesce(sum(te.net_kg) FILTER (WHERE te.provenance = 'KEYED'), 0)::float8 AS keyed, coalesce(sum(te.net_kg) FILTER (WHERE te.provenance = 'ESTIMATED'), 0)::float8 AS estimated
      FROM ticket_effective te JOIN site s ON s.id = te.site_id
      WHERE NOT te.voided AND te.direction = 'IN' AND s.kind <> 'PROJECT_SITE' AND te.permit_id IS NOT NULL AND te.stream_code IN ('CONSTRUCTION', 'RENOVATION') AND ${DAY_OF} BETWEEN $1 AND $2`, [FROM, TO]);
    expect(['已用称重 Used weighed (kg)', '已用预置皮重 Used stored tare (kg)', '已用手工录入 Used keyed (kg)', '已用估重 Used estimated (kg)'].map((c) => sum(col(rows, c)))).toEqual([split.weighed, split.stored, split.keyed, split.estimated]);
    expect(rows[0]).toContain('已用(估) Used, estimated (m³)');
  });

  test('targets and report quality, XLSX: the JSON’s rows', async () => {
    const d0 = h.s.city.districts[0]!.id;
    await h.owner.query(`INSERT INTO target (district_id, metric, period_kind, period_start, value, unit) VALUES ($1, 'SEPARATION_RATE', 'MONTH', '2026-03-01', 0.2, 'ratio'), ($1, 'KITCHEN_TPD', 'MONTH', '2026-03-01', 1, 't/d')`, [d0]);
    const targets = (await admin.get(`/api/v1/reconciliation/targets?asOf=${TO}`)).body.items as { metric: string; actual: number | null; rank: number | null }[];
    const { rows: t } = await xlsxOf(admin, `/api/v1/reconciliation/targets?asOf=${TO}&format=xlsx`, /targets-2026-03-24\.xlsx/);
    bilingual(t[0]!, false);
    expect(t.slice(1).map((r) => [r[1], r[7], r[11]])).toEqual(targets.map((x) => [x.metric, x.actual, x.rank]));
    const quality = (await admin.get('/api/v1/reconciliation/quality?period=2026-03')).body as { sites: { siteId: string; counts: { tickets: number } }[]; districts: unknown[] };
    const { rows: q } = await xlsxOf(admin, '/api/v1/reconciliation/quality?period=2026-03&format=xlsx', /quality-2026-03\.xlsx/);
    bilingual(q[0]!);
    expect(q.length - 1).toBe(quality.sites.length + quality.districts.length);
    const tickets = await truth(`SELECT count(*)::int AS n, 0 AS kg FROM ticket_effective te JOIN site s ON s.id = te.site_id WHERE ${DAY_OF} BETWEEN $1 AND $2`, [FROM, TO]);
    const siteRows = q.slice(1).filter((r) => r[0] === 'site');
    expect(sum(siteRows.map((r) => r[(q[0] as string[]).indexOf('磅单 Tickets')]))).toBe(tickets.n);
  });

  test('anomalies: every finding in one file, however many pages; a refusal is still a JSON 403', async () => {
    // 1,234 more findings than the scenario raised, so the export spans many pages
    await h.owner.query(`INSERT INTO anomaly (natural_key, kind, service_day, summary, details)
      SELECT 'EXPORT_TEST:' || g, 'OVERWEIGHT', DATE '2026-03-01' + (g % 24), 'export test ' || g, '{}' FROM generate_series(1, 1234) g`);
    const { rows: all } = await h.owner.query<{ id: string }>(`SELECT id FROM anomaly ORDER BY service_day DESC, id DESC`);
    const rows = await csvOf(admin, `/api/v1/anomalies?limit=500&format=csv`, /anomalies-start-now\.csv/);
    bilingual(rows[0]!, false);
    expect(col(rows, '编号 Anomaly ID')).toEqual(all.map((a) => a.id));
    const { rows: x } = await xlsxOf(admin, `/api/v1/anomalies?from=${FROM}&to=${TO}&kind=OVERWEIGHT&format=xlsx`, /anomalies-2026-03-01-2026-03-24\.xlsx/);
    const json = await everyPage<AnomalyView>(admin, `/api/v1/anomalies?from=${FROM}&to=${TO}&kind=OVERWEIGHT&limit=500`, (a) => a.id);
    expect(col(x, '编号 Anomaly ID')).toEqual(json.items.map((a) => a.id));
    expect(x.length - 1).toBeGreaterThan(1234);
    const insp = await h.as({ username: 'x.insp', role: 'INSPECTOR', districtId: h.s.city.districts[0]!.id });
    const refused = await insp.raw(`/api/v1/reconciliation/legs?from=${FROM}&to=${TO}&districtId=${h.s.city.districts[1]!.id}&format=csv`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
