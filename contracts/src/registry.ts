import { z } from 'zod';
import { CARD_UID_PATTERN, CARD_UID_RULE } from './card-uid.js';
import { CardStatus, DeviceStatus, IndicatorProtocol, PeriodKind, SiteKind, StreamCode, UserRole, VehicleStatus } from './streams.js';
import { isPlausiblePlate, normalisePlate } from './plate.js';

// Request bodies for the registry. Create schemas are strict: unknown fields are an error, not silently dropped.
export const Uuid = z.uuid('an id (UUID)');
const RegistryCode = z.string().regex(/^[A-Z0-9_-]{2,32}$/, 'upper-case letters, digits, _ and -, 2–32 characters');
const Name = z.string().trim().min(1).max(120);
const LocalDate = z.iso.date('a date YYYY-MM-DD');
const Instant = z.iso.datetime({ offset: true, message: 'an ISO-8601 time with offset' });

export const DistrictInput = z.object({ code: RegistryCode, nameZh: Name, nameEn: Name, population: z.int().min(1).max(50_000_000) }).strict();

export const SiteInput = z
  .object({
    code: RegistryCode,
    nameZh: Name,
    nameEn: Name,
    kind: SiteKind,
    districtId: Uuid,
    capacityTpd: z.int().min(0).max(100_000),
    timezone: z.string().min(3).max(64).default('Asia/Shanghai'),
    latitude: z.number().min(-90).max(90).nullable().optional(),
    longitude: z.number().min(-180).max(180).nullable().optional(),
    acceptedStreams: z.array(StreamCode).min(1).max(8),
    active: z.boolean().default(true),
  })
  .strict()
  .refine((s) => { try { new Intl.DateTimeFormat('en', { timeZone: s.timezone }); return true; } catch { return false; } }, { path: ['timezone'], message: 'an IANA time zone such as Asia/Shanghai' });

const DIVISIONS = [1, 2, 5, 10, 20, 50, 100] as const;
export const ScaleInput = z
  .object({
    siteId: Uuid,
    code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
    name: Name,
    maxKg: z.int().min(100).max(300_000),
    divisionKg: z.union(DIVISIONS.map((d) => z.literal(d))),
    minLoadKg: z.int().min(0),
    protocol: IndicatorProtocol,
    portPath: z.string().max(128).nullable().optional(),
    baudRate: z.union([600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].map((b) => z.literal(b))).default(9600),
    dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
    parity: z.enum(['none', 'even', 'odd']).default('none'),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
    active: z.boolean().default(true),
  })
  .strict()
  .refine((s) => s.minLoadKg < s.maxKg, { path: ['minLoadKg'], message: 'minimum load must be below maximum capacity' })
  .refine((s) => s.maxKg % s.divisionKg === 0, { path: ['maxKg'], message: 'maximum capacity must be a whole number of divisions e' });

export const CarrierInput = z
  .object({ code: RegistryCode, name: Name, licenceNo: z.string().max(64).nullable().optional(), districtId: Uuid.nullable().optional(), phone: z.string().max(32).nullable().optional(), active: z.boolean().default(true) })
  .strict();

export const PlateText = z
  .string()
  .min(5)
  .max(16)
  .refine((p) => isPlausiblePlate(normalisePlate(p)), 'a Chinese plate such as 苏E·12345');

export const VehicleInput = z
  .object({
    plate: PlateText,
    carrierId: Uuid,
    kind: z.string().max(64).nullable().optional(),
    streams: z.array(StreamCode).min(1).max(8),
    storedTareKg: z.int().min(1).max(100_000).nullable().optional(),
    tareMeasuredAt: Instant.nullable().optional(),
    tareExpiresAt: Instant.nullable().optional(),
    maxGrossKg: z.int().min(1000).max(200_000),
    status: VehicleStatus.default('ACTIVE'),
  })
  .strict()
  .refine((v) => (v.storedTareKg == null) === (v.tareMeasuredAt == null) && (v.storedTareKg == null) === (v.tareExpiresAt == null), {
    path: ['storedTareKg'],
    message: 'a stored tare needs both the date it was measured and its expiry',
  })
  .refine((v) => v.tareMeasuredAt == null || v.tareExpiresAt == null || Date.parse(v.tareExpiresAt) > Date.parse(v.tareMeasuredAt), {
    path: ['tareExpiresAt'],
    message: 'the tare must expire after it was measured',
  })
  .refine((v) => v.storedTareKg == null || v.storedTareKg < v.maxGrossKg, { path: ['storedTareKg'], message: 'tare must be below maximum gross' });

export const DriverInput = z.object({ carrierId: Uuid, name: Name, phone: z.string().max(32).nullable().optional() }).strict();

export const CardUid = z
  .string()
  .transform((s) => s.replace(/[\s:]/g, '').toLowerCase())
  .pipe(z.string().regex(CARD_UID_PATTERN, CARD_UID_RULE));

export const CardInput = z.object({ uid: CardUid, vehicleId: Uuid, driverId: Uuid.nullable().optional() }).strict();
export const CardStatusChange = z.object({ status: CardStatus, note: z.string().trim().min(3).max(500) }).strict();

const HHMM = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time HH:MM');
export const RouteInput = z
  .object({
    code: RegistryCode,
    name: Name,
    districtId: Uuid,
    streamCode: StreamCode,
    destinationSiteId: Uuid,
    // a haul route: the transfer station its trailers haul from (station → plant); null or absent = a collection route
    originSiteId: Uuid.nullable().optional(),
    scheduleDays: z.array(z.int().min(1).max(7)).min(1).max(7).refine((d) => new Set(d).size === d.length, 'days must not repeat'),
    shiftStart: HHMM,
    plannedTrips: z.int().min(1).max(100),
    plannedKg: z.int().min(1).max(5_000_000),
    vehicleIds: z.array(Uuid).max(200).default([]),
    points: z.array(z.object({ name: Name, latitude: z.number().min(-90).max(90).nullable().optional(), longitude: z.number().min(-180).max(180).nullable().optional() }).strict()).max(500).default([]),
    active: z.boolean().default(true),
    // the days the plan is in force, both included; null or absent = open-ended
    effectiveFrom: LocalDate.nullable().optional(),
    effectiveTo: LocalDate.nullable().optional(),
    // share of planned tonnes a run may fall short before it is SHORT; null or absent = the deployment's rule
    kgTolerance: z.number().min(0, 'a share from 0 to 1').max(1, 'a share from 0 to 1').nullable().optional(),
  })
  .strict()
  .refine((r) => r.effectiveFrom == null || r.effectiveTo == null || r.effectiveFrom <= r.effectiveTo, { path: ['effectiveTo'], message: 'a route cannot end before it takes effect' })
  .refine((r) => r.originSiteId == null || r.originSiteId !== r.destinationSiteId, { path: ['originSiteId'], message: 'a haul route cannot deliver to the station it leaves' });

export const PermitInput = z
  .object({
    permitNo: z.string().trim().min(3).max(64),
    originSiteId: Uuid,
    carrierId: Uuid,
    disposalSiteId: Uuid,
    streamCode: z.enum(['CONSTRUCTION', 'RENOVATION']),
    validFrom: LocalDate,
    validTo: LocalDate,
    approvedVolumeM3: z.int().min(1).max(10_000_000),
    approvedKg: z.int().min(1).nullable().optional(),
    vehicleIds: z.array(Uuid).min(1).max(500),
  })
  .strict()
  .refine((p) => p.validTo >= p.validFrom, { path: ['validTo'], message: 'a permit cannot end before it starts' })
  .refine((p) => p.originSiteId !== p.disposalSiteId, { path: ['disposalSiteId'], message: 'origin and disposal site must differ' });

export const TargetInput = z
  .object({
    districtId: Uuid,
    metric: z.string().regex(/^[A-Z_]{2,48}$/),
    periodKind: PeriodKind,
    periodStart: LocalDate,
    value: z.number().finite(),
    unit: z.string().min(1).max(16),
  })
  .strict();

export const DeviceInput = z
  .object({
    code: z.string().regex(/^[A-Z0-9_-]{2,48}$/),
    siteId: Uuid,
    scaleIds: z.array(Uuid).min(1).max(16),
    publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'a raw ed25519 public key, base64').nullable().optional(),
    status: DeviceStatus.default('PENDING'),
  })
  .strict()
  .refine((d) => d.status !== 'ACTIVE' || d.publicKey, { path: ['publicKey'], message: 'an active device needs its public key' });

export const UserInput = z
  .object({
    username: z.string().regex(/^[a-z0-9_.-]{3,64}$/),
    displayName: Name,
    password: z.string().min(10, 'passwords are at least 10 characters').max(256),
    role: UserRole,
    scopeSiteId: Uuid.nullable().optional(),
    scopeCarrierId: Uuid.nullable().optional(),
    scopeDistrictId: Uuid.nullable().optional(),
    active: z.boolean().default(true),
  })
  .strict()
  .superRefine((u, ctx) => {
    const site = u.scopeSiteId != null, carrier = u.scopeCarrierId != null, district = u.scopeDistrictId != null;
    const ok =
      (u.role === 'OPERATOR' && site && !carrier && !district) ||
      (u.role === 'DISPATCHER' && !site && carrier !== district) ||
      (u.role === 'INSPECTOR' && !site && !carrier) ||
      (u.role === 'ADMIN' && !site && !carrier && !district);
    if (!ok) ctx.addIssue({ code: 'custom', path: ['role'], message: 'scope does not fit role: operator → one site; dispatcher → a carrier or a district; inspector → a district or none (city); admin → none' });
  });

export const LoginInput = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict();

// ───────── PATCH bodies and list queries ─────────

// A PATCH body is the create schema with every field optional and no defaults: an absent field
// keeps its stored value. Cross-field rules (min < max, tare dates, scope fits role…) are checked
// again by the server on the merged record, with the create schema.
type PatchShape<S extends z.core.$ZodShape> = { [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer T> ? T : S[K]> };
function patchOf<S extends z.core.$ZodShape>(shape: S): z.ZodObject<PatchShape<S>, z.core.$strict> {
  const out: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries(shape)) out[k] = (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : (v as z.ZodType)).optional();
  return z.object(out).strict() as unknown as z.ZodObject<PatchShape<S>, z.core.$strict>;
}

export const DistrictUpdate = patchOf(DistrictInput.shape);
export const SiteUpdate = patchOf(SiteInput.shape);
export const ScaleUpdate = patchOf(ScaleInput.shape);
export const CarrierUpdate = patchOf(CarrierInput.shape);
export const VehicleUpdate = patchOf(VehicleInput.shape);
export const DriverUpdate = patchOf(DriverInput.shape);
// A card's UID is the physical card; a different card is a new card. Status changes go through CardStatusChange.
export const CardUpdate = patchOf(CardInput.shape).omit({ uid: true });
export const RouteUpdate = patchOf(RouteInput.shape);
export const PermitUpdate = patchOf(PermitInput.shape);
export const TargetUpdate = patchOf(TargetInput.shape);
export const DeviceUpdate = patchOf(DeviceInput.shape);
export const UserUpdate = patchOf(UserInput.shape).omit({ username: true });

export type DistrictInput = z.infer<typeof DistrictInput>;
export type SiteInput = z.infer<typeof SiteInput>;
export type ScaleInput = z.infer<typeof ScaleInput>;
export type CarrierInput = z.infer<typeof CarrierInput>;
export type VehicleInput = z.infer<typeof VehicleInput>;
export type DriverInput = z.infer<typeof DriverInput>;
export type CardInput = z.infer<typeof CardInput>;
export type CardStatusChange = z.infer<typeof CardStatusChange>;
export type RouteInput = z.infer<typeof RouteInput>;
export type PermitInput = z.infer<typeof PermitInput>;
export type TargetInput = z.infer<typeof TargetInput>;
export type DeviceInput = z.infer<typeof DeviceInput>;
export type UserInput = z.infer<typeof UserInput>;
export type LoginInput = z.infer<typeof LoginInput>;
export type DistrictUpdate = z.infer<typeof DistrictUpdate>;
export type SiteUpdate = z.infer<typeof SiteUpdate>;
export type ScaleUpdate = z.infer<typeof ScaleUpdate>;
export type CarrierUpdate = z.infer<typeof CarrierUpdate>;
export type VehicleUpdate = z.infer<typeof VehicleUpdate>;
export type DriverUpdate = z.infer<typeof DriverUpdate>;
export type CardUpdate = z.infer<typeof CardUpdate>;
export type RouteUpdate = z.infer<typeof RouteUpdate>;
export type PermitUpdate = z.infer<typeof PermitUpdate>;
export type TargetUpdate = z.infer<typeof TargetUpdate>;
export type DeviceUpdate = z.infer<typeof DeviceUpdate>;
export type UserUpdate = z.infer<typeof UserUpdate>;

// Registry lists are keyset-paged by id: pass the previous page's nextCursor back as `cursor`.
const Paging = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: Uuid.optional(),
};
const listQuery = <S extends z.core.$ZodShape>(filters: S) => z.object({ ...Paging, ...filters }).strict();

export const PageQuery = listQuery({});
export const StreamListQuery = z.object({ limit: Paging.limit, cursor: StreamCode.optional() }).strict();
export const SiteListQuery = listQuery({ districtId: Uuid.optional(), kind: SiteKind.optional() });
export const ScaleListQuery = listQuery({ siteId: Uuid.optional() });
export const CarrierListQuery = listQuery({ districtId: Uuid.optional() });
export const VehicleListQuery = listQuery({ carrierId: Uuid.optional(), plate: z.string().min(2).max(16).optional() });
export const DriverListQuery = listQuery({ carrierId: Uuid.optional() });
export const CardListQuery = listQuery({ vehicleId: Uuid.optional(), uid: z.string().max(32).optional() });
export const RouteListQuery = listQuery({ districtId: Uuid.optional() });
export const PermitListQuery = listQuery({ carrierId: Uuid.optional() });
export const TargetListQuery = listQuery({ districtId: Uuid.optional() });
export const DeviceListQuery = listQuery({ siteId: Uuid.optional() });

export type PageQuery = z.infer<typeof PageQuery>;
export type StreamListQuery = z.infer<typeof StreamListQuery>;
export type SiteListQuery = z.infer<typeof SiteListQuery>;
export type ScaleListQuery = z.infer<typeof ScaleListQuery>;
export type CarrierListQuery = z.infer<typeof CarrierListQuery>;
export type VehicleListQuery = z.infer<typeof VehicleListQuery>;
export type DriverListQuery = z.infer<typeof DriverListQuery>;
export type CardListQuery = z.infer<typeof CardListQuery>;
export type RouteListQuery = z.infer<typeof RouteListQuery>;
export type PermitListQuery = z.infer<typeof PermitListQuery>;
export type TargetListQuery = z.infer<typeof TargetListQuery>;
export type DeviceListQuery = z.infer<typeof DeviceListQuery>;
