// The demo city: six districts of a Suzhou-like city in Jiangsu, with its plants,
// stations and people. Pure data; seed.ts writes it, stations.ts runs its station
// agents and traffic.ts plans its trucks.
// Figures follow /work/shared/DOMAIN.md: populations are the 2020 census for the
// matching Suzhou districts (rounded); capacities are those Jiangsu bureaus publish.
import type { IndicatorProtocol, SiteKind, StreamCode, UserRole } from '@haulproof/contracts';

export interface DistrictPlan {
  code: string;
  nameZh: string;
  nameEn: string;
  population: number;
}

export interface ScalePlan {
  code: string;
  name: string;
  /** Which way trucks cross it: 进场 (in), 出场 (out), or both on a site with one scale. */
  role: 'IN' | 'OUT' | 'BOTH';
  maxKg: number;
  divisionKg: number;
  minLoadKg: number;
  protocol: IndicatorProtocol;
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
}

export interface SitePlan {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: SiteKind;
  district: string;
  capacityTpd: number;
  latitude: number;
  longitude: number;
  streams: StreamCode[];
  scales: ScalePlan[];
  /** Who staffs the weighbridge office; unattended one-pass weighings carry no operator. */
  operators: string[];
}

export interface UserPlan {
  username: string;
  displayName: string;
  role: UserRole;
  site?: string;
  carrier?: string;
  district?: string;
  /** For the banner: what this login shows. */
  scopeText: string;
}

export const DEMO_PASSWORD = 'haulproof-demo';
export const SIM_SOFTWARE = 'haulproof-sim 0.1.0';

export const DISTRICTS: DistrictPlan[] = [
  { code: 'GUSU', nameZh: '姑苏区', nameEn: 'Gusu', population: 922_000 },
  { code: 'WUZHONG', nameZh: '吴中区', nameEn: 'Wuzhong', population: 1_390_000 },
  { code: 'XIANGCHENG', nameZh: '相城区', nameEn: 'Xiangcheng', population: 892_000 },
  { code: 'HUQIU', nameZh: '虎丘区（高新区）', nameEn: 'Huqiu (New District)', population: 834_000 },
  { code: 'WUJIANG', nameZh: '吴江区', nameEn: 'Wujiang', population: 1_545_000 },
  { code: 'SIP', nameZh: '工业园区', nameEn: 'Industrial Park', population: 1_134_000 },
];

// OIML R76 class III truck scales: e = 20 kg, minimum load 20 e = 400 kg.
function lanes(protocol: IndicatorProtocol, maxKg: number, count: number, opts: Partial<ScalePlan> = {}): ScalePlan[] {
  const role = (i: number): ScalePlan['role'] => (count === 1 ? 'BOTH' : i === 0 ? 'IN' : 'OUT');
  return Array.from({ length: count }, (_, i) => ({
    code: `L${i + 1}`,
    name: `${i + 1}号磅（${({ BOTH: '进出', IN: '进场', OUT: '出场' } as const)[role(i)]}）`,
    role: role(i),
    maxKg,
    divisionKg: 20,
    minLoadKg: 400,
    protocol,
    baudRate: 9600,
    dataBits: 8,
    parity: 'none',
    ...opts,
  }));
}

export const SITES: SitePlan[] = [
  // 转运站: compactors tip here; transfer trailers haul on.
  { code: 'TS-GUSU', nameZh: '姑苏区生活垃圾转运站', nameEn: 'Gusu waste transfer station', kind: 'TRANSFER_STATION', district: 'GUSU', capacityTpd: 900, latitude: 31.3246, longitude: 120.5953, streams: ['OTHER', 'KITCHEN'], scales: lanes('XK3190_TF0', 80_000, 2), operators: ['王建国', '赵丽'] },
  { code: 'TS-WUZHONG', nameZh: '吴中区城南垃圾转运站', nameEn: 'Wuzhong Chengnan transfer station', kind: 'TRANSFER_STATION', district: 'WUZHONG', capacityTpd: 1000, latitude: 31.2613, longitude: 120.6302, streams: ['OTHER', 'KITCHEN'], scales: lanes('TOLEDO_CONTINUOUS', 100_000, 2, { baudRate: 4800, dataBits: 7, parity: 'even' }), operators: ['孙伟', '钱芳'] },
  { code: 'TS-XIANGCHENG', nameZh: '相城区垃圾中转站', nameEn: 'Xiangcheng transfer station', kind: 'TRANSFER_STATION', district: 'XIANGCHENG', capacityTpd: 600, latitude: 31.3690, longitude: 120.6421, streams: ['OTHER', 'KITCHEN'], scales: lanes('A12', 60_000, 2), operators: ['周强'] },
  { code: 'TS-SIP', nameZh: '工业园区垃圾转运站', nameEn: 'Industrial Park transfer station', kind: 'TRANSFER_STATION', district: 'SIP', capacityTpd: 800, latitude: 31.3163, longitude: 120.7354, streams: ['OTHER', 'KITCHEN'], scales: lanes('ST_GS', 100_000, 2), operators: ['吴敏', '郑磊'] },
  // Plants.
  { code: 'INC-QZS', nameZh: '七子山生活垃圾焚烧发电厂', nameEn: 'Qizishan waste-to-energy plant', kind: 'INCINERATOR', district: 'WUZHONG', capacityTpd: 3000, latitude: 31.2344, longitude: 120.5531, streams: ['OTHER'], scales: lanes('TOLEDO_8142', 100_000, 3), operators: ['李敏', '冯涛', '陈静'] },
  { code: 'KP-QZS', nameZh: '七子山餐厨垃圾处理厂', nameEn: 'Qizishan kitchen and food-waste plant', kind: 'KITCHEN_PLANT', district: 'WUZHONG', capacityTpd: 650, latitude: 31.2368, longitude: 120.5586, streams: ['KITCHEN', 'FOOD_SERVICE'], scales: lanes('XK3190_TF2', 60_000, 2), operators: ['褚红', '卫东'] },
  { code: 'CWP-HUQIU', nameZh: '高新区建筑垃圾资源化利用中心', nameEn: 'New District construction-waste recycling centre', kind: 'CONSTRUCTION_PLANT', district: 'HUQIU', capacityTpd: 822, latitude: 31.3352, longitude: 120.4713, streams: ['CONSTRUCTION', 'RENOVATION'], scales: lanes('XK3190_TF1', 100_000, 2), operators: ['蒋勇', '沈洁'] }, // 300,000 t/year
  { code: 'LF-QZS', nameZh: '七子山生活垃圾填埋场（应急）', nameEn: 'Qizishan landfill (standby)', kind: 'LANDFILL', district: 'WUZHONG', capacityTpd: 790, latitude: 31.2302, longitude: 120.5478, streams: ['OTHER'], scales: lanes('XK3190_TF0', 100_000, 1), operators: ['韩波'] },
  { code: 'RC-XIANGCHENG', nameZh: '相城区可回收物分拣中心', nameEn: 'Xiangcheng recyclables sorting centre', kind: 'RECYCLABLES_CENTRE', district: 'XIANGCHENG', capacityTpd: 300, latitude: 31.4012, longitude: 120.6187, streams: ['RECYCLABLE'], scales: lanes('A12', 60_000, 1), operators: ['杨帆'] },
  { code: 'BS-GUSU', nameZh: '姑苏区大件垃圾处置站', nameEn: 'Gusu bulky-waste station', kind: 'BULKY_STATION', district: 'GUSU', capacityTpd: 120, latitude: 31.2975, longitude: 120.5912, streams: ['BULKY'], scales: lanes('ST_GS', 60_000, 1), operators: ['朱琳'] },
  { code: 'HS-SIP', nameZh: '有害垃圾集中暂存库', nameEn: 'Household hazardous-waste store', kind: 'HAZARDOUS_STORE', district: 'SIP', capacityTpd: 20, latitude: 31.2911, longitude: 120.7640, streams: ['HAZARDOUS'], scales: lanes('MT_SICS', 60_000, 1), operators: ['秦岚'] },
  // 工地: origins of muck under disposal permits. No weighbridge; their loads are weighed where they are tipped.
  { code: 'PS-S1-WUJIANG', nameZh: '轨道交通S1线吴江段土建工地', nameEn: 'Metro line S1 works, Wujiang section', kind: 'PROJECT_SITE', district: 'WUJIANG', capacityTpd: 0, latitude: 31.1652, longitude: 120.6455, streams: ['CONSTRUCTION'], scales: [], operators: [] },
  { code: 'PS-SIP-XINGHU', nameZh: '园区星湖街地块住宅项目', nameEn: 'Xinghu Street housing plot, SIP', kind: 'PROJECT_SITE', district: 'SIP', capacityTpd: 0, latitude: 31.2838, longitude: 120.7289, streams: ['CONSTRUCTION'], scales: [], operators: [] },
  { code: 'PS-GUSU-RENO', nameZh: '姑苏区老旧小区改造工程', nameEn: 'Gusu old-estate renovation works', kind: 'PROJECT_SITE', district: 'GUSU', capacityTpd: 0, latitude: 31.3089, longitude: 120.6135, streams: ['RENOVATION'], scales: [], operators: [] },
];

/** One station PC per site with a weighbridge; its lanes are all the site's scales. */
export const DEVICES = SITES.filter((s) => s.scales.length > 0).map((s) => ({ code: `STN-${s.code}`, site: s.code }));

export const USERS: UserPlan[] = [
  { username: 'admin', displayName: '系统管理员', role: 'ADMIN', scopeText: '全市 / whole city' },
  { username: 'op.gusu', displayName: '王建国（姑苏转运站磅房）', role: 'OPERATOR', site: 'TS-GUSU', scopeText: '姑苏区生活垃圾转运站 / Gusu transfer station' },
  { username: 'op.qzs', displayName: '李敏（七子山焚烧厂磅房）', role: 'OPERATOR', site: 'INC-QZS', scopeText: '七子山焚烧发电厂 / Qizishan incinerator' },
  { username: 'disp.gshw', displayName: '陈晓峰（姑苏环卫调度）', role: 'DISPATCHER', carrier: 'C-GSHW', scopeText: '姑苏环卫清运公司 / Gusu sanitation carrier' },
  { username: 'disp.gusu', displayName: '周婷（姑苏区城管调度）', role: 'DISPATCHER', district: 'GUSU', scopeText: '姑苏区 / Gusu district' },
  { username: 'insp.city', displayName: '刘洋（市城管局督查）', role: 'INSPECTOR', scopeText: '全市 / whole city' },
  { username: 'insp.gusu', displayName: '吴芳（姑苏区督查）', role: 'INSPECTOR', district: 'GUSU', scopeText: '姑苏区 / Gusu district' },
];

/**
 * How a lane weighs. Compactors tip at a transfer station many times a day, so its
 * inbound lane weighs them once against their stored tare (预置皮重, unattended);
 * every other lane weighs full and empty (two passes, attended).
 */
export function laneWeighing(site: SitePlan, scale: ScalePlan): 'STORED_TARE' | 'TWO_PASS' {
  return site.kind === 'TRANSFER_STATION' && scale.role === 'IN' ? 'STORED_TARE' : 'TWO_PASS';
}

export function siteByCode(code: string): SitePlan {
  const s = SITES.find((x) => x.code === code);
  if (!s) throw new Error(`demo city has no site ${code}`);
  return s;
}
