import { z } from 'zod';

/** Waste stream codes. Names live in the waste_stream table; these are the codes the code relies on. */
export const STREAM_CODES = [
  'KITCHEN',
  'FOOD_SERVICE',
  'RECYCLABLE',
  'HAZARDOUS',
  'OTHER',
  'BULKY',
  'CONSTRUCTION',
  'RENOVATION',
] as const;
export const StreamCode = z.enum(STREAM_CODES);
export type StreamCode = z.infer<typeof StreamCode>;

/** 四分类: the four household streams. */
export const HOUSEHOLD_STREAMS: readonly StreamCode[] = ['KITCHEN', 'RECYCLABLE', 'HAZARDOUS', 'OTHER'];

export const SITE_KINDS = [
  'TRANSFER_STATION',
  'INCINERATOR',
  'KITCHEN_PLANT',
  'CONSTRUCTION_PLANT',
  'LANDFILL',
  'RECYCLABLES_CENTRE',
  'BULKY_STATION',
  'HAZARDOUS_STORE',
  'PROJECT_SITE',
] as const;
export const SiteKind = z.enum(SITE_KINDS);
export type SiteKind = z.infer<typeof SiteKind>;

export const INDICATOR_PROTOCOLS = [
  'TOLEDO_CONTINUOUS',
  'TOLEDO_8142',
  'XK3190_TF0',
  'XK3190_TF1',
  'XK3190_TF2',
  'A12',
  'ST_GS',
  'MT_SICS',
] as const;
export const IndicatorProtocol = z.enum(INDICATOR_PROTOCOLS);
export type IndicatorProtocol = z.infer<typeof IndicatorProtocol>;

export const VehicleStatus = z.enum(['ACTIVE', 'SUSPENDED', 'BANNED']);
export type VehicleStatus = z.infer<typeof VehicleStatus>;
export const CardStatus = z.enum(['ISSUED', 'LOST', 'REVOKED']);
export type CardStatus = z.infer<typeof CardStatus>;
export const DeviceStatus = z.enum(['PENDING', 'ACTIVE', 'SUSPENDED', 'RETIRED']);
export type DeviceStatus = z.infer<typeof DeviceStatus>;
export const UserRole = z.enum(['ADMIN', 'OPERATOR', 'DISPATCHER', 'INSPECTOR']);
export type UserRole = z.infer<typeof UserRole>;
export const Direction = z.enum(['IN', 'OUT']);
export type Direction = z.infer<typeof Direction>;
// ESTIMATED (估重): computed while the scale could not weigh; the weakest source (contracts/estimate.ts).
export const WeightSource = z.enum(['WEIGHED', 'STORED', 'KEYED', 'ESTIMATED']);
export type WeightSource = z.infer<typeof WeightSource>;
export const PeriodKind = z.enum(['DAY', 'MONTH', 'QUARTER', 'YEAR']);
export type PeriodKind = z.infer<typeof PeriodKind>;
