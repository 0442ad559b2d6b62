// Writes the demo city into the registry. Idempotent: everything is upserted by
// its code, so running it again changes nothing but dates kept relative to today.
// A setup script, not a route: it uses Prisma directly.
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { hashPassword } from '../services/passwords.js';
import { DEMO_PASSWORD, DEVICES, DISTRICTS, SIM_SOFTWARE, SITES, USERS } from './city.js';
import { loadOrCreateDeviceKey, type DeviceKey } from './device-files.js';
import { CARRIERS, MUCK_KG_PER_M3, PERMITS, ROUTES, TARGETS, VEHICLE_KINDS, VEHICLES } from './fleet.js';

type Tx = Prisma.TransactionClient;
const DAY_MS = 86_400_000;

/** Today in the city's zone, as the UTC midnight that a DATE column stores. */
function cityToday(now: Date): Date {
  return new Date(`${new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now)}T00:00:00Z`);
}

export interface SeedSummary {
  deviceKeysCreated: string[];
  deviceKeysReplaced: string[];
  usersCreated: string[];
}

export async function seedDemoCity(prisma: PrismaClient, opts: { dataDir: string; now?: Date; log?: (m: string) => void }): Promise<SeedSummary> {
  const now = opts.now ?? new Date();
  // Files and password hashes first: slow, and not something to hold a transaction open for.
  const keys = new Map<string, DeviceKey & { created: boolean }>();
  for (const d of DEVICES) keys.set(d.code, await loadOrCreateDeviceKey(opts.dataDir, d.code));
  const existingUsers = new Set((await prisma.appUser.findMany({ where: { username: { in: USERS.map((u) => u.username) } }, select: { username: true } })).map((u) => u.username));
  const passwordHash = existingUsers.size < USERS.length ? await hashPassword(DEMO_PASSWORD) : '';

  const summary: SeedSummary = { deviceKeysCreated: [...keys].filter(([, k]) => k.created).map(([c]) => c), deviceKeysReplaced: [], usersCreated: [] };
  await prisma.$transaction(
    async (tx) => {
      const district = await seedPlaces(tx);
      const site = new Map((await tx.site.findMany({ select: { id: true, code: true } })).map((s) => [s.code, s.id]));
      const carrier = await seedCarriers(tx, district);
      const vehicle = await seedVehicles(tx, carrier, now);
      await seedRoutesPermitsTargets(tx, { district, site, carrier, vehicle }, cityToday(now));
      summary.deviceKeysReplaced = await seedDevices(tx, site, keys);
      summary.usersCreated = await seedUsers(tx, { district, site, carrier }, passwordHash, existingUsers);
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  for (const code of summary.deviceKeysReplaced) opts.log?.(`device ${code}: the key in the data folder differs from the registered one; registered the data folder's key (records signed with the old key keep their stored signatures)`);
  return summary;
}

async function seedPlaces(tx: Tx): Promise<Map<string, string>> {
  const district = new Map<string, string>();
  for (const d of DISTRICTS) {
    const row = await tx.district.upsert({ where: { code: d.code }, create: d, update: { nameZh: d.nameZh, nameEn: d.nameEn, population: d.population } });
    district.set(d.code, row.id);
  }
  for (const s of SITES) {
    const data = { nameZh: s.nameZh, nameEn: s.nameEn, kind: s.kind, districtId: district.get(s.district)!, capacityTpd: s.capacityTpd, latitude: s.latitude, longitude: s.longitude };
    const row = await tx.site.upsert({ where: { code: s.code }, create: { code: s.code, ...data }, update: data });
    await tx.siteStream.createMany({ data: s.streams.map((streamCode) => ({ siteId: row.id, streamCode })), skipDuplicates: true });
    for (const sc of s.scales) {
      const scale = { name: sc.name, maxKg: sc.maxKg, divisionKg: sc.divisionKg, minLoadKg: sc.minLoadKg, protocol: sc.protocol, baudRate: sc.baudRate, dataBits: sc.dataBits, parity: sc.parity };
      await tx.scale.upsert({ where: { siteId_code: { siteId: row.id, code: sc.code } }, create: { siteId: row.id, code: sc.code, ...scale }, update: scale });
    }
  }
  return district;
}

async function seedCarriers(tx: Tx, district: Map<string, string>): Promise<Map<string, string>> {
  const carrier = new Map<string, string>();
  for (const c of CARRIERS) {
    const data = { name: c.name, licenceNo: c.licenceNo, phone: c.phone, districtId: c.district ? district.get(c.district)! : null };
    carrier.set(c.code, (await tx.carrier.upsert({ where: { code: c.code }, create: { code: c.code, ...data }, update: data })).id);
  }
  return carrier;
}

async function seedVehicles(tx: Tx, carrier: Map<string, string>, now: Date): Promise<Map<string, string>> {
  const vehicle = new Map<string, string>();
  for (const v of VEHICLES) {
    const measured = new Date(now.getTime() - v.tareMeasuredDaysAgo * DAY_MS);
    const data = {
      plateRaw: v.plateRaw,
      carrierId: carrier.get(v.carrier)!,
      kind: v.kind,
      storedTareKg: v.storedTareKg,
      tareMeasuredAt: measured,
      tareExpiresAt: new Date(measured.getTime() + 180 * DAY_MS), // re-weighed twice a year
      maxGrossKg: VEHICLE_KINDS[v.kind].maxGross,
    };
    const row = await tx.vehicle.upsert({ where: { plate: v.plate }, create: { plate: v.plate, ...data }, update: data });
    vehicle.set(v.plate, row.id);
    await tx.vehicleStream.createMany({ data: v.streams.map((streamCode) => ({ vehicleId: row.id, streamCode })), skipDuplicates: true });
    const card = await tx.card.findUnique({ where: { uid: v.cardUid }, select: { id: true } });
    if (!card) {
      const created = await tx.card.create({ data: { uid: v.cardUid, vehicleId: row.id } });
      await tx.cardEvent.create({ data: { cardId: created.id, status: 'ISSUED', vehicleId: row.id, note: 'issued with the demo city' } });
    }
  }
  return vehicle;
}

async function seedRoutesPermitsTargets(tx: Tx, ids: Record<'district' | 'site' | 'carrier' | 'vehicle', Map<string, string>>, today: Date): Promise<void> {
  for (const r of ROUTES) {
    const data = { name: r.name, districtId: ids.district.get(r.district)!, streamCode: r.stream, destinationSiteId: ids.site.get(r.destination)!, scheduleDays: r.scheduleDays, shiftStart: r.shiftStart, plannedTrips: r.plannedTrips, plannedKg: r.plannedKg };
    const row = await tx.collectionRoute.upsert({ where: { code: r.code }, create: { code: r.code, ...data }, update: data });
    await tx.routeVehicle.createMany({ data: r.vehicles.map((p) => ({ routeId: row.id, vehicleId: ids.vehicle.get(p)! })), skipDuplicates: true });
  }
  for (const p of PERMITS) {
    const validFrom = new Date(today.getTime() - p.validFromDaysAgo * DAY_MS);
    const data = {
      originSiteId: ids.site.get(p.origin)!,
      carrierId: ids.carrier.get(p.carrier)!,
      disposalSiteId: ids.site.get(p.disposal)!,
      streamCode: p.stream,
      validFrom,
      validTo: new Date(validFrom.getTime() + p.validForDays * DAY_MS),
      approvedVolumeM3: p.approvedVolumeM3,
      approvedKg: p.approvedVolumeM3 * MUCK_KG_PER_M3,
    };
    const row = await tx.permit.upsert({ where: { permitNo: p.permitNo }, create: { permitNo: p.permitNo, ...data }, update: data });
    await tx.permitVehicle.createMany({ data: p.vehicles.map((pl) => ({ permitId: row.id, vehicleId: ids.vehicle.get(pl)! })), skipDuplicates: true });
  }
  const year = today.getUTCFullYear();
  const periodStart = { YEAR: new Date(Date.UTC(year, 0, 1)), MONTH: new Date(Date.UTC(year, today.getUTCMonth(), 1)) };
  for (const t of TARGETS) {
    const key = { districtId: ids.district.get(t.district)!, metric: t.metric, periodKind: t.periodKind, periodStart: periodStart[t.periodKind] };
    await tx.target.upsert({ where: { districtId_metric_periodKind_periodStart: key }, create: { ...key, value: t.value, unit: t.unit }, update: { value: t.value, unit: t.unit } });
  }
}

/** Returns the codes whose registered key had to be replaced by the data folder's. */
async function seedDevices(tx: Tx, site: Map<string, string>, keys: Map<string, DeviceKey>): Promise<string[]> {
  const replaced: string[] = [];
  for (const d of DEVICES) {
    const siteId = site.get(d.site)!;
    const key = keys.get(d.code)!;
    const prior = await tx.stationDevice.findUnique({ where: { code: d.code }, select: { publicKey: true } });
    if (prior?.publicKey && prior.publicKey !== key.publicKey) replaced.push(d.code);
    // A device an administrator suspended stays suspended; only its key and place are set.
    const row = await tx.stationDevice.upsert({
      where: { code: d.code },
      create: { code: d.code, siteId, publicKey: key.publicKey, status: 'ACTIVE', softwareVersion: SIM_SOFTWARE },
      update: { siteId, publicKey: key.publicKey },
    });
    const scales = await tx.scale.findMany({ where: { siteId }, select: { id: true } });
    await tx.deviceLane.createMany({ data: scales.map((s) => ({ deviceId: row.id, scaleId: s.id })), skipDuplicates: true });
  }
  return replaced;
}

/** Passwords are set only when a user is created: someone may have changed theirs since. */
async function seedUsers(tx: Tx, ids: Record<'district' | 'site' | 'carrier', Map<string, string>>, passwordHash: string, existing: Set<string>): Promise<string[]> {
  const created: string[] = [];
  for (const u of USERS) {
    const data = {
      displayName: u.displayName,
      role: u.role,
      scopeSiteId: u.site ? ids.site.get(u.site)! : null,
      scopeCarrierId: u.carrier ? ids.carrier.get(u.carrier)! : null,
      scopeDistrictId: u.district ? ids.district.get(u.district)! : null,
    };
    if (existing.has(u.username)) {
      await tx.appUser.update({ where: { username: u.username }, data });
    } else {
      await tx.appUser.create({ data: { username: u.username, passwordHash, ...data } });
      created.push(u.username);
    }
  }
  return created;
}
