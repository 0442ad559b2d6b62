// Every route × every principal × (in-scope, out-of-scope resource): the exact status, and for
// lists which of the two resources come back. The expectations below are written out by hand
// from the access policy, cell by cell; nothing here asks the server's own policy code.
// A mounted route without a row here fails the coverage test at the bottom.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mountedRoutes } from './support/routes.js';
import { createApp } from '../server/src/http/app.js';
import { login, seedFixtures, type Fixtures } from './support/fixtures.js';
import { startTestServer } from './support/server.js';
import { TestDevice, type StationFixture } from './support/station.js';

// ── who ──────────────────────────────────────────────────────────────────────────────────────
// Columns of every expectation string, in this order:
//   anon   admin   opA      opB      dCarA              dDistB                 inspCity        inspDistA
//   —      ADMIN   OPERATOR OPERATOR DISPATCHER         DISPATCHER             INSPECTOR       INSPECTOR
//                  @siteA   @siteB   @carrierA          @districtB             (city)          @districtA
const WHO = ['anon', 'admin', 'opA', 'opB', 'dCarA', 'dDistB', 'inspCity', 'inspDistA'] as const;
type Who = (typeof WHO)[number];
const USERNAME: Record<Exclude<Who, 'anon'>, string> = {
  admin: 'admin',
  opA: 'operator.a',
  opB: 'operator.b',
  dCarA: 'dispatcher.carrier-a',
  dDistB: 'dispatcher.district-b',
  inspCity: 'inspector.city',
  inspDistA: 'inspector.district-a',
};

// ── what ─────────────────────────────────────────────────────────────────────────────────────
// Variant A is the district-A / carrier-A / siteA thing, B the district-B / carrier-B / siteB
// thing (see fixtures.ts), X a single resource where scope does not apply (users, deletes).
// A cell is a status, or for lists `200:<letters>` = 200 and exactly these of A/B in the items
// (`200:-`: neither).
type Variant = 'A' | 'B' | 'X';
type Req = { path: string; body?: unknown; token?: string | null };
interface Row {
  route: string; // METHOD /path, exactly as mounted
  cells: Partial<Record<Variant, string>>;
  req: (v: Variant, who: Who) => Promise<Req> | Req;
  listed?: (v: 'A' | 'B') => string; // for lists: the id that stands for A or B
}

let server: Awaited<ReturnType<typeof startTestServer>>;
let fx: Fixtures;
const tokens = {} as Record<Who, string | null>;
let stationA: TestDevice, stationB: TestDevice;
const tickets = { A: '', B: '' };
const anomalies = { A: '', B: '' };
const stationEvents = { A: '', B: '' };

// ── resources made on demand (writes need fresh ones so cells do not interfere) ──────────────
let n = 0;
const uniq = () => String(++n).padStart(4, '0');
const prisma = () => server.ctx.db.prisma;

const fresh = {
  district: async () => (await prisma().district.create({ data: { code: `MX-D${uniq()}`, nameZh: '临时区', nameEn: 'temp', population: 1 } })).id,
  site: async () => (await prisma().site.create({ data: { code: `MX-S${uniq()}`, nameZh: '临时', nameEn: 'temp', kind: 'LANDFILL', districtId: fx.districtA.id, capacityTpd: 1 } })).id,
  scale: async () => (await prisma().scale.create({ data: { siteId: fx.sites.incineratorA.id, code: `MX${uniq()}`, name: 'temp', maxKg: 60_000, divisionKg: 20, minLoadKg: 400, protocol: 'A12' } })).id,
  carrier: async () => (await prisma().carrier.create({ data: { code: `MX-C${uniq()}`, name: 'temp', districtId: fx.districtA.id } })).id,
  vehicle: async () => {
    const u = uniq();
    return (await prisma().vehicle.create({ data: { plate: `苏E8${u}`, plateRaw: `苏E·8${u}`, carrierId: fx.carrierA.id, maxGrossKg: 20_000 } })).id;
  },
  driver: async () => (await prisma().driver.create({ data: { carrierId: fx.carrierA.id, name: '临时' } })).id,
  card: async (v: 'A' | 'B') => {
    const vehicleId = v === 'B' ? fx.vehicles.B1.id : fx.vehicles.A1.id;
    return (await prisma().card.create({ data: { uid: `feed${uniq()}`, vehicleId, history: { create: { status: 'ISSUED', vehicleId, note: 'matrix' } } } })).id;
  },
  route: async () =>
    (await prisma().collectionRoute.create({ data: { code: `MX-R${uniq()}`, name: 'temp', districtId: fx.districtA.id, streamCode: 'KITCHEN', destinationSiteId: fx.sites.siteA.id, scheduleDays: [1], shiftStart: '06:00', plannedTrips: 1, plannedKg: 1000 } })).id,
  permit: async () =>
    (
      await prisma().permit.create({
        data: { permitNo: `MX-P${uniq()}`, originSiteId: fx.sites.projectA.id, disposalSiteId: fx.sites.siteA.id, carrierId: fx.carrierA.id, streamCode: 'RENOVATION', validFrom: new Date('2026-01-01'), validTo: new Date('2026-12-31'), approvedVolumeM3: 1 },
      })
    ).id,
  target: async () => (await prisma().target.create({ data: { districtId: fx.districtA.id, metric: `MX_${uniq().replace(/\d/g, (d) => 'ABCDEFGHIJ'[Number(d)]!)}`, periodKind: 'DAY', periodStart: new Date('2026-01-01'), value: 1, unit: 't' } })).id,
  device: async () => (await prisma().stationDevice.create({ data: { code: `MX-DEV${uniq()}`, siteId: fx.sites.incineratorA.id } })).id,
  pendingDeviceCode: async () => (await prisma().stationDevice.create({ data: { code: `MX-DEV${uniq()}`, siteId: fx.sites.incineratorA.id } })).code,
  /** A station event through the real ingestion API, signed by the siteA or siteB device. */
  stationEvent: async (v: 'A' | 'B'): Promise<string> => {
    const dev = v === 'A' ? stationA : stationB;
    const rec = dev.nextEvent({ type: 'NO_ZERO_RETURN', message: 'matrix: scale did not return to zero' });
    const res = await dev.post([rec]);
    if (res.status !== 200) throw new Error(`station event ingestion failed: ${res.status} ${JSON.stringify(res.body)}`);
    return (await prisma().stationEvent.findFirstOrThrow({ where: { record: { deviceId: dev.station.deviceId, seq: rec.seq } } })).id;
  },
  /** A reconciliation finding at siteA (district A, carrier A) or siteB, on a day the engine never recomputes here. */
  anomaly: async (v: 'A' | 'B', status: 'OPEN' | 'ACKNOWLEDGED' = 'OPEN') =>
    (
      await prisma().anomaly.create({
        data: { naturalKey: `MATRIX:${uniq()}-${v}`, kind: 'OVERWEIGHT', serviceDay: new Date('2020-01-15'), siteId: fx.sites[v === 'A' ? 'siteA' : 'siteB'].id, districtId: (v === 'A' ? fx.districtA : fx.districtB).id, carrierId: (v === 'A' ? fx.carrierA : fx.carrierB).id, summary: 'matrix', details: {}, status },
      })
    ).id,
  /** A ticket through the real ingestion API, at siteA (carrier A truck) or siteB (carrier B truck). */
  ticket: async (v: 'A' | 'B'): Promise<string> => {
    const dev = v === 'A' ? stationA : stationB;
    const body = v === 'A' ? { stream: 'KITCHEN' as const, grossKg: 20_000, tareKg: 12_000, netKg: 8_000 } : { stream: 'KITCHEN' as const, grossKg: 16_000, tareKg: 9_000, netKg: 7_000 };
    const res = await dev.post([dev.nextTicket(body)]);
    const id = res.body?.results?.[0]?.ticketId;
    if (res.status !== 200 || !id) throw new Error(`ticket ingestion failed: ${res.status} ${JSON.stringify(res.body)}`);
    return id;
  },
};

// Valid create bodies, unique per call: only the admin's get through, the rest must be refused first.
const body = {
  district: () => ({ code: `MX-ND${uniq()}`, nameZh: '新区', nameEn: 'New', population: 10 }),
  site: () => ({ code: `MX-NS${uniq()}`, nameZh: '新站', nameEn: 'New', kind: 'BULKY_STATION', districtId: fx.districtA.id, capacityTpd: 50, acceptedStreams: ['BULKY'] }),
  scale: () => ({ siteId: fx.sites.incineratorA.id, code: `N${uniq()}`, name: 'new', maxKg: 60_000, divisionKg: 20, minLoadKg: 400, protocol: 'A12' }),
  carrier: () => ({ code: `MX-NC${uniq()}`, name: 'new' }),
  vehicle: () => ({ plate: `苏E·7${uniq()}`, carrierId: fx.carrierA.id, streams: ['OTHER'], maxGrossKg: 20_000 }),
  driver: () => ({ carrierId: fx.carrierB.id, name: '新司机' }),
  card: () => ({ uid: `beef${uniq()}`, vehicleId: fx.vehicles.A1.id }),
  route: () => ({ code: `MX-NR${uniq()}`, name: 'new', districtId: fx.districtB.id, streamCode: 'KITCHEN', destinationSiteId: fx.sites.siteB.id, scheduleDays: [2], shiftStart: '07:00', plannedTrips: 1, plannedKg: 1000 }),
  permit: () => ({ permitNo: `MX-NP${uniq()}`, originSiteId: fx.sites.projectB.id, carrierId: fx.carrierB.id, disposalSiteId: fx.sites.constructionB.id, streamCode: 'CONSTRUCTION', validFrom: '2026-01-01', validTo: '2026-06-30', approvedVolumeM3: 100, vehicleIds: [fx.vehicles.B2.id] }),
  // targets are unique per (district, metric, period): a distinct day each
  target: () => ({ districtId: fx.districtB.id, metric: 'OTHER_YOY_CHANGE', periodKind: 'DAY', periodStart: new Date(Date.UTC(2026, 0, 1) + Number(uniq()) * 86_400_000).toISOString().slice(0, 10), value: -0.0786, unit: 'ratio' }),
  device: () => ({ code: `MX-ND${uniq()}`, siteId: fx.sites.siteB.id, scaleIds: [fx.sites.siteB.scaleId] }),
  user: () => ({ username: `mx.user${uniq()}`, displayName: 'new', password: 'a-long-password-1', role: 'INSPECTOR' }),
};

// ── the table ────────────────────────────────────────────────────────────────────────────────
//                                anon admin     opA      opB      dCarA    dDistB   inspCity inspDistA
const ALL_SEE_BOTH /* list */ = '401 200:AB 200:AB 200:AB 200:AB 200:AB 200:AB 200:AB';
const ANYONE = /*           */ '401 200 200 200 200 200 200 200';
const ADMIN_CREATES = /*    */ '401 201 403 403 403 403 403 403';
const ADMIN_CHANGES = /*    */ '401 200 403 403 403 403 403 403';
const ADMIN_DELETES = /*    */ '401 204 403 403 403 403 403 403';

const fixtureIds = (): Record<string, { A: string; B: string }> => ({
  districts: { A: fx.districtA.id, B: fx.districtB.id },
  sites: { A: fx.sites.siteA.id, B: fx.sites.siteB.id },
  scales: { A: fx.sites.siteA.scaleId, B: fx.sites.siteB.scaleId },
  carriers: { A: fx.carrierA.id, B: fx.carrierB.id },
  vehicles: { A: fx.vehicles.A1.id, B: fx.vehicles.B1.id },
  drivers: { A: fx.drivers.A.id, B: fx.drivers.B.id },
  cards: { A: fx.vehicles.A1.cardId, B: fx.vehicles.B1.cardId },
  routes: { A: fx.routes.A.id, B: fx.routes.B.id },
  permits: { A: fx.permits.A.id, B: fx.permits.B.id },
  targets: { A: fx.targets.A.id, B: fx.targets.B.id },
  devices: { A: fx.devices.siteA.id, B: fx.devices.siteB.id },
});
const idOf = (entity: string, v: Variant) => fixtureIds()[entity]![v === 'B' ? 'B' : 'A'];

/** The five rows of an ordinary registry entity: list, read, create, patch, delete. */
function registryRows(entity: keyof typeof fresh & keyof typeof body, plural: string, list: string, read: { A: string; B: string }): Row[] {
  const base = `/api/v1/${plural}`;
  return [
    { route: `GET ${base}`, cells: { X: list }, req: () => ({ path: `${base}?limit=500` }), listed: (v) => idOf(plural, v) },
    { route: `GET ${base}/:id`, cells: read, req: (v) => ({ path: `${base}/${idOf(plural, v)}` }) },
    { route: `POST ${base}`, cells: { X: ADMIN_CREATES }, req: () => ({ path: base, body: body[entity]() }) },
    // an empty patch: valid for every entity, changes nothing, exercises the whole write path
    { route: `PATCH ${base}/:id`, cells: { A: ADMIN_CHANGES, B: ADMIN_CHANGES }, req: (v) => ({ path: `${base}/${idOf(plural, v)}`, body: {} }) },
    { route: `DELETE ${base}/:id`, cells: { X: ADMIN_DELETES }, req: async () => ({ path: `${base}/${await (fresh[entity] as () => Promise<string>)()}` }) },
  ];
}

const ROWS = (): Row[] => [
  // probes and sessions
  { route: 'GET /health', cells: { X: '200 200 200 200 200 200 200 200' }, req: () => ({ path: '/health' }) },
  { route: 'GET /ready', cells: { X: '200 200 200 200 200 200 200 200' }, req: () => ({ path: '/ready' }) },
  { route: 'GET /api/v1/openapi.json', cells: { X: '200 200 200 200 200 200 200 200' }, req: () => ({ path: '/api/v1/openapi.json' }) },
  {
    route: 'POST /api/v1/auth/login',
    cells: { X: '401 200 200 200 200 200 200 200' }, // anon: a wrong password; everyone else: their own
    req: (_v, who) => ({ path: '/api/v1/auth/login', token: null, body: who === 'anon' ? { username: 'admin', password: 'not-the-password' } : { username: USERNAME[who], password: fx.password } }),
  },
  { route: 'GET /api/v1/auth/me', cells: { X: ANYONE }, req: () => ({ path: '/api/v1/auth/me' }) },
  // a person's session never authenticates a device upload
  { route: 'POST /api/v1/ingest/records', cells: { X: '401 401 401 401 401 401 401 401' }, req: () => ({ path: '/api/v1/ingest/records', body: { records: [] } }) },

  { route: 'GET /api/v1/streams', cells: { X: ANYONE }, req: () => ({ path: '/api/v1/streams' }) },

  // open reference data: everyone logged in reads, only admins write
  ...registryRows('district', 'districts', ALL_SEE_BOTH, { A: ANYONE, B: ANYONE }),
  ...registryRows('site', 'sites', ALL_SEE_BOTH, { A: ANYONE, B: ANYONE }),
  ...registryRows('scale', 'scales', ALL_SEE_BOTH, { A: ANYONE, B: ANYONE }),

  // the fleet: only dispatchers are narrowed (carrier A's own; district B's carriers)
  //                                                  anon admin     opA      opB      dCarA    dDistB   inspCity inspDistA
  ...registryRows('carrier', 'carriers', /*       */ '401 200:AB 200:AB 200:AB 200:A 200:B 200:AB 200:AB', {
    A: /*                                          */ '401 200 200 200 200 403 200 200',
    B: /*                                          */ '401 200 200 200 403 200 200 200',
  }),
  ...registryRows('vehicle', 'vehicles', /*       */ '401 200:AB 200:AB 200:AB 200:A 200:B 200:AB 200:AB', {
    A: /*                                          */ '401 200 200 200 200 403 200 200',
    B: /*                                          */ '401 200 200 200 403 200 200 200',
  }),
  ...registryRows('driver', 'drivers', /*         */ '401 200:AB 200:AB 200:AB 200:A 200:B 200:AB 200:AB', {
    A: /*                                          */ '401 200 200 200 200 403 200 200',
    B: /*                                          */ '401 200 200 200 403 200 200 200',
  }),
  // cards: no DELETE (history is evidence); status changes and history instead
  { route: 'GET /api/v1/cards', cells: { X: '401 200:AB 200:AB 200:AB 200:A 200:B 200:AB 200:AB' }, req: () => ({ path: '/api/v1/cards?limit=500' }), listed: (v) => idOf('cards', v) },
  { route: 'GET /api/v1/cards/:id', cells: { A: '401 200 200 200 200 403 200 200', B: '401 200 200 200 403 200 200 200' }, req: (v) => ({ path: `/api/v1/cards/${idOf('cards', v)}` }) },
  { route: 'GET /api/v1/cards/:id/history', cells: { A: '401 200 200 200 200 403 200 200', B: '401 200 200 200 403 200 200 200' }, req: (v) => ({ path: `/api/v1/cards/${idOf('cards', v)}/history` }) },
  { route: 'POST /api/v1/cards', cells: { X: ADMIN_CREATES }, req: () => ({ path: '/api/v1/cards', body: body.card() }) },
  { route: 'PATCH /api/v1/cards/:id', cells: { A: ADMIN_CHANGES, B: ADMIN_CHANGES }, req: async (v) => ({ path: `/api/v1/cards/${await fresh.card(v as 'A' | 'B')}`, body: {} }) },
  { route: 'POST /api/v1/cards/:id/status', cells: { A: ADMIN_CHANGES, B: ADMIN_CHANGES }, req: async (v) => ({ path: `/api/v1/cards/${await fresh.card(v as 'A' | 'B')}/status`, body: { status: 'LOST', note: 'matrix: reported lost' } }) },

  // routes: district offices their district's; carrier dispatcher routes with their trucks; operators routes to their site
  //                                                  anon admin     opA      opB      dCarA    dDistB   inspCity inspDistA
  ...registryRows('route', 'routes', /*           */ '401 200:AB 200:A 200:B 200:A 200:B 200:AB 200:A', {
    A: /*                                          */ '401 200 200 403 200 403 200 200',
    B: /*                                          */ '401 200 403 200 403 200 200 403',
  }),
  // permits: origin or disposal in the district / at the site; the carrier's own. Nothing of siteB's.
  ...registryRows('permit', 'permits', /*         */ '401 200:AB 200:A 200:- 200:A 200:B 200:AB 200:A', {
    A: /*                                          */ '401 200 200 403 200 403 200 200',
    B: /*                                          */ '401 200 403 403 403 200 200 403',
  }),
  // targets: the bureau and district offices only
  ...registryRows('target', 'targets', /*         */ '401 200:AB 403 403 403 200:B 200:AB 200:A', {
    A: /*                                          */ '401 200 403 403 403 403 200 200',
    B: /*                                          */ '401 200 403 403 403 200 200 403',
  }),
  // devices: operators their own station; inspectors by district; never dispatchers
  ...registryRows('device', 'devices', /*         */ '401 200:AB 200:A 200:B 403 403 200:AB 200:A', {
    A: /*                                          */ '401 200 200 403 403 403 200 200',
    B: /*                                          */ '401 200 403 200 403 403 200 403',
  }),

  // users: admins only, reads included
  { route: 'GET /api/v1/users', cells: { X: '401 200 403 403 403 403 403 403' }, req: () => ({ path: '/api/v1/users' }) },
  { route: 'GET /api/v1/users/:id', cells: { X: '401 200 403 403 403 403 403 403' }, req: () => ({ path: `/api/v1/users/${fx.users.operatorA.id}` }) },
  { route: 'POST /api/v1/users', cells: { X: ADMIN_CREATES }, req: () => ({ path: '/api/v1/users', body: body.user() }) },
  { route: 'PATCH /api/v1/users/:id', cells: { X: ADMIN_CHANGES }, req: () => ({ path: `/api/v1/users/${fx.users.inspectorCity.id}`, body: {} }) },

  // tickets (the lead's routes): A = a ticket at siteA by a carrier-A truck, B = at siteB by a carrier-B truck
  //                                                   anon admin     opA      opB      dCarA    dDistB   inspCity inspDistA
  { route: 'GET /api/v1/tickets', cells: { X: /*   */ '401 200:AB 200:A 200:B 200:A 200:B 200:AB 200:A' }, req: () => ({ path: '/api/v1/tickets?limit=500' }), listed: (v) => tickets[v] },
  {
    route: 'GET /api/v1/tickets/:id',
    cells: { A: /*                                  */ '401 200 200 403 200 403 200 200', B: /* */ '401 200 403 200 403 200 200 403' },
    req: (v) => ({ path: `/api/v1/tickets/${tickets[v as 'A' | 'B']}` }),
  },
  // voids and corrections: admins anywhere, operators at their own site, nobody else; a fresh ticket per cell
  {
    route: 'POST /api/v1/tickets/:id/void',
    cells: { A: /*                                  */ '401 201 201 403 403 403 403 403', B: /* */ '401 201 403 201 403 403 403 403' },
    req: async (v) => ({ path: `/api/v1/tickets/${await fresh.ticket(v as 'A' | 'B')}/void`, body: { reason: 'matrix: weighed twice' } }),
  },
  {
    route: 'POST /api/v1/tickets/:id/corrections',
    cells: { A: /*                                  */ '401 201 201 403 403 403 403 403', B: /* */ '401 201 403 201 403 403 403 403' },
    req: async (v) => ({ path: `/api/v1/tickets/${await fresh.ticket(v as 'A' | 'B')}/corrections`, body: { reason: 'matrix: wrong stream keyed', changes: { stream: v === 'A' ? 'OTHER' : 'FOOD_SERVICE' } } }),
  },
  { route: 'GET /api/v1/security-events', cells: { X: '401 200 403 403 403 403 200 200' }, req: () => ({ path: '/api/v1/security-events' }) },

  // station events (anti-cheat and faults): A = at siteA, B = at siteB; like devices, plus district dispatchers; never carrier dispatchers
  //                                                         anon admin     opA      opB      dCarA dDistB inspCity inspDistA
  { route: 'GET /api/v1/station-events', cells: { X: /*   */ '401 200:AB 200:A 200:B 403 200:B 200:AB 200:A' }, req: () => ({ path: '/api/v1/station-events?limit=500' }), listed: (v) => stationEvents[v] },
  // enrolment: admins issue one-time tokens (a fresh PENDING device per cell); the device side takes no session,
  // so a person's token neither enrols (a wrong token, a fresh device per cell) nor reads a station's registry
  { route: 'POST /api/v1/devices/:id/enrolment', cells: { X: ADMIN_CREATES }, req: async () => ({ path: `/api/v1/devices/${await fresh.device()}/enrolment` }) },
  {
    route: 'POST /api/v1/device/enrol',
    cells: { X: '401 401 401 401 401 401 401 401' },
    req: async () => ({ path: '/api/v1/device/enrol', body: { code: await fresh.pendingDeviceCode(), token: 'not-the-enrolment-token', publicKey: Buffer.alloc(32, 9).toString('base64'), softwareVersion: 'matrix 1.0' } }),
  },
  { route: 'GET /api/v1/device/registry', cells: { X: '401 401 401 401 401 401 401 401' }, req: () => ({ path: '/api/v1/device/registry' }) },

  // reconciliation (issue 4): A = siteA / district A / carrier A, B = the same of B. Everyone reads findings in scope;
  // inspectors (district or city) and admins act on them, on a fresh finding per cell. Figures: see server/src/services/recon-scope.ts.
  //                                                            anon admin     opA      opB      dCarA    dDistB   inspCity inspDistA
  {
    route: 'GET /api/v1/anomalies',
    cells: { X: /*                                            */ '401 200:AB 200:A 200:B 200:A 200:B 200:AB 200:A' },
    req: async () => {
      anomalies.A ||= await fresh.anomaly('A');
      anomalies.B ||= await fresh.anomaly('B');
      return { path: '/api/v1/anomalies?limit=500&to=2020-01-31' };
    },
    listed: (v) => anomalies[v],
  },
  { route: 'GET /api/v1/anomalies/:id', cells: { A: /*       */ '401 200 200 403 200 403 200 200', B: '401 200 403 200 403 200 200 403' }, req: async (v) => ({ path: `/api/v1/anomalies/${await fresh.anomaly(v as 'A' | 'B')}` }) },
  { route: 'POST /api/v1/anomalies/:id/acknowledge', cells: { A: '401 200 403 403 403 403 200 200', B: '401 200 403 403 403 403 200 403' }, req: async (v) => ({ path: `/api/v1/anomalies/${await fresh.anomaly(v as 'A' | 'B')}/acknowledge`, body: { note: 'matrix: seen' } }) },
  { route: 'POST /api/v1/anomalies/:id/assign', cells: { A: /**/ '401 200 403 403 403 403 200 200', B: '401 200 403 403 403 403 200 403' }, req: async (v) => ({ path: `/api/v1/anomalies/${await fresh.anomaly(v as 'A' | 'B')}/assign`, body: { assigneeUserId: fx.users.inspectorCity.id } }) },
  { route: 'POST /api/v1/anomalies/:id/resolve', cells: { A: /**/ '401 200 403 403 403 403 200 200', B: '401 200 403 403 403 403 200 403' }, req: async (v) => ({ path: `/api/v1/anomalies/${await fresh.anomaly(v as 'A' | 'B', 'ACKNOWLEDGED')}/resolve`, body: { note: 'matrix: driver fined' } }) },
  { route: 'GET /api/v1/reconciliation/totals', cells: { A: '401 200 200 403 403 403 200 200', B: '401 200 403 200 403 200 200 403' }, req: (v) => ({ path: `/api/v1/reconciliation/totals?from=2026-01-01&to=2026-12-31&groupBy=site,stream&siteId=${fx.sites[v === 'B' ? 'siteB' : 'siteA'].id}` }) },
  { route: 'GET /api/v1/reconciliation/districts', cells: { A: '401 200 403 403 403 403 200 200', B: '401 200 403 403 403 200 200 403' }, req: (v) => ({ path: `/api/v1/reconciliation/districts?from=2026-01-01&to=2026-12-31&districtId=${(v === 'B' ? fx.districtB : fx.districtA).id}` }) },
  { route: 'GET /api/v1/reconciliation/targets', cells: { A: '401 200 403 403 403 403 200 200', B: '401 200 403 403 403 200 200 403' }, req: (v) => ({ path: `/api/v1/reconciliation/targets?asOf=${new Date().toISOString().slice(0, 10)}&districtId=${(v === 'B' ? fx.districtB : fx.districtA).id}` }) },
  { route: 'GET /api/v1/reconciliation/rankings', cells: { A: '401 200 403 403 403 403 200 200', B: '401 200 403 403 403 200 200 403' }, req: (v) => ({ path: `/api/v1/reconciliation/rankings?period=2026-01&districtId=${(v === 'B' ? fx.districtB : fx.districtA).id}` }) },
  { route: 'GET /api/v1/reconciliation/permits', cells: { X: '401 200:AB 200:A 200:- 200:A 200:B 200:AB 200:A' }, req: () => ({ path: `/api/v1/reconciliation/permits?asOf=${new Date().toISOString().slice(0, 10)}` }), listed: (v) => (v === 'A' ? fx.permits.A.id : fx.permits.B.id) },
  { route: 'GET /api/v1/reconciliation/rules', cells: { X: ANYONE }, req: () => ({ path: '/api/v1/reconciliation/rules' }) },
  { route: 'GET /api/v1/reconciliation/route-runs', cells: { X: ANYONE }, req: () => ({ path: '/api/v1/reconciliation/route-runs?from=2026-01-01&to=2026-12-31' }) },
  { route: 'GET /api/v1/reconciliation/legs', cells: { A: /* */ '401 200 200 403 200 403 200 200', B: '401 200 403 200 200 200 200 403' }, req: (v) => ({ path: `/api/v1/reconciliation/legs?from=2026-01-01&to=2026-12-31&siteId=${fx.sites[v === 'B' ? 'siteB' : 'siteA'].id}` }) },
  { route: 'GET /api/v1/reconciliation/balances', cells: { A: '401 200 200 403 403 403 200 200', B: '401 200 403 200 403 200 200 403' }, req: (v) => ({ path: `/api/v1/reconciliation/balances?from=2026-01-01&to=2026-12-31&siteId=${fx.sites[v === 'B' ? 'siteB' : 'siteA'].id}` }) },
  { route: 'GET /api/v1/reconciliation/quality', cells: { A: '401 200 200 403 403 403 200 200', B: '401 200 403 200 403 200 200 403' }, req: (v) => ({ path: `/api/v1/reconciliation/quality?period=2026-01&siteId=${fx.sites[v === 'B' ? 'siteB' : 'siteA'].id}` }) },
  { route: 'GET /api/v1/reconciliation/reports/district-month.pdf', cells: { A: '401 200 403 403 403 403 200 200', B: '401 200 403 403 403 403 200 403' }, req: (v) => ({ path: `/api/v1/reconciliation/reports/district-month.pdf?month=2026-01&districtId=${(v === 'B' ? fx.districtB : fx.districtA).id}` }) },
  { route: 'GET /api/v1/tickets/:id/trace', cells: { A: /*   */ '401 200 200 403 200 403 200 200', B: '401 200 403 200 403 200 200 403' }, req: (v) => ({ path: `/api/v1/tickets/${tickets[v as 'A' | 'B']}/trace` }) },
];

// Written out, so a row dropped or a cell lost by a refactor is noticed. Cell strings: probes 3,
// login/me/ingest/streams 4, ten five-route registry entities × 7 = 70, cards 10, users 4, tickets 7,
// security events 1, station events and enrolment 4, reconciliation 30 = 133; × 8 principals. Update it when you add a row.
const EXPECTED_CELLS = 133 * 8;

// ── running it ───────────────────────────────────────────────────────────────────────────────
beforeAll(async () => {
  server = await startTestServer();
  fx = await seedFixtures(server.ctx.db.prisma);
  tokens.anon = null;
  for (const who of WHO) if (who !== 'anon') tokens[who] = await login(server.url, USERNAME[who]);
  const station = (site: 'siteA' | 'siteB', v: 'A1' | 'B1', districtId: string): StationFixture => ({
    districtId,
    siteId: fx.sites[site].id,
    siteCode: fx.sites[site].code,
    scaleId: fx.sites[site].scaleId,
    laneCode: 'L1',
    carrierId: fx.vehicles[v].carrierId,
    vehicleId: fx.vehicles[v].id,
    plate: fx.vehicles[v].plate,
    cardUid: fx.vehicles[v].cardUid,
    deviceId: fx.devices[site].id,
    deviceCode: fx.devices[site].code,
    privateKeyPem: fx.devices[site].privateKeyPem,
  });
  stationA = new TestDevice(server.url, station('siteA', 'A1', fx.districtA.id));
  stationB = new TestDevice(server.url, station('siteB', 'B1', fx.districtB.id));
  tickets.A = await fresh.ticket('A');
  tickets.B = await fresh.ticket('B');
  stationEvents.A = await fresh.stationEvent('A');
  stationEvents.B = await fresh.stationEvent('B');
}, 120_000);
afterAll(async () => {
  await server.close();
});

const METHOD = (route: string) => route.split(' ')[0]!;
let checked = 0;

async function send(row: Row, v: Variant, who: Who): Promise<{ status: number; body: any }> {
  const r = await row.req(v, who);
  const token = r.token === undefined ? tokens[who] : r.token;
  const res = await fetch(server.url + r.path, {
    method: METHOD(row.route),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(r.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: r.body === undefined ? undefined : JSON.stringify(r.body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (e.g. 204)
  }
  return { status: res.status, body: parsed };
}

describe('authorization matrix', () => {
  // one test per route, so a failure names it; each test reports every wrong cell, not just the first
  for (const route of ROWS().map((r) => r.route)) {
    test(route, async () => {
      const row = ROWS().find((r) => r.route === route)!;
      const wrong: string[] = [];
      for (const [v, line] of Object.entries(row.cells) as [Variant, string][]) {
        const cells = line.trim().split(/\s+/);
        expect(cells, `${route} ${v}: one cell per principal`).toHaveLength(WHO.length);
        for (const [i, who] of WHO.entries()) {
          const [status, sees] = cells[i]!.split(':') as [string, string | undefined];
          const res = await send(row, v, who);
          checked++;
          const where = `${route} [${v}] as ${who}`;
          if (res.status !== Number(status)) {
            wrong.push(`${where}: expected ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
            continue;
          }
          if (sees !== undefined) {
            if (!row.listed) throw new Error(`${route} has list cells but no listed()`);
            const ids = new Set(((res.body as { items?: { id: string }[] }).items ?? []).map((x) => x.id));
            for (const letter of ['A', 'B'] as const) {
              const want = sees.includes(letter);
              if (ids.has(row.listed(letter)) !== want) wrong.push(`${where}: ${letter} should be ${want ? 'listed' : 'absent'}`);
            }
          }
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  test('every cell was checked', () => {
    const declared = ROWS().reduce((sum, r) => sum + Object.values(r.cells).reduce((s, line) => s + line!.trim().split(/\s+/).length, 0), 0);
    expect(declared).toBe(EXPECTED_CELLS);
    expect(checked).toBe(EXPECTED_CELLS);
  });
});

// ── coverage: every mounted route has a row, and every row a mounted route ───────────────────
describe('route coverage', () => {
  test('the matrix has a row for every mounted route and no row for a route that is not mounted', () => {
    const mounted = new Set(mountedRoutes(createApp(server.ctx)));
    const rows = new Set(ROWS().map((r) => r.route));
    expect(mounted.size).toBeGreaterThan(60);
    expect([...mounted].filter((r) => !rows.has(r)).sort(), 'mounted routes without a matrix row').toEqual([]);
    expect([...rows].filter((r) => !mounted.has(r)).sort(), 'matrix rows for routes that are not mounted').toEqual([]);
  });
});
