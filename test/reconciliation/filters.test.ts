// Every reconciliation figure by site, district, stream and period, and every list to its last
// page. Expected sets come from the tickets (ticket_effective) and the generated registry, not
// from the repositories under test; a list is walked page by page with a small limit.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CustodyLegView, DistrictFigures, PermitUsage, RouteRunView, StationBalancePeriodView, StationBalanceView } from '@haulproof/contracts';
import { FAULT_KINDS } from '../../server/src/reconciliation/scenario/faults.js';
import { everyPage, reconApi, type Caller, type ReconApi } from './api-harness.js';

const FROM = '2026-02-18'; // two months: 18 Feb … 13 Mar
const TO = '2026-03-13';
let h: ReconApi;
let admin: Caller;
const sorted = (xs: string[]) => [...xs].sort();
const districtOf = (siteId: string | null) => h.s.city.sites.find((x) => x.id === siteId)?.districtId ?? null;

beforeAll(async () => {
  h = await reconApi({ seed: 5, from: FROM, days: 24, districts: 3, populationScale: 0.08, faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 1])) }, '2026-03-20T00:00:00Z');
  admin = await h.as({ username: 'f.admin', role: 'ADMIN' });
}, 300_000);
afterAll(async () => {
  await h?.close();
});

/** Sums of non-void tickets by a key, from ticket_effective with the site's local day. */
async function ticketSums(where: string, params: unknown[], key: string): Promise<Map<string, { n: number; kg: number }>> {
  const { rows } = await h.owner.query<{ k: string; n: number; kg: number }>(
    `SELECT ${key} AS k, count(*)::int AS n, sum(te.net_kg)::float8 AS kg FROM (SELECT te.*, to_char(te.weighed_at AT TIME ZONE s.timezone, 'YYYY-MM-DD') AS day, s.kind AS site_kind FROM ticket_effective te JOIN site s ON s.id = te.site_id) te
      WHERE NOT te.voided AND te.day BETWEEN '${FROM}' AND '${TO}' AND ${where} GROUP BY 1`,
    params,
  );
  return new Map(rows.map((r) => [r.k, { n: r.n, kg: r.kg }]));
}

describe('route runs', () => {
  test('by destination site, stream, district and days: exactly the matching runs, newest first, over every page', async () => {
    const { rows } = await h.owner.query<{ routeId: string; day: string }>(`SELECT route_id AS "routeId", to_char(service_day, 'YYYY-MM-DD') AS day FROM recon_route_run`);
    const route = (id: string) => [...h.s.city.routes, ...h.s.city.haulRoutes].find((r) => r.id === id)!; // haul runs too
    const station = h.s.city.sites.find((x) => x.kind === 'TRANSFER_STATION')!;
    const cases: [string, (r: { routeId: string; day: string }) => boolean][] = [
      [`siteId=${station.id}`, (r) => route(r.routeId).destinationSiteId === station.id],
      ['stream=KITCHEN', (r) => route(r.routeId).stream === 'KITCHEN'],
      [`districtId=${h.s.city.districts[1]!.id}&stream=OTHER`, (r) => route(r.routeId).districtId === h.s.city.districts[1]!.id && route(r.routeId).stream === 'OTHER'],
    ];
    for (const [filter, want] of cases) {
      const from = '2026-02-25';
      const { items, pages } = await everyPage<RouteRunView>(admin, `/api/v1/reconciliation/route-runs?from=${from}&to=${TO}&limit=7&${filter}`, (r) => `${r.routeId}|${r.serviceDay}`);
      const expected = rows.filter((r) => r.day >= from && r.day <= TO && want(r));
      expect(expected.length, filter).toBeGreaterThan(7);
      expect(pages, filter).toBe(Math.ceil(expected.length / 7));
      expect(sorted(items.map((r) => `${r.routeId}|${r.serviceDay}`)), filter).toEqual(sorted(expected.map((r) => `${r.routeId}|${r.day}`)));
      const inOrder = (a: RouteRunView, b: RouteRunView) => a.serviceDay > b.serviceDay || (a.serviceDay === b.serviceDay && a.routeCode < b.routeCode);
      expect(items.every((r, i) => i === 0 || inOrder(items[i - 1]!, r)), `${filter}: newest day first, then route code`).toBe(true);
    }
  });

  test('a district inspector may narrow their runs to a site in another district; a cursor not issued here is a 400', async () => {
    const d = h.s.city.districts.find((x) => h.s.city.routes.some((r) => r.districtId === x.id && districtOf(r.destinationSiteId) !== x.id))!;
    const away = h.s.city.routes.find((r) => r.districtId === d.id && districtOf(r.destinationSiteId) !== d.id)!.destinationSiteId;
    const insp = await h.as({ username: 'f.insp.runs', role: 'INSPECTOR', districtId: d.id });
    const res = await insp.get(`/api/v1/reconciliation/route-runs?from=${FROM}&to=${TO}&siteId=${away}&limit=500`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect((res.body.items as RouteRunView[]).every((r) => r.districtId === d.id && r.destinationSiteId === away)).toBe(true);
    expect((await admin.get(`/api/v1/reconciliation/route-runs?from=${FROM}&to=${TO}&cursor=bm90LWEtY3Vyc29y`)).status).toBe(400);
    expect((await admin.get(`/api/v1/reconciliation/route-runs?from=${FROM}&to=${TO}&limit=501`)).status).toBe(400);
  });
});

describe('custody legs', () => {
  let legs: { out: string; fromSite: string; toSite: string | null; stream: string }[];
  beforeAll(async () => {
    // the departure and (if matched) the arrival, as tickets: sites and stream from the ledger
    legs = (
      await h.owner.query(`SELECT l.out_ticket_id AS out, o.site_id AS "fromSite", i.site_id AS "toSite", o.stream_code AS stream
        FROM recon_custody_leg l JOIN ticket_effective o ON o.id = l.out_ticket_id LEFT JOIN ticket_effective i ON i.id = l.in_ticket_id`)
    ).rows;
  });

  test('every departure is a leg, and every leg comes back across the pages, latest first', async () => {
    const departures = await ticketSums(`te.direction = 'OUT'`, [], 'te.id::text');
    const { items, pages } = await everyPage<CustodyLegView>(admin, `/api/v1/reconciliation/legs?from=${FROM}&to=${TO}&limit=50`, (l) => l.outTicketId);
    expect(departures.size).toBeGreaterThan(200);
    expect(pages).toBe(Math.ceil(departures.size / 50));
    expect(sorted(items.map((l) => l.outTicketId))).toEqual(sorted([...departures.keys()]));
    expect(items.every((l, i) => i === 0 || items[i - 1]!.departedAt >= l.departedAt)).toBe(true);
  });

  test('each leg shows how its departure and its arrival were weighed, as ticket_effective has them', async () => {
    const { rows } = await h.owner.query<{ id: string; provenance: string }>(`SELECT id, provenance FROM ticket_effective`);
    const provenance = new Map(rows.map((r) => [r.id, r.provenance]));
    const { items } = await everyPage<CustodyLegView>(admin, `/api/v1/reconciliation/legs?from=${FROM}&to=${TO}&limit=200`, (l) => l.outTicketId);
    expect(items.length).toBeGreaterThan(200);
    for (const l of items) {
      expect([l.outProvenance, l.inProvenance], l.outTicketId).toEqual([provenance.get(l.outTicketId), l.inTicketId === null ? null : provenance.get(l.inTicketId)]);
    }
    expect(items.some((l) => l.inProvenance === null)).toBe(true);
    expect(new Set(items.flatMap((l) => [l.outProvenance, l.inProvenance ?? l.outProvenance])).size, 'more than one provenance among the legs').toBeGreaterThan(1);
  });

  test('a district matches a leg at either end; stream is the stream it left as', async () => {
    for (const d of h.s.city.districts) {
      const { items } = await everyPage<CustodyLegView>(admin, `/api/v1/reconciliation/legs?from=${FROM}&to=${TO}&limit=200&districtId=${d.id}&stream=OTHER`, (l) => l.outTicketId);
      const want = legs.filter((l) => l.stream === 'OTHER' && (districtOf(l.fromSite) === d.id || districtOf(l.toSite) === d.id));
      expect(sorted(items.map((l) => l.outTicketId)), d.code).toEqual(sorted(want.map((l) => l.out)));
    }
    const crossing = legs.filter((l) => l.toSite && districtOf(l.fromSite) !== districtOf(l.toSite));
    expect(crossing.length).toBeGreaterThan(0); // so "either end" was tested, not just "from"
    const insp = await h.as({ username: 'f.insp.legs', role: 'INSPECTOR', districtId: h.s.city.districts[0]!.id });
    expect((await insp.get(`/api/v1/reconciliation/legs?from=${FROM}&to=${TO}&districtId=${h.s.city.districts[1]!.id}`)).status).toBe(403);
  });
});

describe('station balances', () => {
  const stationsOf = (districtId: string) => h.s.city.sites.filter((x) => x.kind === 'TRANSFER_STATION' && x.districtId === districtId);

  test('per day, by district and stream: in and out are the tickets’ kg, one row per station and day', async () => {
    const d = h.s.city.districts.find((x) => stationsOf(x.id).length > 0)!;
    const { items } = await everyPage<StationBalanceView>(admin, `/api/v1/reconciliation/balances?from=${FROM}&to=${TO}&districtId=${d.id}&stream=KITCHEN&limit=9`, (b) => `${b.siteId}|${b.serviceDay}|${b.stream}`);
    expect(items).toHaveLength(stationsOf(d.id).length * 24);
    const sums = await ticketSums(`te.site_kind = 'TRANSFER_STATION' AND te.stream_code = 'KITCHEN'`, [], `te.site_id || '|' || te.day || '|' || te.direction`);
    for (const b of items) {
      expect(stationsOf(d.id).map((x) => x.id)).toContain(b.siteId);
      expect([b.inKg, b.outKg], `${b.siteId} ${b.serviceDay}`).toEqual([sums.get(`${b.siteId}|${b.serviceDay}|IN`)?.kg ?? 0, sums.get(`${b.siteId}|${b.serviceDay}|OUT`)?.kg ?? 0]);
    }
  });

  test('per month: flows summed in the site’s calendar, stock at the ends of the month', async () => {
    const { items, pages } = await everyPage<StationBalancePeriodView>(admin, `/api/v1/reconciliation/balances?from=${FROM}&to=${TO}&period=month&limit=2`, (b) => `${b.period}|${b.siteId}|${b.stream}`);
    expect(pages).toBeGreaterThan(1);
    const sums = await ticketSums(`te.site_kind = 'TRANSFER_STATION'`, [], `left(te.day, 7) || '|' || te.site_id || '|' || te.stream_code || '|' || te.direction`);
    const { items: daily } = await everyPage<StationBalanceView>(admin, `/api/v1/reconciliation/balances?from=${FROM}&to=${TO}&limit=500`, (b) => `${b.siteId}|${b.serviceDay}|${b.stream}`);
    expect(new Set(items.map((b) => b.period))).toEqual(new Set(['2026-02', '2026-03']));
    for (const b of items) {
      const key = `${b.period}|${b.siteId}|${b.stream}`;
      const days = daily.filter((x) => x.siteId === b.siteId && x.stream === b.stream && x.serviceDay.startsWith(b.period)).sort((x, y) => (x.serviceDay < y.serviceDay ? -1 : 1));
      expect(b.days, key).toBe(b.period === '2026-02' ? 11 : 13);
      expect([b.inKg, b.outKg], key).toEqual([sums.get(`${key}|IN`)?.kg ?? 0, sums.get(`${key}|OUT`)?.kg ?? 0]);
      expect([b.openingKg, b.closingKg], key).toEqual([days[0]!.openingKg, days.at(-1)!.closingKg]);
      expect(b.imbalancedDays, key).toBe(days.filter((x) => x.imbalanceKg !== 0).length);
    }
  });
});

describe('permit usage', () => {
  test('over a range, per month, by site, district and stream: the tipping tickets under each permit', async () => {
    // counted where a load is tipped (any site but a project site), wherever that was: a wrong site still uses the permit
    const tipped = `te.site_kind <> 'PROJECT_SITE' AND te.direction = 'IN' AND te.stream_code IN ('CONSTRUCTION', 'RENOVATION') AND te.permit_id IS NOT NULL AND te.day >= '2026-02-25'`;
    const sums = await ticketSums(tipped, [], `te.permit_id || '|' || left(te.day, 7)`);
    const byProvenance = await ticketSums(tipped, [], `te.permit_id || '|' || left(te.day, 7) || '|' || te.provenance`);
    const split = (key: string) => ({ total: sums.get(key)!.kg, ...Object.fromEntries((['WEIGHED', 'STORED_TARE', 'KEYED', 'ESTIMATED'] as const).map((p) => [p, byProvenance.get(`${key}|${p}`)?.kg ?? 0])) });
    const permits = h.s.city.permits;
    const project = permits[0]!.originSiteId;
    const cases: [string, (p: (typeof permits)[number]) => boolean][] = [
      ['', () => true],
      [`&siteId=${project}`, (p) => p.originSiteId === project || p.disposalSiteId === project],
      [`&districtId=${districtOf(project)}`, (p) => [p.originSiteId, p.disposalSiteId].some((x) => districtOf(x) === districtOf(project))],
      ['&stream=RENOVATION', (p) => p.stream === 'RENOVATION'],
    ];
    for (const [filter, want] of cases) {
      const res = await admin.get(`/api/v1/reconciliation/permits?from=2026-02-25&to=${TO}&period=month${filter}`);
      expect(res.status, filter).toBe(200);
      const rows = res.body.items as PermitUsage[];
      const expected = [...sums].filter(([k]) => want(permits.find((p) => p.id === k.split('|')[0])!));
      expect(expected.length, filter || 'all').toBeGreaterThan(0);
      expect(sorted(rows.map((r) => `${r.id}|${r.period}`)), filter).toEqual(sorted(expected.map(([k]) => k)));
      for (const r of rows) {
        expect([r.trips, r.usedKg], `${r.permitNo} ${r.period}`).toEqual([sums.get(`${r.id}|${r.period}`)!.n, sums.get(`${r.id}|${r.period}`)!.kg]);
        expect(r.usedKgByProvenance, `${r.permitNo} ${r.period}`).toEqual(split(`${r.id}|${r.period}`));
      }
    }
    expect(new Set([...byProvenance.keys()].map((k) => k.split('|')[2])).size, 'permit tonnes of more than one provenance').toBeGreaterThan(1);
    // without a period: one row per permit, `asOf` the same as `to`
    const [byTo, byAsOf] = await Promise.all([admin.get(`/api/v1/reconciliation/permits?to=${TO}`), admin.get(`/api/v1/reconciliation/permits?asOf=${TO}`)]);
    expect(byTo.body).toEqual(byAsOf.body);
    expect(byTo.body.items).toHaveLength(permits.length);
    expect((await admin.get('/api/v1/reconciliation/permits')).status).toBe(400);
  });
});

describe('district figures', () => {
  test('by site: a plant’s intake shared out to districts; the metrics stay each district’s whole', async () => {
    const plant = h.s.city.sites.find((x) => x.kind === 'INCINERATOR')!;
    const path = `/api/v1/reconciliation/districts?from=${FROM}&to=${TO}&period=month`;
    const [bySite, whole] = (await Promise.all([admin.get(`${path}&siteId=${plant.id}`), admin.get(path)])).map((r) => r.body as DistrictFigures);
    const intake = await ticketSums(`te.site_id = $1 AND te.direction = 'IN'`, [plant.id], `'all'`);
    expect(bySite!.rows.reduce((t, r) => t + r.disposed.total, 0)).toBe(intake.get('all')!.kg);
    expect(bySite!.metrics).toEqual(whole!.metrics);
    const other = h.s.city.districts.find((d) => d.id !== plant.districtId)!;
    const insp = await h.as({ username: 'f.insp.figures', role: 'INSPECTOR', districtId: other.id });
    const own = await insp.get(`${path}&siteId=${plant.id}`);
    expect(own.status).toBe(200);
    expect(new Set((own.body as DistrictFigures).rows.map((r) => r.districtId))).toEqual(new Set([other.id]));
  });
});
