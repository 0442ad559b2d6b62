// The registry of a generated city-month. Proportions follow /work/shared/DOMAIN.md
// (Suzhou 2020: other ≫ kitchen > recyclable ≫ hazardous; kitchen ≈ a third of
// other); vehicles are the demo city's kinds (server/src/demo/fleet.ts). Two in
// three districts tip at their own transfer station, the rest deliver straight to
// the plants; construction waste moves under permits from project sites.
import type { SiteKind, StreamCode } from '@haulproof/contracts';
import { VEHICLE_KINDS, type VehicleKind } from '../../demo/fleet.js';
import { between, type Rand } from '../../demo/random.js';
import type { IdSource } from './ids.js';

export interface ScenarioDistrict { id: string; code: string; nameZh: string; nameEn: string; population: number; hasStation: boolean }
export interface ScenarioSite {
  id: string; code: string; nameZh: string; nameEn: string; kind: SiteKind; districtId: string; capacityTpd: number; streams: StreamCode[];
  scales: { id: string; code: string }[];
  device: { id: string; code: string; publicKey: string; privateKey: import('node:crypto').KeyObject } | null;
  operators: string[];
}
export interface ScenarioCarrier { id: string; code: string; name: string; districtId: string | null }
export interface ScenarioVehicle { id: string; plate: string; plateRaw: string; carrierId: string; kind: VehicleKind; storedTareKg: number; maxGrossKg: number; streams: StreamCode[]; cardId: string; cardUid: string }
export interface ScenarioRoute { id: string; code: string; name: string; districtId: string; stream: StreamCode; destinationSiteId: string; scheduleDays: number[]; shiftStartMin: number; plannedTrips: number; plannedKg: number; vehicleIds: string[] }
export interface ScenarioPermit { id: string; permitNo: string; originSiteId: string; disposalSiteId: string; carrierId: string; stream: 'CONSTRUCTION' | 'RENOVATION'; validFrom: string; validTo: string; approvedVolumeM3: number; approvedKg: number; vehicleIds: string[]; tripsPerDay: number; expired: boolean }

export interface ScenarioCity {
  timezone: 'Asia/Shanghai';
  districts: ScenarioDistrict[];
  sites: ScenarioSite[];
  carriers: ScenarioCarrier[];
  vehicles: ScenarioVehicle[];
  routes: ScenarioRoute[];
  permits: ScenarioPermit[];
  /** Food-service trucks by district id, with their trips a day. */
  foodService: { districtId: string; vehicleIds: string[]; tripsPerDay: number }[];
  /** Transfer trailers by station id: each station hauls with its own. */
  trailers: Record<string, string[]>;
  /**
   * The trailers' haul routes (station → plant, originSiteId set): OTHER to the incinerator every day and
   * to the standby landfill on HAUL_LANDFILL_WEEKDAY, KITCHEN to the kitchen plant. Kept apart from
   * `routes`, which the traffic drives trip by trip; a trailer hauls whenever its pile is full (traffic.ts).
   */
  haulRoutes: (ScenarioRoute & { originSiteId: string })[];
}

const DISTRICT_NAMES: [string, string, string, number][] = [
  ['GUSU', '姑苏区', 'Gusu', 922_000], ['WUZHONG', '吴中区', 'Wuzhong', 1_390_000], ['XIANGCHENG', '相城区', 'Xiangcheng', 892_000],
  ['HUQIU', '虎丘区', 'Huqiu', 834_000], ['WUJIANG', '吴江区', 'Wujiang', 1_545_000], ['SIP', '工业园区', 'Industrial Park', 1_134_000],
  ['CHANGSHU', '常熟市', 'Changshu', 1_677_000], ['ZHANGJIAGANG', '张家港市', 'Zhangjiagang', 1_432_000], ['KUNSHAN', '昆山市', 'Kunshan', 2_093_000],
  ['TAICANG', '太仓市', 'Taicang', 831_000], ['GULOU', '鼓楼区', 'Gulou', 1_028_000], ['YUNLONG', '云龙区', 'Yunlong', 533_000],
];

/** kg per resident per day, and what one collection trip carries on average. */
export const PER_CAPITA_KG: Record<'OTHER' | 'KITCHEN' | 'RECYCLABLE' | 'HAZARDOUS', number> = { OTHER: 0.6, KITCHEN: 0.19, RECYCLABLE: 0.03, HAZARDOUS: 0.0002 };
const TRIP_KG: Record<keyof typeof PER_CAPITA_KG, number> = { OTHER: 7_500, KITCHEN: 4_000, RECYCLABLE: 2_000, HAZARDOUS: 400 };
const ROUTE_KIND: Record<keyof typeof PER_CAPITA_KG, VehicleKind> = { OTHER: 'compactor-25t', KITCHEN: 'kitchen-truck', RECYCLABLE: 'recyclables-truck', HAZARDOUS: 'hazardous-van' };
const SCHEDULE: Record<keyof typeof PER_CAPITA_KG, { days: number[]; shift: number }> = {
  OTHER: { days: [1, 2, 3, 4, 5, 6, 7], shift: 5 * 60 },
  KITCHEN: { days: [1, 2, 3, 4, 5, 6, 7], shift: 6 * 60 },
  RECYCLABLE: { days: [1, 3, 5], shift: 8 * 60 + 30 },
  HAZARDOUS: { days: [3], shift: 9 * 60 },
};
const MAX_TRIPS_PER_VEHICLE = 6;
const MAX_TRIPS_PER_ROUTE = 40;
const FOOD_SERVICE_KG = 0.015; // 餐厨 per resident per day
const CONSTRUCTION_KG = 0.12; // muck per resident per day, across the city's permits
export const TRAILER_LOAD_KG: [number, number] = [15_000, 29_000]; // a 49 t trailer of up to 19 t tare carries 30 t
/** The weekday each station sends one OTHER load (its second of the day) to the standby landfill. */
export const HAUL_LANDFILL_WEEKDAY = 3;
// A haul plan promises what the piles surely give: a trailer leaves whenever 15–29 t has piled up,
// so a day's loads vary; the plan is a floor of a share of the expected intake, in full loads.
const HAUL_PLAN_SHARE = 0.5;
export const MUCK_KG_PER_M3 = 1_800;

export interface CitySpec {
  districts: number;
  populationScale: number;
  from: string; // first service day
  days: number;
}

export function buildCity(spec: CitySpec, ids: IdSource, rand: Rand): ScenarioCity {
  const districts: ScenarioDistrict[] = DISTRICT_NAMES.slice(0, spec.districts).map(([code, zh, en, pop], i) => ({
    id: ids.uuid('district'), code, nameZh: zh, nameEn: en, population: Math.max(10_000, Math.round(pop * spec.populationScale)), hasStation: i % 3 !== 2,
  }));
  const sites: ScenarioSite[] = [];
  const carriers: ScenarioCarrier[] = [];
  const vehicles: ScenarioVehicle[] = [];
  const plates = new Set<string>();
  const site = (code: string, zh: string, en: string, kind: SiteKind, districtId: string, streams: StreamCode[], lanes: number): ScenarioSite => {
    const s: ScenarioSite = { id: ids.uuid('site'), code, nameZh: zh, nameEn: en, kind, districtId, capacityTpd: 0, streams, scales: [], device: null, operators: lanes > 0 ? [`${zh.slice(0, 2)}司磅员甲`, `${zh.slice(0, 2)}司磅员乙`] : [] };
    for (let i = 1; i <= lanes; i++) s.scales.push({ id: ids.uuid('scale'), code: `L${i}` });
    if (lanes > 0) s.device = { id: ids.uuid('device'), code: `STN-${code}`, ...ids.deviceKey(code) };
    sites.push(s);
    return s;
  };
  const carrier = (code: string, name: string, districtId: string | null) => {
    const c = { id: ids.uuid('carrier'), code, name, districtId };
    carriers.push(c);
    return c;
  };
  const vehicle = (carrierId: string, kind: VehicleKind, streams: StreamCode[]): ScenarioVehicle => {
    let plate: string;
    do plate = `苏E${'ABCDFGHJKLMNPQRSTUVWXYZ'[Math.floor(rand() * 23)]}${String(Math.floor(rand() * 10_000)).padStart(4, '0')}`;
    while (plates.has(plate));
    plates.add(plate);
    const [lo, hi] = VEHICLE_KINDS[kind].tare;
    const v: ScenarioVehicle = { id: ids.uuid('vehicle'), plate, plateRaw: `${plate.slice(0, 2)}·${plate.slice(2)}`, carrierId, kind, storedTareKg: between(rand, lo, hi), maxGrossKg: VEHICLE_KINDS[kind].maxGross, streams, cardId: ids.uuid('card'), cardUid: ids.hex(`card:${plate}`, 8) };
    vehicles.push(v);
    return v;
  };

  const main = districts[0]!;
  const second = districts[1 % districts.length]!;
  const third = districts[2 % districts.length]!;
  const stations = new Map<string, ScenarioSite>();
  for (const d of districts) if (d.hasStation) stations.set(d.id, site(`TS-${d.code}`, `${d.nameZh}生活垃圾转运站`, `${d.nameEn} transfer station`, 'TRANSFER_STATION', d.id, ['OTHER', 'KITCHEN'], 2));
  const inc = site('INC-CITY', '生活垃圾焚烧发电厂', 'Waste-to-energy plant', 'INCINERATOR', second.id, ['OTHER'], 2);
  // the landfill also takes inert spoil (as cover): a second site for muck, one no permit names
  const lf = site('LF-CITY', '生活垃圾填埋场（应急）', 'Standby landfill', 'LANDFILL', second.id, ['OTHER', 'CONSTRUCTION'], 2);
  const kp = site('KP-CITY', '餐厨垃圾处理厂', 'Kitchen and food-waste plant', 'KITCHEN_PLANT', second.id, ['KITCHEN', 'FOOD_SERVICE'], 2);
  const rc = site('RC-CITY', '可回收物分拣中心', 'Recyclables sorting centre', 'RECYCLABLES_CENTRE', third.id, ['RECYCLABLE'], 2);
  const hs = site('HS-CITY', '有害垃圾集中暂存库', 'Hazardous-waste store', 'HAZARDOUS_STORE', main.id, ['HAZARDOUS'], 2);
  const cwp = site('CWP-CITY', '建筑垃圾资源化利用中心', 'Construction-waste recycling centre', 'CONSTRUCTION_PLANT', third.id, ['CONSTRUCTION', 'RENOVATION'], 2);
  const ps1 = site('PS-METRO', '轨道交通土建工地（出场地磅）', 'Metro works (exit weighbridge)', 'PROJECT_SITE', second.id, ['CONSTRUCTION'], 1);
  const ps2 = site('PS-HOUSING', '住宅项目工地', 'Housing plot works', 'PROJECT_SITE', main.id, ['CONSTRUCTION'], 0);
  const ps3 = site('PS-RENO', '老旧小区改造工程', 'Old-estate renovation works', 'PROJECT_SITE', main.id, ['RENOVATION'], 0);

  // ── household routes ──
  const routes: ScenarioRoute[] = [];
  const flows = new Map<string, number>(); // site id → expected kg/day in
  const stationFlows = new Map<string, number>(); // `${station id}|${stream}` → expected kg/day tipped
  const expect = (siteId: string, kgPerDay: number) => flows.set(siteId, (flows.get(siteId) ?? 0) + kgPerDay);
  const districtCarrier = new Map<string, ScenarioCarrier>();
  for (const d of districts) districtCarrier.set(d.id, carrier(`C-${d.code}`, `${d.nameZh}环卫清运公司`, d.id));
  const recyclables = carrier('C-RECYCLE', '再生资源回收利用公司', null);
  const hazardous = carrier('C-HAZ', '有害垃圾收运公司', null);
  for (const d of districts) {
    for (const stream of ['OTHER', 'KITCHEN', 'RECYCLABLE', 'HAZARDOUS'] as const) {
      const { days, shift } = SCHEDULE[stream];
      const total = Math.max(100, Math.round((d.population * PER_CAPITA_KG[stream] * 7) / days.length / 20) * 20);
      // a collection line makes at most MAX_TRIPS_PER_ROUTE trips a run; a big district has several
      const lines = Math.ceil(total / TRIP_KG[stream] / MAX_TRIPS_PER_ROUTE);
      const owner = stream === 'RECYCLABLE' ? recyclables : stream === 'HAZARDOUS' ? hazardous : districtCarrier.get(d.id)!;
      const station = stations.get(d.id);
      const destination = stream === 'RECYCLABLE' ? rc : stream === 'HAZARDOUS' ? hs : (station ?? (stream === 'OTHER' ? inc : kp));
      for (let line = 1; line <= lines; line++) {
        const perRun = Math.max(100, Math.round(total / lines / 20) * 20);
        const trips = Math.max(1, Math.ceil(perRun / TRIP_KG[stream]));
        const fleet = Array.from({ length: Math.ceil(trips / MAX_TRIPS_PER_VEHICLE) }, () => vehicle(owner.id, ROUTE_KIND[stream], [stream]));
        routes.push({ id: ids.uuid('route'), code: `R-${d.code}-${stream}-${line}`, name: `${d.nameZh}${stream}收运${line}线`, districtId: d.id, stream, destinationSiteId: destination.id, scheduleDays: days, shiftStartMin: shift, plannedTrips: trips, plannedKg: perRun, vehicleIds: fleet.map((v) => v.id) });
        // capacities are sized for the busiest day, so a run's whole load counts
        expect(destination.id, perRun);
        if (station) expect(stream === 'OTHER' ? inc.id : kp.id, perRun); // hauled on (LF takes a tenth, covered below)
        if (station) stationFlows.set(`${station.id}|${stream}`, (stationFlows.get(`${station.id}|${stream}`) ?? 0) + perRun);
      }
    }
  }
  // ── transfer trailers: each station its own, enough for a load every couple of hours each ──
  const transfer = carrier('C-TRANSFER', '固废转运公司', null);
  const trailers: Record<string, string[]> = {};
  for (const s of stations.values()) {
    const loads = (flows.get(s.id) ?? 0) / 22_000;
    trailers[s.id] = Array.from({ length: Math.ceil(loads / 5) + 1 }, () => vehicle(transfer.id, 'transfer-trailer', ['OTHER', 'KITCHEN']).id);
  }
  // ── the trailers' haul routes: registered so the plan is judged, and the plant each load must reach is known ──
  const haulRoutes: ScenarioCity['haulRoutes'] = [];
  for (const s of stations.values()) {
    const haulRoute = (stream: 'OTHER' | 'KITCHEN', to: ScenarioSite, days: number[], plannedTrips: number, plannedKg: number, label: string) =>
      haulRoutes.push({ id: ids.uuid('route'), code: `H-${s.code}-${stream}-${to.code.split('-')[0]}`, name: `${s.nameZh}转运${label}线`, districtId: s.districtId, stream, originSiteId: s.id, destinationSiteId: to.id, scheduleDays: days, shiftStartMin: 6 * 60, plannedTrips, plannedKg, vehicleIds: trailers[s.id]! });
    for (const [stream, to, label] of [['OTHER', inc, '焚烧'], ['KITCHEN', kp, '餐厨']] as const) {
      const kgPerDay = (stationFlows.get(`${s.id}|${stream}`) ?? 0) * HAUL_PLAN_SHARE;
      const trips = Math.floor(kgPerDay / TRAILER_LOAD_KG[1]);
      if (trips < 1) continue; // too little for a daily plan: its loads are not planned
      haulRoute(stream, to, [1, 2, 3, 4, 5, 6, 7], trips, Math.round(kgPerDay / 20) * 20, label);
      // the weekly landfill load: on that day a load may reach either plant (destination.ts)
      if (stream === 'OTHER') haulRoute('OTHER', lf, [HAUL_LANDFILL_WEEKDAY], 1, 5_000, '填埋（应急）');
    }
  }
  // ── food service: restaurants' 餐厨, by each district's carrier, straight to the kitchen plant ──
  const foodService = districts.map((d) => {
    const tripsPerDay = Math.max(1, Math.round((d.population * FOOD_SERVICE_KG) / 5_000));
    expect(kp.id, tripsPerDay * 5_000);
    const fleet = Array.from({ length: Math.ceil(tripsPerDay / MAX_TRIPS_PER_VEHICLE) }, () => vehicle(districtCarrier.get(d.id)!.id, 'food-service-truck', ['FOOD_SERVICE']));
    return { districtId: d.id, vehicleIds: fleet.map((v) => v.id), tripsPerDay };
  });
  // ── construction: three active permits (one from a site with an exit weighbridge) and one expired ──
  const muck = carrier('C-MUCK', '渣土运输公司', null);
  const population = districts.reduce((s, d) => s + d.population, 0);
  const muckTrips = Math.max(3, Math.round((population * CONSTRUCTION_KG) / 13_000));
  const permitNo = (i: number) => `SZ-ZT-${spec.from.slice(0, 4)}-${String(100 + i).padStart(4, '0')}`;
  const monthStart = spec.from;
  const end = new Date(Date.parse(`${spec.from}T00:00:00Z`) + (spec.days + 60) * 86_400_000).toISOString().slice(0, 10);
  const before = (n: number) => new Date(Date.parse(`${monthStart}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
  const permits: ScenarioPermit[] = [];
  const permit = (i: number, origin: ScenarioSite, stream: 'CONSTRUCTION' | 'RENOVATION', tripsPerDay: number, validFrom: string, validTo: string, trucks?: string[]) => {
    const fleet = trucks ?? Array.from({ length: Math.ceil(tripsPerDay / 4) }, () => vehicle(muck.id, 'muck-truck', ['CONSTRUCTION', 'RENOVATION']).id);
    const approvedVolumeM3 = Math.max(5_000, Math.ceil((tripsPerDay * 13_000 * (spec.days + 120)) / MUCK_KG_PER_M3));
    const p: ScenarioPermit = { id: ids.uuid('permit'), permitNo: permitNo(i), originSiteId: origin.id, disposalSiteId: cwp.id, carrierId: muck.id, stream, validFrom, validTo, approvedVolumeM3, approvedKg: approvedVolumeM3 * MUCK_KG_PER_M3, vehicleIds: fleet, tripsPerDay, expired: validTo < monthStart };
    permits.push(p);
    expect(cwp.id, tripsPerDay * 13_000);
    return p;
  };
  const metro = permit(1, ps1, 'CONSTRUCTION', Math.max(1, Math.round(muckTrips * 0.5)), before(40), end);
  const housing = permit(2, ps2, 'CONSTRUCTION', Math.max(1, Math.round(muckTrips * 0.4)), before(20), end);
  permit(3, ps3, 'RENOVATION', Math.max(1, Math.round(muckTrips * 0.1)), before(10), end);
  // Expired ten days before the month: a trip under it is a finding. Its trucks also hold the housing permit.
  permit(4, ps2, 'CONSTRUCTION', 0, before(200), before(10), housing.vehicleIds.slice(0, 1));
  void metro;

  // Capacities: expected intake with headroom for noise and for a couple of misdirected trailer loads.
  const lfShare = 0.1;
  expect(lf.id, (flows.get(inc.id) ?? 0) * lfShare);
  for (const s of sites) {
    if (s.kind === 'PROJECT_SITE') continue;
    const kgPerDay = flows.get(s.id) ?? 0;
    s.capacityTpd = Math.ceil((kgPerDay * 1.4 + 2 * TRAILER_LOAD_KG[1]) / 1000);
  }
  return { timezone: 'Asia/Shanghai', districts, sites, carriers, vehicles, routes, permits, foodService, trailers, haulRoutes };
}
