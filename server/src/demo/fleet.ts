// Carriers, their vehicles, collection routes, disposal permits and district
// targets of the demo city. Deterministic: the same plates, cards and tares
// every time, so the seed is idempotent and the simulator can run apart from it.
import { createHash } from 'node:crypto';
import { HOUSEHOLD_STREAMS, type StreamCode } from '@haulproof/contracts';
import { DISTRICTS, SITES } from './city.js';
import { mulberry32 } from './random.js';

export interface CarrierPlan {
  code: string;
  name: string;
  licenceNo: string;
  district: string | null;
  phone: string;
}

/** Typical Chinese sanitation vehicles: registered tare, maximum gross, the net a trip carries. */
export const VEHICLE_KINDS = {
  'compactor-18t': { zh: '压缩式垃圾车（18 t）', tare: [10_500, 12_000], maxGross: 18_000, net: [3_000, 5_500] },
  'compactor-25t': { zh: '压缩式垃圾车（25 t）', tare: [14_000, 15_600], maxGross: 25_000, net: [5_000, 9_000] },
  'compactor-31t': { zh: '压缩式垃圾车（31 t）', tare: [16_800, 18_400], maxGross: 31_000, net: [7_000, 12_000] },
  'kitchen-truck': { zh: '厨余垃圾收运车', tare: [7_200, 8_600], maxGross: 16_000, net: [2_000, 6_000] },
  'recyclables-truck': { zh: '可回收物厢式货车', tare: [6_000, 7_400], maxGross: 12_000, net: [800, 3_500] },
  'hazardous-van': { zh: '有害垃圾专用车', tare: [2_500, 3_000], maxGross: 4_500, net: [100, 800] },
  'transfer-trailer': { zh: '转运半挂车（大箱）', tare: [17_000, 19_000], maxGross: 49_000, net: [15_000, 30_000] },
  'bulky-truck': { zh: '大件垃圾运输车', tare: [9_000, 10_200], maxGross: 18_000, net: [1_000, 5_000] },
  'muck-truck': { zh: '渣土运输车（自卸）', tare: [14_600, 16_000], maxGross: 31_000, net: [11_000, 15_000] },
  'food-service-truck': { zh: '餐厨垃圾收运车', tare: [8_000, 9_200], maxGross: 18_000, net: [3_000, 7_000] },
} as const;
export type VehicleKind = keyof typeof VEHICLE_KINDS;

export interface VehiclePlan {
  plate: string; // normalised: 苏E12345
  plateRaw: string; // 苏E·12345
  carrier: string;
  kind: VehicleKind;
  streams: StreamCode[];
  /** The district whose routes it runs, if any. */
  district: string | null;
  storedTareKg: number;
  tareMeasuredDaysAgo: number;
  cardUid: string;
}

export interface RoutePlan {
  code: string;
  name: string;
  district: string;
  stream: StreamCode;
  destination: string;
  scheduleDays: number[];
  shiftStart: string;
  plannedTrips: number;
  plannedKg: number;
  vehicles: string[];
}

export interface PermitPlan {
  permitNo: string;
  origin: string;
  carrier: string;
  disposal: string;
  stream: 'CONSTRUCTION' | 'RENOVATION';
  validFromDaysAgo: number;
  validForDays: number;
  approvedVolumeM3: number;
  vehicles: string[];
}

export interface TargetPlan {
  district: string;
  metric: string;
  periodKind: 'MONTH' | 'YEAR';
  value: number;
  unit: string;
}

export const CARRIERS: CarrierPlan[] = [
  { code: 'C-GSHW', name: '苏州姑苏环境卫生清运有限公司', licenceNo: '苏E环卫清运字2019第012号', district: 'GUSU', phone: '0512-65230118' },
  { code: 'C-WZHJ', name: '吴中城乡环境服务有限公司', licenceNo: '苏E环卫清运字2018第047号', district: 'WUZHONG', phone: '0512-66251207' },
  { code: 'C-YQHJ', name: '园区环境发展有限公司', licenceNo: '苏E环卫清运字2020第005号', district: 'SIP', phone: '0512-62868830' },
  { code: 'C-SZZY', name: '苏州市固废转运有限公司', licenceNo: '苏E固废运输字2017第003号', district: null, phone: '0512-68150026' },
  { code: 'C-ZSHS', name: '苏州再生资源回收利用有限公司', licenceNo: '苏E再生资源字2021第019号', district: null, phone: '0512-65587741' },
  { code: 'C-TDZT', name: '苏州通达渣土运输有限公司', licenceNo: '苏E渣土运输字2022第064号', district: null, phone: '0512-66089352' },
  { code: 'C-CCSY', name: '苏州餐厨垃圾收运有限公司', licenceNo: '苏E餐厨收运字2019第002号', district: null, phone: '0512-68773015' },
];

/** Which district carrier collects household waste where (each serves its own district and one neighbour). */
const DISTRICT_CARRIER: Record<string, string> = { GUSU: 'C-GSHW', HUQIU: 'C-GSHW', WUZHONG: 'C-WZHJ', WUJIANG: 'C-WZHJ', SIP: 'C-YQHJ', XIANGCHENG: 'C-YQHJ' };

// Household waste per person per day (kg), set so the city's OTHER fits the incinerator's 3,000 t/d
// and KITCHEN the 650 t/d plant; recyclables and hazardous in Suzhou's 2020 proportions.
const PER_CAPITA_KG: Record<string, number> = { OTHER: 0.45, KITCHEN: 0.09, RECYCLABLE: 0.04, HAZARDOUS: 0.0005 };
const AVERAGE_LOAD_KG: Record<string, number> = { OTHER: 7_500, KITCHEN: 4_000, RECYCLABLE: 2_000, HAZARDOUS: 400 };
const SCHEDULE: Record<string, { days: number[]; shiftStart: string }> = {
  OTHER: { days: [1, 2, 3, 4, 5, 6, 7], shiftStart: '05:00' },
  KITCHEN: { days: [1, 2, 3, 4, 5, 6, 7], shiftStart: '06:00' },
  RECYCLABLE: { days: [1, 3, 5], shiftStart: '08:30' },
  HAZARDOUS: { days: [3], shiftStart: '09:00' },
};

const PLATE_LETTERS = 'ABCDFGHJKLMNPQRSTUVWXYZ'; // no I or O on plates
function plates(count: number, rand: () => number): string[] {
  const out = new Set<string>();
  const pick = (s: string) => s[Math.floor(rand() * s.length)]!;
  const digit = () => String(Math.floor(rand() * 10));
  while (out.size < count) {
    const r = rand();
    const tail = r < 0.5 ? pick(PLATE_LETTERS) + digit() + digit() + digit() + digit() : r < 0.8 ? digit() + pick(PLATE_LETTERS) + digit() + digit() + digit() : digit() + digit() + digit() + digit() + digit();
    out.add(`苏E${tail}`); // 苏E: Suzhou
  }
  return [...out];
}

const round20 = (kg: number) => Math.round(kg / 20) * 20; // e = 20 kg

function buildVehicles(): VehiclePlan[] {
  const rand = mulberry32(20261121);
  const specs: { carrier: string; kind: VehicleKind; streams: StreamCode[]; district: string | null }[] = [];
  const compactors: VehicleKind[] = ['compactor-18t', 'compactor-25t', 'compactor-25t', 'compactor-31t'];
  for (const d of DISTRICTS) {
    const carrier = DISTRICT_CARRIER[d.code]!;
    for (const kind of compactors) specs.push({ carrier, kind, streams: ['OTHER'], district: d.code });
    for (let i = 0; i < 2; i++) specs.push({ carrier, kind: 'kitchen-truck', streams: ['KITCHEN'], district: d.code });
    specs.push({ carrier: 'C-ZSHS', kind: 'recyclables-truck', streams: ['RECYCLABLE'], district: d.code });
  }
  for (let i = 0; i < 2; i++) specs.push({ carrier: 'C-ZSHS', kind: 'hazardous-van', streams: ['HAZARDOUS'], district: null });
  for (let i = 0; i < 8; i++) specs.push({ carrier: 'C-SZZY', kind: 'transfer-trailer', streams: ['OTHER', 'KITCHEN'], district: null });
  for (let i = 0; i < 2; i++) specs.push({ carrier: 'C-SZZY', kind: 'bulky-truck', streams: ['BULKY'], district: null });
  for (let i = 0; i < 8; i++) specs.push({ carrier: 'C-TDZT', kind: 'muck-truck', streams: ['CONSTRUCTION', 'RENOVATION'], district: null });
  for (let i = 0; i < 4; i++) specs.push({ carrier: 'C-CCSY', kind: 'food-service-truck', streams: ['FOOD_SERVICE'], district: null });

  const plateList = plates(specs.length, rand);
  return specs.map((s, i) => {
    const plate = plateList[i]!;
    const [lo, hi] = VEHICLE_KINDS[s.kind].tare;
    return {
      ...s,
      plate,
      plateRaw: `${plate.slice(0, 2)}·${plate.slice(2)}`,
      storedTareKg: round20(lo + rand() * (hi - lo)),
      tareMeasuredDaysAgo: 7 + Math.floor(rand() * 80),
      // 4-byte MIFARE UID, as the reader reports it: lower-case hex.
      cardUid: createHash('sha256').update(`demo-card:${plate}`).digest('hex').slice(0, 8),
    };
  });
}

export const VEHICLES: VehiclePlan[] = buildVehicles();

/** Where a district's household stream goes: its own transfer station if it has one, else straight to the plant. */
export function destinationOf(district: string, stream: StreamCode): string {
  const station = SITES.find((s) => s.kind === 'TRANSFER_STATION' && s.district === district);
  switch (stream) {
    case 'OTHER':
      return station?.code ?? 'INC-QZS';
    case 'KITCHEN':
      return station?.code ?? 'KP-QZS';
    case 'RECYCLABLE':
      return 'RC-XIANGCHENG';
    case 'HAZARDOUS':
      return 'HS-SIP';
    default:
      throw new Error(`${stream} is not collected on household routes`);
  }
}

export const ROUTES: RoutePlan[] = DISTRICTS.flatMap((d) =>
  HOUSEHOLD_STREAMS.map((stream) => {
    const { days, shiftStart } = SCHEDULE[stream]!;
    const daysPerRun = 7 / days.length;
    const plannedKg = Math.round(d.population * PER_CAPITA_KG[stream]! * daysPerRun);
    const vehicles = VEHICLES.filter((v) => v.streams.includes(stream) && (v.district === d.code || (stream === 'HAZARDOUS' && v.district === null))).map((v) => v.plate);
    return {
      code: `R-${d.code}-${stream}`,
      name: `${d.nameZh}${({ OTHER: '其他垃圾', KITCHEN: '厨余垃圾', RECYCLABLE: '可回收物', HAZARDOUS: '有害垃圾' } as Record<string, string>)[stream]}收运线`,
      district: d.code,
      stream,
      destination: destinationOf(d.code, stream),
      scheduleDays: days,
      shiftStart,
      plannedTrips: Math.max(1, Math.ceil(plannedKg / AVERAGE_LOAD_KG[stream]!)),
      plannedKg,
      vehicles,
    };
  }),
);

const muck = VEHICLES.filter((v) => v.kind === 'muck-truck').map((v) => v.plate);
export const PERMITS: PermitPlan[] = [
  { permitNo: 'SZ-ZT-2026-0418', origin: 'PS-S1-WUJIANG', carrier: 'C-TDZT', disposal: 'CWP-HUQIU', stream: 'CONSTRUCTION', validFromDaysAgo: 60, validForDays: 240, approvedVolumeM3: 120_000, vehicles: muck.slice(0, 5) },
  { permitNo: 'SZ-ZT-2026-0533', origin: 'PS-SIP-XINGHU', carrier: 'C-TDZT', disposal: 'CWP-HUQIU', stream: 'CONSTRUCTION', validFromDaysAgo: 20, validForDays: 180, approvedVolumeM3: 45_000, vehicles: muck.slice(3, 8) },
  { permitNo: 'SZ-ZX-2026-0097', origin: 'PS-GUSU-RENO', carrier: 'C-TDZT', disposal: 'CWP-HUQIU', stream: 'RENOVATION', validFromDaysAgo: 30, validForDays: 120, approvedVolumeM3: 3_000, vehicles: muck.slice(6, 8) },
  // Expired ten days ago: a load under it is a finding for the inspectors. The simulator never uses it.
  { permitNo: 'SZ-ZT-2025-1207', origin: 'PS-S1-WUJIANG', carrier: 'C-TDZT', disposal: 'LF-QZS', stream: 'CONSTRUCTION', validFromDaysAgo: 190, validForDays: 180, approvedVolumeM3: 8_000, vehicles: muck.slice(0, 2) },
];
/** Muck and spoil weigh about 1.8 t per m³ loose. */
export const MUCK_KG_PER_M3 = 1_800;

export const TARGETS: TargetPlan[] = DISTRICTS.flatMap((d, i) => [
  // National target: 35 % resource utilisation; the bureau ranks districts on separation (分出率).
  { district: d.code, metric: 'SEPARATION_RATE', periodKind: 'YEAR', value: [0.38, 0.35, 0.33, 0.36, 0.32, 0.4][i]!, unit: 'ratio' },
  // 三增一减: other waste down year on year (Suzhou 2020: −7.86 %).
  { district: d.code, metric: 'OTHER_YOY_CHANGE', periodKind: 'YEAR', value: -0.05, unit: 'ratio' },
  { district: d.code, metric: 'KITCHEN_TPD', periodKind: 'MONTH', value: Math.round((d.population * PER_CAPITA_KG.KITCHEN!) / 1000), unit: 't/d' },
  { district: d.code, metric: 'RECYCLABLE_TPD', periodKind: 'MONTH', value: Math.round((d.population * PER_CAPITA_KG.RECYCLABLE!) / 1000), unit: 't/d' },
]);
