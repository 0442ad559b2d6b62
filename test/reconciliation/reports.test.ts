// Reports on a generated month: the report-quality score, the XLSX export and the monthly
// district PDF. Faults are planted the way they happen: one site's uploads lag three hours
// for two days, and a site with an active station device never sends a ticket.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import ExcelJS from 'exceljs';
import pg from 'pg';
import type { DistrictFigures, DistrictRankings, ReportQuality, TotalsRow } from '@haulproof/contracts';
import { renderDistrictMonthPdf, reportFont } from '../../server/src/reports/district-month-pdf.js';
import { generateScenario, writeScenario, type Scenario } from '../../server/src/reconciliation/scenario/index.js';
import { startTestServer } from '../support/server.js';
import { api, userToken } from '../support/users.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let s: Scenario;
let owner: pg.Client;
let admin: ReturnType<typeof api>;
let districtInspector: ReturnType<typeof api>;
let adminToken: string;
const FROM = '2026-03-01';
const TO = '2026-03-31';
const LATE_DAYS = ['2026-03-10', '2026-03-11'];
let lateSiteId: string;
let lateTickets = 0;
const silentSiteId = '00000000-0000-4000-8000-00000000a11e';

beforeAll(async () => {
  server = await startTestServer();
  s = generateScenario({ seed: 21, from: FROM, days: 31, districts: 2, populationScale: 0.05 });
  // the busiest site of district 0 is the one whose uploads lag
  const busy = new Map<string, number>();
  for (const t of s.tickets) busy.set(t.siteId, (busy.get(t.siteId) ?? 0) + 1);
  const d0Sites = s.city.sites.filter((x) => x.device && x.districtId === s.city.districts[0]!.id);
  lateSiteId = d0Sites.sort((a, b) => (busy.get(b.id) ?? 0) - (busy.get(a.id) ?? 0))[0]!.id;
  for (const t of s.tickets) {
    const day = new Date(t.weighedAt + 8 * 3_600_000).toISOString().slice(0, 10);
    if (t.siteId === lateSiteId && LATE_DAYS.includes(day)) {
      t.receivedAt = t.weighedAt + 3 * 3_600_000; // past the 2 h rule
      lateTickets++;
    }
  }
  owner = new pg.Client({ connectionString: server.databaseUrl });
  await owner.connect();
  await writeScenario(owner, s);
  const d1 = s.city.districts[1]!.id;
  await owner.query(`INSERT INTO site (id, code, name_zh, name_en, kind, district_id, capacity_tpd) VALUES ($1, 'SILENT-LF', '沉默填埋场', 'Silent landfill', 'LANDFILL', $2, 500)`, [silentSiteId, d1]);
  await owner.query(`INSERT INTO station_device (code, site_id, public_key, status) VALUES ('SILENT-DEV', $1, $2, 'ACTIVE')`, [silentSiteId, `${'A'.repeat(43)}=`]);
  await server.ctx.reconciliation.engine.recomputeRange(FROM, TO, Date.parse('2026-04-05T00:00:00Z'));
  adminToken = await userToken(server, { username: 'q.admin', role: 'ADMIN' });
  admin = api(server.url, adminToken);
  districtInspector = api(server.url, await userToken(server, { username: 'q.insp.d', role: 'INSPECTOR', districtId: s.city.districts[0]!.id }));
}, 300_000);
afterAll(async () => {
  await owner?.end();
  await server?.close();
});

describe('report-quality score', () => {
  let q: ReportQuality;
  beforeAll(async () => {
    const res = await admin.get('/api/v1/reconciliation/quality?period=2026-03');
    expect(res.status).toBe(200);
    q = res.body as ReportQuality;
  });

  test('late uploads lower the site’s timeliness, and only that', async () => {
    expect(q).toMatchObject({ from: FROM, to: TO, lateAfterMinutes: 120 });
    const late = q.sites.find((x) => x.siteId === lateSiteId)!;
    expect(lateTickets).toBeGreaterThan(0);
    expect(late.counts.lateTickets).toBe(lateTickets);
    expect(late.timeliness).toBeCloseTo(100 * (1 - lateTickets / late.counts.tickets), 1);
    expect(late.timeliness).toBeLessThan(100);
    expect(late.completeness).toBe(100); // it reported every day, just late
    for (const x of q.sites.filter((x) => x.siteId !== lateSiteId && x.counts.tickets > 0)) expect(x.timeliness).toBe(100);
    const district = q.districts.find((d) => d.districtId === late.districtId)!;
    expect(district.counts.lateTickets).toBe(lateTickets);
    expect(district.timeliness).toBeLessThan(100);
  });

  test('a silent site scores 0 on completeness and drags its district’s completeness down', async () => {
    const silent = q.sites.find((x) => x.siteId === silentSiteId)!;
    expect(silent).toMatchObject({ timeliness: null, completeness: 0, consistency: null, score: 0 });
    expect(silent.counts).toMatchObject({ siteDays: 31, silentDays: 31, tickets: 0 });
    const d1 = q.districts.find((d) => d.districtId === s.city.districts[1]!.id)!;
    const others = q.sites.filter((x) => x.districtId === d1.districtId && x.siteId !== silentSiteId);
    const withoutSilent = others.reduce((t, x) => t + x.counts.silentDays, 0);
    expect(d1.counts.silentDays).toBe(withoutSilent + 31);
    expect(d1.completeness).toBeLessThan(100);
    expect(d1.timeliness).toBe(100); // the late site is in district 0
  });

  test('a district inspector gets their district, and is refused another', async () => {
    const own = (await districtInspector.get('/api/v1/reconciliation/quality?period=2026-03')).body as ReportQuality;
    expect(new Set(own.districts.map((d) => d.districtId))).toEqual(new Set([s.city.districts[0]!.id]));
    expect((await districtInspector.get(`/api/v1/reconciliation/quality?period=2026-03&districtId=${s.city.districts[1]!.id}`)).status).toBe(403);
    expect((await admin.get('/api/v1/reconciliation/quality?period=2026-13')).status).toBe(400);
  });
});

describe('XLSX export', () => {
  const sheetOf = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.worksheets[0]!;
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return { rows, disposition: res.headers.get('content-disposition'), ws };
  };

  test('district figures: the JSON figures, as numbers, kg integers and tonnes to 3 decimals', async () => {
    const path = `/api/v1/reconciliation/districts?from=${FROM}&to=${TO}&period=month`;
    const { rows, disposition, ws } = await sheetOf(`${path}&format=xlsx`);
    expect(disposition).toMatch(/districts-2026-03-01-2026-03-31\.xlsx/);
    const [header, ...body] = rows;
    expect(header).toEqual(expect.arrayContaining(['期间 Period', '收运净重 Collected net (kg)', '处置净重 Disposed net (kg)', '收运 Collected (t)', '处置 Disposed (t)']));
    const json = (await admin.get(path)).body as DistrictFigures;
    expect(body).toHaveLength(json.rows.length);
    json.rows.forEach((r, i) => {
      expect(body[i]).toEqual([r.period, r.districtId ?? 'UNATTRIBUTED', r.stream, r.collected.total, r.collected.WEIGHED, r.collected.STORED_TARE, r.collected.KEYED, r.collected.ESTIMATED, r.disposed.total, r.disposed.WEIGHED, r.disposed.STORED_TARE, r.disposed.KEYED, r.disposed.ESTIMATED, r.apportionedKg, r.collected.total / 1000, r.disposed.total / 1000]);
      expect(Number.isInteger(body[i]![3])).toBe(true);
    });
    expect(ws.getCell('D2').numFmt).toBe('#,##0');
    expect(ws.getCell('O2').numFmt).toBe('#,##0.000');
  });

  test('totals: the same rows as JSON', async () => {
    const path = `/api/v1/reconciliation/totals?from=${FROM}&to=${TO}&period=month&groupBy=site,stream,direction`;
    const { rows } = await sheetOf(`${path}&format=xlsx`);
    const json = ((await admin.get(path)).body as { rows: TotalsRow[] }).rows;
    expect(rows[0]).toEqual(['期间 Period', '站点 Site ID', '区 District ID', '品类 Stream', '方向 Direction', '车次 Tickets', '净重 Net (kg)', '称重 Weighed (kg)', '预置皮重 Stored tare (kg)', '手工录入 Keyed (kg)', '估重 Estimated (kg)', '净重 Net (t)']);
    expect(rows.slice(1)).toEqual(json.map((r) => [r.period, r.siteId, undefined, r.stream, r.direction, r.tickets, r.kg.total, r.kg.WEIGHED, r.kg.STORED_TARE, r.kg.KEYED, r.kg.ESTIMATED, r.kg.total / 1000]));
  });
});

describe('monthly district report (PDF)', () => {
  const pdfPath = (districtId: string, month = '2026-03') => `/api/v1/reconciliation/reports/district-month.pdf?districtId=${districtId}&month=${month}`;
  const fetchAs = (token: string, path: string) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  /** The text a PDF shows, from uncompressed content streams written in a standard font (hex strings in TJ arrays). */
  const shownText = (pdf: Buffer) =>
    [...pdf.toString('latin1').matchAll(/\[([^\]]*)\]\s*TJ/g)]
      .map((m) => [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
      .join('\n');

  test('an inspector of the district gets a PDF; another district is refused; a bad month is a 400', async () => {
    const token = await userToken(server, { username: 'q.insp.pdf', role: 'INSPECTOR', districtId: s.city.districts[0]!.id });
    const res = await fetchAs(token, pdfPath(s.city.districts[0]!.id));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/\.pdf/);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await fetchAs(token, pdfPath(s.city.districts[1]!.id))).status).toBe(403);
    expect((await fetchAs(token, pdfPath(s.city.districts[0]!.id, '2026-13'))).status).toBe(400);
    expect((await fetchAs(token, pdfPath(s.city.districts[0]!.id, '2026-3'))).status).toBe(400);
    const dispatcher = await userToken(server, { username: 'q.disp.pdf', role: 'DISPATCHER', districtId: s.city.districts[0]!.id });
    expect((await fetchAs(dispatcher, pdfPath(s.city.districts[0]!.id))).status).toBe(403);
  });

  test('with a CJK font on the machine the font is embedded', async () => {
    const font = reportFont();
    if (!font) return; // English-only machine: the next test covers the figures
    const res = await fetchAs(adminToken, pdfPath(s.city.districts[0]!.id));
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.toString('latin1')).toMatch(/\/FontFile2/);
  });

  test('the figures appear in the content (uncompressed, English labels)', async () => {
    const d0 = s.city.districts[0]!;
    const principal = { userId: '00000000-0000-4000-8000-000000000001', username: 'q.admin', role: 'ADMIN' as const, siteId: null, carrierId: null, districtId: null };
    const report = await server.ctx.reconciliation.districtReports.gather(principal, { districtId: d0.id, month: '2026-03' });
    const text = shownText(await renderDistrictMonthPdf(report, { font: null, compress: false }));
    const figures = (await admin.get(`/api/v1/reconciliation/districts?from=${FROM}&to=${TO}&period=month&districtId=${d0.id}`)).body as DistrictFigures;
    const quality = ((await admin.get(`/api/v1/reconciliation/quality?period=2026-03&districtId=${d0.id}`)).body as ReportQuality).districts[0]!;
    const t3 = (kg: number) => (kg / 1000).toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });
    expect(text).toContain(d0.nameEn);
    expect(text).toContain(d0.population.toLocaleString('en-US'));
    for (const r of figures.rows.filter((x) => x.districtId === d0.id)) {
      expect(text).toContain(t3(r.collected.total));
      expect(text).toContain(t3(r.disposed.total));
    }
    const m = figures.metrics[0]!;
    expect(text).toContain(`Household kg/resident/day: ${m.kgPerResidentPerDay.toFixed(3)}`);
    expect(text).toContain(`Separation rate: ${(m.separationRate! * 100).toFixed(1)}%`);
    expect(text).toContain('n/a (no prior year)');
    expect(text).toContain(`Score (0–100): ${quality.score!.toFixed(1)}`.replace('–', '\x96')); // WinAnsi en dash
    expect(text).toContain(`(${lateTickets} / ${quality.counts.tickets} late)`);
    const { rows } = await owner.query(`SELECT count(*)::int AS n FROM anomaly WHERE district_id = $1 AND service_day BETWEEN $2 AND $3`, [d0.id, FROM, TO]);
    expect(text).toContain(`Raised for the month: ${rows[0].n}`);
    // its place among all districts, as GET /rankings gives it
    const ranked = ((await admin.get(`/api/v1/reconciliation/rankings?period=2026-03`)).body as DistrictRankings).rankings.find((k) => k.metric === 'SEPARATION_RATE')!;
    const own = ranked.entries.find((e) => e.districtId === d0.id)!;
    expect(text).toContain(`Separation rate: ${own.rank} / ${s.city.districts.length} (${(own.value! * 100).toFixed(1)}%)`);
  });
});
