// Who sees which route runs, through the real API with real logins, on a generated city of
// three districts and several carriers. Expected sets come from the stored runs and the
// registry, with the access policy written out by hand below (nothing here asks the
// server's policy code):
//   admin, city inspector      every run
//   district inspector/office  runs of their district's routes
//   carrier dispatcher         runs of routes their carrier's trucks serve (any district)
//   operator                   runs delivering to their site (any district)
// Explicit filters compose with the scope; a filter naming something outside it is refused
// (403, 404 when there is no such thing), as on the other reconciliation endpoints. A load's
// trace shows, of what lies on its way, only the legs, tickets, runs and anomalies the asker
// may see through their own endpoints.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { RouteRunView, TraceView } from '@haulproof/contracts';
import { generateScenario, writeScenario, type Scenario } from '../../server/src/reconciliation/scenario/index.js';
import { hashPassword } from '../../server/src/services/passwords.js';
import { startTestServer } from '../support/server.js';
import { api } from '../support/users.js';

const FROM = '2026-03-01';
const TO = '2026-03-08';
const PASSWORD = 'route-run-scope-pw';

type Scope = { kind: 'all' } | { kind: 'district'; id: string } | { kind: 'carrier'; id: string } | { kind: 'site'; id: string };
interface Who {
  username: string;
  role: 'ADMIN' | 'INSPECTOR' | 'DISPATCHER' | 'OPERATOR';
  scope: Scope;
  call: ReturnType<typeof api>;
}
interface Run {
  id: string; // route id | day
  routeId: string;
  day: string;
  districtId: string;
  destinationSiteId: string;
  stream: string;
  status: string;
  carriers: string[];
}

let server: Awaited<ReturnType<typeof startTestServer>>;
let s: Scenario;
let owner: pg.Client;
let runs: Run[];
let who: Who[];
let home: string; // the district of the station where a trailer load was dumped
let away: string; // another district, with a station of its own

/** The runs the policy lets this person see. */
function visibleRuns(w: Who): Run[] {
  const sc = w.scope;
  if (sc.kind === 'all') return runs;
  if (sc.kind === 'district') return runs.filter((r) => r.districtId === sc.id);
  if (sc.kind === 'carrier') return runs.filter((r) => r.carriers.includes(sc.id));
  return runs.filter((r) => r.destinationSiteId === sc.id);
}

async function listed(w: Who, query: string): Promise<string[]> {
  const res = await w.call.get(`/api/v1/reconciliation/route-runs?limit=500&${query}`);
  expect(res.status, `${w.username} ${query}: ${JSON.stringify(res.body)}`).toBe(200);
  return (res.body.items as RouteRunView[]).map((r) => `${r.routeId}|${r.serviceDay}`).sort();
}
const ids = (list: Run[]) => list.map((r) => r.id).sort();

beforeAll(async () => {
  server = await startTestServer();
  s = generateScenario({ seed: 11, from: FROM, days: 8, districts: 3, populationScale: 0.05, faults: { DUMPING: 1, OVERWEIGHT: 1, TARE_MANIPULATION: 1 } });
  owner = new pg.Client({ connectionString: server.databaseUrl });
  await owner.connect();
  await writeScenario(owner, s);
  await server.ctx.reconciliation.engine.recomputeRange(FROM, TO, Date.parse('2026-03-12T00:00:00Z'));

  const { rows } = await owner.query<Omit<Run, 'id'>>(
    `SELECT rr.route_id AS "routeId", to_char(rr.service_day, 'YYYY-MM-DD') AS day, rr.district_id AS "districtId", rr.destination_site_id AS "destinationSiteId", rr.stream_code AS stream, rr.status,
            ARRAY(SELECT DISTINCT v.carrier_id::text FROM route_vehicle rv JOIN vehicle v ON v.id = rv.vehicle_id WHERE rv.route_id = rr.route_id) AS carriers
       FROM recon_route_run rr`,
  );
  runs = rows.map((r) => ({ ...r, id: `${r.routeId}|${r.day}` }));

  const dumped = s.faults.find((f) => f.kind === 'DUMPING')!;
  const station = (await owner.query<{ site_id: string; district_id: string }>('SELECT t.site_id, s.district_id FROM ticket t JOIN site s ON s.id = t.site_id WHERE t.id = $1', [dumped.ticketIds[0]])).rows[0]!;
  home = station.district_id;
  away = s.city.districts.find((d) => d.id !== home && d.hasStation)!.id;
  const code = (id: string) => s.city.districts.find((d) => d.id === id)!.code;
  const carrier = (c: string) => s.city.carriers.find((x) => x.code === c)!.id;
  const site = (c: string) => s.city.sites.find((x) => x.code === c)!.id;
  const specs: Omit<Who, 'call'>[] = [
    { username: 'rr.admin', role: 'ADMIN', scope: { kind: 'all' } },
    { username: 'rr.insp.city', role: 'INSPECTOR', scope: { kind: 'all' } },
    { username: 'rr.insp.home', role: 'INSPECTOR', scope: { kind: 'district', id: home } },
    { username: 'rr.disp.away', role: 'DISPATCHER', scope: { kind: 'district', id: away } },
    { username: 'rr.disp.home-carrier', role: 'DISPATCHER', scope: { kind: 'carrier', id: carrier(`C-${code(home)}`) } },
    { username: 'rr.disp.recycle', role: 'DISPATCHER', scope: { kind: 'carrier', id: carrier('C-RECYCLE') } },
    { username: 'rr.disp.transfer', role: 'DISPATCHER', scope: { kind: 'carrier', id: carrier('C-TRANSFER') } },
    { username: 'rr.op.station', role: 'OPERATOR', scope: { kind: 'site', id: station.site_id } },
    { username: 'rr.op.recycling', role: 'OPERATOR', scope: { kind: 'site', id: site('RC-CITY') } },
  ];
  const hash = await hashPassword(PASSWORD);
  who = [];
  for (const w of specs) {
    const sc = w.scope;
    await owner.query(
      `INSERT INTO app_user (username, display_name, password_hash, role, scope_site_id, scope_carrier_id, scope_district_id) VALUES ($1, $1, $2, $3, $4, $5, $6)`,
      [w.username, hash, w.role, sc.kind === 'site' ? sc.id : null, sc.kind === 'carrier' ? sc.id : null, sc.kind === 'district' && w.role !== 'ADMIN' ? sc.id : null],
    );
    const res = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: w.username, password: PASSWORD }) });
    expect(res.status).toBe(200);
    who.push({ ...w, call: api(server.url, ((await res.json()) as { token: string }).token) });
  }
}, 300_000);
afterAll(async () => {
  await owner?.end();
  await server?.close();
});

const byName = (name: string) => who.find((w) => w.username === name)!;

describe('route run lists', () => {
  test('the scenario gives every scope something to see and something not to', () => {
    expect(runs.length).toBeGreaterThan(20);
    expect(runs.length).toBeLessThan(500); // one page holds them all
    for (const w of who) {
      // the transfer company's trailers serve no collection route: it sees no runs
      if (w.username === 'rr.disp.transfer') expect(visibleRuns(w), w.username).toEqual([]);
      else expect(visibleRuns(w).length, w.username).toBeGreaterThan(0);
      if (w.scope.kind !== 'all') expect(visibleRuns(w).length, w.username).toBeLessThan(runs.length);
    }
    // a carrier and an operator whose runs come from more than one district
    expect(new Set(visibleRuns(byName('rr.disp.recycle')).map((r) => r.districtId)).size).toBeGreaterThan(1);
    expect(new Set(visibleRuns(byName('rr.op.recycling')).map((r) => r.districtId)).size).toBeGreaterThan(1);
  });

  test('each person lists exactly the runs in their scope', async () => {
    for (const w of who) expect(await listed(w, `from=${FROM}&to=${TO}`), w.username).toEqual(ids(visibleRuns(w)));
  });

  test('a day range, a district, a stream, a site, a status and a route narrow the scope, alone and together', async () => {
    const day = '2026-03-04';
    for (const w of who) {
      const mine = visibleRuns(w);
      expect(await listed(w, `from=${day}&to=${day}`), `${w.username} day`).toEqual(ids(mine.filter((r) => r.day === day)));
      expect(await listed(w, `from=${FROM}&to=${TO}&status=COMPLETE`), `${w.username} status`).toEqual(ids(mine.filter((r) => r.status === 'COMPLETE')));
      for (const stream of new Set(mine.map((r) => r.stream))) {
        expect(await listed(w, `from=${FROM}&to=${TO}&stream=${stream}`), `${w.username} stream`).toEqual(ids(mine.filter((r) => r.stream === stream)));
      }
      const dest = mine[0]?.destinationSiteId;
      if (dest) expect(await listed(w, `from=${day}&to=${TO}&siteId=${dest}&status=COMPLETE`), `${w.username} site`).toEqual(ids(mine.filter((r) => r.destinationSiteId === dest && r.day >= day && r.status === 'COMPLETE')));
      const route = mine[mine.length >> 1]?.routeId;
      if (route) expect(await listed(w, `from=${FROM}&to=${TO}&routeId=${route}`), `${w.username} route`).toEqual(ids(mine.filter((r) => r.routeId === route)));
      // any district its scope reaches into
      for (const d of new Set(mine.map((r) => r.districtId))) {
        expect(await listed(w, `from=${FROM}&to=${TO}&districtId=${d}`), `${w.username} district`).toEqual(ids(mine.filter((r) => r.districtId === d)));
        expect(await listed(w, `from=${day}&to=${TO}&districtId=${d}&stream=OTHER&status=COMPLETE`), `${w.username} together`).toEqual(ids(mine.filter((r) => r.districtId === d && r.day >= day && r.stream === 'OTHER' && r.status === 'COMPLETE')));
      }
    }
    // carriers and operators filter by any district: an empty answer, not a refusal, where none of theirs run
    const op = byName('rr.op.station');
    const elsewhere = s.city.districts.find((d) => !visibleRuns(op).some((r) => r.districtId === d.id))!.id;
    expect(await listed(op, `from=${FROM}&to=${TO}&districtId=${elsewhere}`)).toEqual([]);
  });

  test('one route’s runs: another scope’s route is refused (403), a route that does not exist is 404', async () => {
    const routes = [...new Set(runs.map((r) => r.routeId))];
    for (const w of who) {
      const outside = routes.find((id) => !visibleRuns(w).some((r) => r.routeId === id));
      if (w.scope.kind === 'all') expect(outside).toBeUndefined();
      else expect((await w.call.get(`/api/v1/reconciliation/route-runs?from=${FROM}&to=${TO}&routeId=${outside}`)).status, w.username).toBe(403);
      expect((await w.call.get(`/api/v1/reconciliation/route-runs?from=${FROM}&to=${TO}&routeId=${randomUUID()}`)).status, w.username).toBe(404);
    }
  });

  test('a district scope is refused another district, an operator another site (403), as for the other figures', async () => {
    const op = byName('rr.op.station');
    expect((await op.call.get(`/api/v1/reconciliation/route-runs?from=${FROM}&to=${TO}&siteId=${s.city.sites.find((x) => x.code === 'RC-CITY')!.id}`)).status).toBe(403);
    expect((await byName('rr.insp.home').call.get(`/api/v1/reconciliation/route-runs?from=${FROM}&to=${TO}&districtId=${away}`)).status).toBe(403);
    expect((await byName('rr.disp.away').call.get(`/api/v1/reconciliation/route-runs?from=${FROM}&to=${TO}&districtId=${home}`)).status).toBe(403);
    expect((await byName('rr.insp.home').call.get(`/api/v1/reconciliation/balances?from=${FROM}&to=${TO}&siteId=${s.city.sites.find((x) => x.districtId === away)!.id}`)).status).toBe(403);
  });
});

describe('a load’s trace', () => {
  interface TicketFacts { id: string; siteId: string; districtId: string; carrierId: string; direction: 'IN' | 'OUT'; siteKind: string; day: string; stream: string }
  interface LegFacts { out: string; in: string | null; fromSite: string; toSite: string | null; fromDistrict: string; toDistrict: string | null; carrierId: string; day: string; stream: string }
  let tickets: Map<string, TicketFacts>;
  let legs: LegFacts[];
  let runOfTicket: Map<string, string>;
  let anomalies: { id: string; siteId: string | null; districtId: string | null; carrierId: string | null; evidence: string[] }[];

  beforeAll(async () => {
    tickets = new Map(
      (
        await owner.query<TicketFacts>(
          `SELECT t.id, t.site_id AS "siteId", s.district_id AS "districtId", v.carrier_id AS "carrierId", t.direction::text, s.kind::text AS "siteKind",
                  to_char(t.weighed_at AT TIME ZONE s.timezone, 'YYYY-MM-DD') AS day, t.stream_code AS stream
             FROM ticket_effective t JOIN site s ON s.id = t.site_id JOIN vehicle v ON v.id = t.vehicle_id WHERE NOT t.voided`,
        )
      ).rows.map((t) => [t.id, t]),
    );
    legs = (
      await owner.query<LegFacts>(
        `SELECT l.out_ticket_id AS out, l.in_ticket_id AS in, l.from_site_id AS "fromSite", l.to_site_id AS "toSite", fs.district_id AS "fromDistrict", ts.district_id AS "toDistrict",
                v.carrier_id AS "carrierId", to_char(l.service_day, 'YYYY-MM-DD') AS day, l.stream_code AS stream
           FROM recon_custody_leg l JOIN site fs ON fs.id = l.from_site_id LEFT JOIN site ts ON ts.id = l.to_site_id JOIN vehicle v ON v.id = l.vehicle_id`,
      )
    ).rows;
    runOfTicket = new Map(
      (await owner.query<{ ticket: string; run: string }>(`SELECT ticket_id::text AS ticket, route_id::text || '|' || to_char(service_day, 'YYYY-MM-DD') AS run FROM recon_run_ticket`)).rows.map((r) => [r.ticket, r.run]),
    );
    anomalies = (
      await owner.query(`SELECT a.id, a.site_id AS "siteId", a.district_id AS "districtId", a.carrier_id AS "carrierId", ARRAY(SELECT ticket_id::text FROM anomaly_ticket x WHERE x.anomaly_id = a.id) AS evidence FROM anomaly a`)
    ).rows;
  });

  // the policy, by hand: tickets and anomalies as their own endpoints show them, legs as /legs does
  const seesTicket = (w: Who, t: TicketFacts) => w.scope.kind === 'all' || (w.scope.kind === 'site' ? t.siteId : w.scope.kind === 'district' ? t.districtId : t.carrierId) === w.scope.id;
  const seesAnomaly = (w: Who, a: (typeof anomalies)[number]) => w.scope.kind === 'all' || (w.scope.kind === 'site' ? a.siteId : w.scope.kind === 'district' ? a.districtId : a.carrierId) === w.scope.id;
  const seesLeg = (w: Who, l: LegFacts) => {
    const sc = w.scope;
    if (sc.kind === 'all') return true;
    if (sc.kind === 'site') return l.fromSite === sc.id || l.toSite === sc.id;
    if (sc.kind === 'district') return l.fromDistrict === sc.id || l.toDistrict === sc.id;
    return l.carrierId === sc.id;
  };

  /** Of the ticket's custody chain, the legs this person may see: the leg that delivered it; those it or its station pile left on. */
  function chain(w: Who, t: TicketFacts) {
    const upstream = legs.find((l) => l.in === t.id) ?? null;
    const down = t.direction === 'OUT' ? legs.filter((l) => l.out === t.id) : t.siteKind === 'TRANSFER_STATION' ? legs.filter((l) => l.fromSite === t.siteId && l.day === t.day && l.stream === t.stream) : [];
    return { upstream: upstream?.out ?? null, downstream: down.filter((l) => seesLeg(w, l)).map((l) => l.out).sort(), hidden: down.some((l) => !seesLeg(w, l)) };
  }

  async function traced(w: Who, id: string) {
    const res = await w.call.get(`/api/v1/tickets/${id}/trace`);
    expect(res.status, `${w.username} trace ${id}`).toBe(200);
    const t = res.body as TraceView;
    return {
      upstream: t.upstream?.leg.outTicketId ?? null,
      downstream: t.downstream.map((d) => d.leg.outTicketId).sort(),
      anomalies: t.anomalies.map((a) => a.id).sort(),
      // every ticket the trace lists, and the leg it is an end of (if any)
      tickets: [t.ticket.id, ...(t.upstream ? [t.upstream.departure.id] : []), ...t.downstream.flatMap((d) => [d.leg.outTicketId, ...(d.arrival ? [d.arrival.id] : [])]), ...(t.pile?.inbound.map((x) => x.id) ?? [])],
      // the pile's runs and the run the load itself counted towards
      runs: [...(t.run ? [`${t.run.routeId}|${t.run.serviceDay}`] : []), ...(t.pile?.runs ?? []).map((r) => `${r.routeId}|${t.pile!.serviceDay}`)],
    };
  }

  /** A few of the person's tickets of each shape: the dumped pile's tips, a station tip, a departure, a delivered arrival, one with a finding. */
  function sample(w: Who): TicketFacts[] {
    const mine = [...tickets.values()].filter((t) => seesTicket(w, t));
    const dumpedOut = tickets.get(s.faults.find((f) => f.kind === 'DUMPING')!.ticketIds[0]!)!;
    const picks = [
      ...mine.filter((t) => t.siteId === dumpedOut.siteId && t.day === dumpedOut.day && t.stream === dumpedOut.stream && t.direction === 'IN').slice(0, 3),
      mine.find((t) => t.direction === 'IN' && t.siteKind === 'TRANSFER_STATION'),
      mine.find((t) => t.direction === 'OUT'),
      mine.find((t) => t.direction === 'IN' && legs.some((l) => l.in === t.id)),
      mine.find((t) => anomalies.some((a) => a.evidence.includes(t.id))),
      // a ticket the person sees whose run they do not (another district's route tipping at their plant)
      mine.find((t) => runOfTicket.has(t.id) && !ids(visibleRuns(w)).includes(runOfTicket.get(t.id)!)),
      mine[0],
    ];
    return [...new Set(picks.filter((t): t is TicketFacts => t !== undefined))];
  }

  test('shows each person only the legs, tickets, runs and anomalies they may see elsewhere, and all of those on the load’s own way', async () => {
    const admin = byName('rr.admin');
    let cut = 0;
    for (const w of who) {
      const picks = sample(w);
      expect(picks.length, w.username).toBeGreaterThan(0);
      const runsSeen = new Set(ids(visibleRuns(w)));
      for (const t of picks) {
        const at = `${w.username} ${t.id}`;
        const want = chain(w, t);
        const [got, all] = await Promise.all([traced(w, t.id), traced(admin, t.id)]);
        expect({ upstream: got.upstream, downstream: got.downstream }, at).toEqual({ upstream: want.upstream, downstream: want.downstream });
        for (const id of got.tickets) {
          const leg = legs.find((l) => l.out === id || l.in === id);
          expect(seesTicket(w, tickets.get(id)!) || (leg !== undefined && seesLeg(w, leg)), `${at} lists ticket ${id}`).toBe(true);
        }
        for (const r of got.runs) expect(runsSeen.has(r), `${at} lists run ${r}`).toBe(true);
        // findings: only visible ones, none the whole-city trace lacks, and every visible finding on the ticket itself
        const visible = new Set(anomalies.filter((a) => seesAnomaly(w, a)).map((a) => a.id));
        for (const a of got.anomalies) expect(visible.has(a) && all.anomalies.includes(a), `${at} lists anomaly ${a}`).toBe(true);
        const onTicket = anomalies.filter((a) => a.evidence.includes(t.id) && visible.has(a.id)).map((a) => a.id);
        expect(got.anomalies, at).toEqual(expect.arrayContaining(onTicket));
        if (want.hidden || got.anomalies.length < all.anomalies.length) cut++;
      }
    }
    expect(cut).toBeGreaterThan(0);
    // the sample reached a ticket whose own run lies outside the asker's scope
    expect(who.some((w) => sample(w).some((t) => runOfTicket.has(t.id) && !ids(visibleRuns(w)).includes(runOfTicket.get(t.id)!)))).toBe(true);
    // the home carrier's dispatcher traces their own tip into the pile a transfer trailer (another carrier's) dumped from
    const dumpedKey = s.faults.find((f) => f.kind === 'DUMPING')!.expectedKeys[0]!;
    const dumpedId = (await owner.query('SELECT id FROM anomaly WHERE natural_key = $1', [dumpedKey])).rows[0].id as string;
    const dumpedOut = s.faults.find((f) => f.kind === 'DUMPING')!.ticketIds[0]!;
    const carrierTip = sample(byName('rr.disp.home-carrier'))[0]!;
    expect(tickets.get(carrierTip.id)).toMatchObject({ siteId: tickets.get(dumpedOut)!.siteId, day: tickets.get(dumpedOut)!.day, direction: 'IN' });
    const [asAdmin, asOperator, asCarrier] = await Promise.all([traced(admin, carrierTip.id), traced(byName('rr.op.station'), carrierTip.id), traced(byName('rr.disp.home-carrier'), carrierTip.id)]);
    expect(asAdmin.anomalies).toContain(dumpedId);
    expect(asAdmin.downstream).toContain(dumpedOut);
    expect(asOperator.anomalies).toContain(dumpedId);
    expect(asCarrier.anomalies).not.toContain(dumpedId);
    expect(asCarrier.downstream).not.toContain(dumpedOut);
    expect(asCarrier.tickets).not.toContain(dumpedOut);
  });

  test('a ticket outside the scope is refused (403); one that does not exist is 404', async () => {
    for (const w of who) {
      const outside = [...tickets.values()].find((t) => !seesTicket(w, t));
      if (w.scope.kind === 'all') expect(outside).toBeUndefined();
      else expect((await w.call.get(`/api/v1/tickets/${outside!.id}/trace`)).status, w.username).toBe(403);
      expect((await w.call.get(`/api/v1/tickets/${randomUUID()}/trace`)).status, w.username).toBe(404);
    }
  });
});
