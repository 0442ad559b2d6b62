/**
 * A small, deterministic city for tests that need more than one station: two districts, their
 * sites, lanes, carriers, trucks, cards, routes, permits, targets, signed-in devices and one user
 * for every role × scope. Other suites (ingestion, tickets, live sockets) build on it, so:
 * codes, plates, card UIDs and usernames are STABLE — add things, do not rename or remove them.
 *
 *   const fx = await seedFixtures(server.ctx.db.prisma);   // once per database (codes are unique)
 *   const token = await login(server.url, fx.users.operatorA.username);
 *
 * For signed uploads, fx.devices.<site> carries the device code, lane and private key; wrap it in
 * support/station.ts's StationFixture shape to use TestDevice (authorization-matrix.test.ts does).
 *
 * District A 姑苏区 (GUSU)                         District B 吴中区 (WUZHONG)
 *   siteA        GS-TS   transfer station          siteB          WZ-KIT  kitchen-waste plant
 *                 KITCHEN OTHER RECYCLABLE RENOVATION               KITCHEN FOOD_SERVICE
 *   incineratorA GS-INC  incinerator   OTHER       constructionB  WZ-CON  construction-waste plant
 *   projectA     GS-PRJ  project site  (origin)                     CONSTRUCTION RENOVATION
 *                                                  projectB       WZ-PRJ  project site (origin)
 * Every site has one scale, code L1 (60 t, e = 20 kg), and one ACTIVE device <SITE>-PC1 with a
 * real ed25519 key on that lane (privateKeyPem is returned for signing records).
 *
 *   carrierA GS-HW (district A)                   carrierB WZ-HW (district B)
 *     A1 苏E·GS001 compactor  KITCHEN OTHER          B1 苏E·WZ001 kitchen truck  KITCHEN FOOD_SERVICE
 *     A2 苏E·GS002 muck truck RENOVATION CONSTR.     B2 苏E·WZ002 muck truck    CONSTRUCTION
 *   Each vehicle: one ISSUED card (A1 → 0a0a0001 … B2 → 0b0b0002), a stored tare valid from
 *   the start of this year to the end of next year; one driver per carrier (on the *1 cards).
 *
 *   routeA GS-R01 KITCHEN → siteA, truck A1       routeB WZ-R01 KITCHEN → siteB, truck B1
 *   permitA GS-2026-001 RENOVATION projectA → siteA, carrierA, truck A2
 *   permitB WZ-2026-001 CONSTRUCTION projectB → constructionB, carrierB, truck B2
 *   targetA / targetB: SEPARATION_RATE, this month, 0.35 ratio
 *
 * Users (password FIXTURE_PASSWORD for all):
 *   admin · operator.a (siteA) · operator.b (siteB) · dispatcher.carrier-a (carrierA)
 *   dispatcher.district-b (district B) · inspector.city (no scope) · inspector.district-a (district A)
 *
 * Dates are relative to the current year, so the city never goes stale.
 */
import { generateDeviceKeys } from '@haulproof/contracts/signing';
import type { PrismaClient, UserRole } from '../../server/src/generated/prisma/client.js';
import { hashPassword } from '../../server/src/services/passwords.js';

export const FIXTURE_PASSWORD = 'haulproof-fixture-pw';

export interface Ref {
  id: string;
  code: string;
}
export interface SiteRef extends Ref {
  districtId: string;
  scaleId: string;
  laneCode: 'L1';
}
export interface VehicleRef {
  id: string;
  plate: string; // normalised
  plateRaw: string;
  carrierId: string;
  storedTareKg: number;
  cardId: string;
  cardUid: string;
}
export interface DeviceRef extends Ref {
  siteId: string;
  siteCode: string;
  scaleId: string;
  laneCode: 'L1';
  publicKey: string;
  privateKeyPem: string;
}
export interface UserRef {
  id: string;
  username: string;
  role: UserRole;
}

type SiteKey = 'siteA' | 'incineratorA' | 'projectA' | 'siteB' | 'constructionB' | 'projectB';
type VehicleKey = 'A1' | 'A2' | 'B1' | 'B2';
type UserKey = 'admin' | 'operatorA' | 'operatorB' | 'dispatcherCarrierA' | 'dispatcherDistrictB' | 'inspectorCity' | 'inspectorDistrictA';

export interface Fixtures {
  password: string;
  districtA: Ref;
  districtB: Ref;
  sites: Record<SiteKey, SiteRef>;
  carrierA: Ref;
  carrierB: Ref;
  vehicles: Record<VehicleKey, VehicleRef>;
  drivers: { A: { id: string; carrierId: string }; B: { id: string; carrierId: string } };
  routes: { A: Ref; B: Ref };
  permits: { A: { id: string; permitNo: string }; B: { id: string; permitNo: string } };
  targets: { A: { id: string }; B: { id: string } };
  devices: Record<SiteKey, DeviceRef>;
  users: Record<UserKey, UserRef>;
}

const SITES: Record<SiteKey, { code: string; nameZh: string; nameEn: string; kind: 'TRANSFER_STATION' | 'INCINERATOR' | 'PROJECT_SITE' | 'KITCHEN_PLANT' | 'CONSTRUCTION_PLANT'; district: 'A' | 'B'; capacityTpd: number; streams: string[] }> = {
  siteA: { code: 'GS-TS', nameZh: '姑苏区垃圾转运站', nameEn: 'Gusu transfer station', kind: 'TRANSFER_STATION', district: 'A', capacityTpd: 800, streams: ['KITCHEN', 'OTHER', 'RECYCLABLE', 'RENOVATION'] },
  incineratorA: { code: 'GS-INC', nameZh: '姑苏焚烧发电厂', nameEn: 'Gusu waste-to-energy plant', kind: 'INCINERATOR', district: 'A', capacityTpd: 1500, streams: ['OTHER'] },
  projectA: { code: 'GS-PRJ', nameZh: '姑苏地铁站工地', nameEn: 'Gusu metro station works', kind: 'PROJECT_SITE', district: 'A', capacityTpd: 0, streams: ['CONSTRUCTION', 'RENOVATION'] },
  siteB: { code: 'WZ-KIT', nameZh: '吴中餐厨垃圾处理厂', nameEn: 'Wuzhong kitchen-waste plant', kind: 'KITCHEN_PLANT', district: 'B', capacityTpd: 650, streams: ['KITCHEN', 'FOOD_SERVICE'] },
  constructionB: { code: 'WZ-CON', nameZh: '吴中建筑垃圾资源化利用中心', nameEn: 'Wuzhong construction-waste recycling centre', kind: 'CONSTRUCTION_PLANT', district: 'B', capacityTpd: 1000, streams: ['CONSTRUCTION', 'RENOVATION'] },
  projectB: { code: 'WZ-PRJ', nameZh: '吴中商务区工地', nameEn: 'Wuzhong business district works', kind: 'PROJECT_SITE', district: 'B', capacityTpd: 0, streams: ['CONSTRUCTION'] },
};

const VEHICLES: Record<VehicleKey, { plateRaw: string; carrier: 'A' | 'B'; kind: string; streams: string[]; tareKg: number; maxGrossKg: number; cardUid: string; withDriver: boolean }> = {
  A1: { plateRaw: '苏E·GS001', carrier: 'A', kind: 'compactor', streams: ['KITCHEN', 'OTHER'], tareKg: 12_000, maxGrossKg: 25_000, cardUid: '0a0a0001', withDriver: true },
  A2: { plateRaw: '苏E·GS002', carrier: 'A', kind: 'muck truck', streams: ['RENOVATION', 'CONSTRUCTION'], tareKg: 15_000, maxGrossKg: 31_000, cardUid: '0a0a0002', withDriver: false },
  B1: { plateRaw: '苏E·WZ001', carrier: 'B', kind: 'kitchen-waste truck', streams: ['KITCHEN', 'FOOD_SERVICE'], tareKg: 9_000, maxGrossKg: 18_000, cardUid: '0b0b0001', withDriver: true },
  B2: { plateRaw: '苏E·WZ002', carrier: 'B', kind: 'muck truck', streams: ['CONSTRUCTION'], tareKg: 15_500, maxGrossKg: 31_000, cardUid: '0b0b0002', withDriver: false },
};

export async function seedFixtures(prisma: PrismaClient): Promise<Fixtures> {
  const year = new Date().getUTCFullYear();
  const month = new Date().getUTCMonth();
  const passwordHash = await hashPassword(FIXTURE_PASSWORD); // one hash for all: scrypt is slow on purpose

  const districtA = await prisma.district.create({ data: { code: 'GUSU', nameZh: '姑苏区', nameEn: 'Gusu', population: 924_700 } });
  const districtB = await prisma.district.create({ data: { code: 'WUZHONG', nameZh: '吴中区', nameEn: 'Wuzhong', population: 1_393_000 } });
  const districtOf = (d: 'A' | 'B') => (d === 'A' ? districtA : districtB);

  const sites = {} as Record<SiteKey, SiteRef>;
  const devices = {} as Record<SiteKey, DeviceRef>;
  for (const [key, s] of Object.entries(SITES) as [SiteKey, (typeof SITES)[SiteKey]][]) {
    const site = await prisma.site.create({
      data: { code: s.code, nameZh: s.nameZh, nameEn: s.nameEn, kind: s.kind, districtId: districtOf(s.district).id, capacityTpd: s.capacityTpd, streams: { create: s.streams.map((streamCode) => ({ streamCode })) } },
    });
    const scale = await prisma.scale.create({ data: { siteId: site.id, code: 'L1', name: '1号磅 Lane 1', maxKg: 60_000, divisionKg: 20, minLoadKg: 400, protocol: 'XK3190_TF0' } });
    sites[key] = { id: site.id, code: site.code, districtId: site.districtId, scaleId: scale.id, laneCode: 'L1' };
    const keys = generateDeviceKeys();
    const device = await prisma.stationDevice.create({
      data: { code: `${s.code}-PC1`, siteId: site.id, publicKey: keys.publicKey, status: 'ACTIVE', softwareVersion: 'fixture 1.0.0', lanes: { create: [{ scaleId: scale.id }] } },
    });
    devices[key] = { id: device.id, code: device.code, siteId: site.id, siteCode: site.code, scaleId: scale.id, laneCode: 'L1', publicKey: keys.publicKey, privateKeyPem: keys.privateKeyPem };
  }

  const carrierA = await prisma.carrier.create({ data: { code: 'GS-HW', name: '姑苏环卫运输有限公司', licenceNo: 'SZ-GS-0001', districtId: districtA.id, phone: '0512-6500-0001' } });
  const carrierB = await prisma.carrier.create({ data: { code: 'WZ-HW', name: '吴中环境运输有限公司', licenceNo: 'SZ-WZ-0001', districtId: districtB.id, phone: '0512-6600-0001' } });
  const carrierOf = (c: 'A' | 'B') => (c === 'A' ? carrierA : carrierB);
  const driverA = await prisma.driver.create({ data: { carrierId: carrierA.id, name: '张师傅', phone: '139-0000-0001' } });
  const driverB = await prisma.driver.create({ data: { carrierId: carrierB.id, name: '李师傅', phone: '139-0000-0002' } });

  const vehicles = {} as Record<VehicleKey, VehicleRef>;
  for (const [key, v] of Object.entries(VEHICLES) as [VehicleKey, (typeof VEHICLES)[VehicleKey]][]) {
    const plate = v.plateRaw.replace('·', '');
    const carrierId = carrierOf(v.carrier).id;
    const vehicle = await prisma.vehicle.create({
      data: {
        plate,
        plateRaw: v.plateRaw,
        carrierId,
        kind: v.kind,
        storedTareKg: v.tareKg,
        tareMeasuredAt: new Date(Date.UTC(year, 0, 2, 1)),
        tareExpiresAt: new Date(Date.UTC(year + 1, 11, 31, 15)),
        maxGrossKg: v.maxGrossKg,
        streams: { create: v.streams.map((streamCode) => ({ streamCode })) },
      },
    });
    const driverId = v.withDriver ? (v.carrier === 'A' ? driverA.id : driverB.id) : null;
    const card = await prisma.card.create({
      data: { uid: v.cardUid, vehicleId: vehicle.id, driverId, history: { create: { status: 'ISSUED', vehicleId: vehicle.id, driverId, note: 'fixture' } } },
    });
    vehicles[key] = { id: vehicle.id, plate, plateRaw: v.plateRaw, carrierId, storedTareKg: v.tareKg, cardId: card.id, cardUid: v.cardUid };
  }

  const route = (code: string, name: string, district: { id: string }, destination: SiteRef, vehicle: VehicleRef) =>
    prisma.collectionRoute.create({
      data: {
        code,
        name,
        districtId: district.id,
        streamCode: 'KITCHEN',
        destinationSiteId: destination.id,
        scheduleDays: [1, 2, 3, 4, 5, 6, 7],
        shiftStart: '05:30',
        plannedTrips: 3,
        plannedKg: 24_000,
        vehicles: { create: [{ vehicleId: vehicle.id }] },
        points: { create: [{ ordinal: 1, name: `${name} 1号收集点` }, { ordinal: 2, name: `${name} 2号收集点` }] },
      },
    });
  const routeA = await route('GS-R01', '姑苏厨余一线', districtA, sites.siteA, vehicles.A1);
  const routeB = await route('WZ-R01', '吴中厨余一线', districtB, sites.siteB, vehicles.B1);

  const permit = (permitNo: string, origin: SiteRef, disposal: SiteRef, carrierId: string, streamCode: string, vehicle: VehicleRef) =>
    prisma.permit.create({
      data: {
        permitNo,
        originSiteId: origin.id,
        disposalSiteId: disposal.id,
        carrierId,
        streamCode,
        validFrom: new Date(Date.UTC(year, 0, 1)),
        validTo: new Date(Date.UTC(year + 1, 11, 31)),
        approvedVolumeM3: 20_000,
        approvedKg: 36_000_000,
        vehicles: { create: [{ vehicleId: vehicle.id }] },
      },
    });
  const permitA = await permit('GS-2026-001', sites.projectA, sites.siteA, carrierA.id, 'RENOVATION', vehicles.A2);
  const permitB = await permit('WZ-2026-001', sites.projectB, sites.constructionB, carrierB.id, 'CONSTRUCTION', vehicles.B2);

  const target = (districtId: string) =>
    prisma.target.create({ data: { districtId, metric: 'SEPARATION_RATE', periodKind: 'MONTH', periodStart: new Date(Date.UTC(year, month, 1)), value: 0.35, unit: 'ratio' } });
  const targetA = await target(districtA.id);
  const targetB = await target(districtB.id);

  const user = async (username: string, displayName: string, role: UserRole, scope: { scopeSiteId?: string; scopeCarrierId?: string; scopeDistrictId?: string } = {}): Promise<UserRef> => {
    const u = await prisma.appUser.create({ data: { username, displayName, passwordHash, role, ...scope } });
    return { id: u.id, username, role };
  };
  const users: Record<UserKey, UserRef> = {
    admin: await user('admin', '系统管理员', 'ADMIN'),
    operatorA: await user('operator.a', '姑苏转运站司磅员', 'OPERATOR', { scopeSiteId: sites.siteA.id }),
    operatorB: await user('operator.b', '吴中餐厨厂司磅员', 'OPERATOR', { scopeSiteId: sites.siteB.id }),
    dispatcherCarrierA: await user('dispatcher.carrier-a', '姑苏环卫调度', 'DISPATCHER', { scopeCarrierId: carrierA.id }),
    dispatcherDistrictB: await user('dispatcher.district-b', '吴中区调度', 'DISPATCHER', { scopeDistrictId: districtB.id }),
    inspectorCity: await user('inspector.city', '市城管局督查', 'INSPECTOR'),
    inspectorDistrictA: await user('inspector.district-a', '姑苏区督查', 'INSPECTOR', { scopeDistrictId: districtA.id }),
  };

  return {
    password: FIXTURE_PASSWORD,
    districtA: { id: districtA.id, code: districtA.code },
    districtB: { id: districtB.id, code: districtB.code },
    sites,
    carrierA: { id: carrierA.id, code: carrierA.code },
    carrierB: { id: carrierB.id, code: carrierB.code },
    vehicles,
    drivers: { A: { id: driverA.id, carrierId: carrierA.id }, B: { id: driverB.id, carrierId: carrierB.id } },
    routes: { A: { id: routeA.id, code: routeA.code }, B: { id: routeB.id, code: routeB.code } },
    permits: { A: { id: permitA.id, permitNo: permitA.permitNo }, B: { id: permitB.id, permitNo: permitB.permitNo } },
    targets: { A: { id: targetA.id }, B: { id: targetB.id } },
    devices,
    users,
  };
}

/** Logs in through POST /api/v1/auth/login and returns the session token. */
export async function login(baseUrl: string, username: string, password = FIXTURE_PASSWORD): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const body = (await res.json()) as { token?: string; message?: string };
  if (res.status !== 200 || !body.token) throw new Error(`login as ${username} failed: ${res.status} ${body.message ?? ''}`);
  return body.token;
}
