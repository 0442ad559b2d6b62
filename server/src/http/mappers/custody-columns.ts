// Export columns of the custody lists: route runs, custody legs, station balances (per day and
// per month or year). kg stay integers; the main weight is repeated in tonnes.
import type { CustodyLegView, RouteRunView, StationBalancePeriodView, StationBalanceView } from '@haulproof/contracts';
import { int, kg, provenance, t, text, type Split } from './columns.js';
import type { ExportColumn } from './export-stream.js';

export const ROUTE_RUN_COLUMNS: ExportColumn<RouteRunView>[] = [
  text('日期', 'Service day', (r) => r.serviceDay),
  text('线路', 'Route', (r) => r.routeCode),
  text('线路ID', 'Route ID', (r) => r.routeId),
  text('区', 'District ID', (r) => r.districtId),
  text('品类', 'Stream', (r) => r.stream),
  text('类型', 'Kind (COLLECTION/HAUL)', (r) => r.kind),
  text('起运站点', 'Origin site ID', (r) => r.originSiteId),
  text('目的站点', 'Destination site ID', (r) => r.destinationSiteId),
  { zh: '计划内', en: 'Scheduled', kind: 'bool', value: (r) => r.scheduled },
  text('状态', 'Status', (r) => r.status),
  int('计划车次', 'Planned trips', (r) => r.plannedTrips),
  int('实际车次', 'Trips', (r) => r.trips),
  int('缺失车次', 'Missed trips', (r) => r.missedTrips),
  int('非计划站点车次', 'Trips to unplanned sites', (r) => r.unplannedSiteTrips),
  kg('计划重量', 'Planned', (r) => r.plannedKg),
  kg('净重', 'Net', (r) => r.kg.total),
  ...provenance<RouteRunView>('', '', (r) => r.kg),
  { zh: '容差', en: 'Tolerance share', kind: 'ratio', value: (r) => r.tolerance?.share ?? null },
  kg('容差下限', 'Minimum', (r) => r.tolerance?.minKg ?? null),
  t('净重', 'Net', (r) => r.kg.total),
];

export const LEG_COLUMNS: ExportColumn<CustodyLegView>[] = [
  text('日期', 'Service day', (r) => r.serviceDay),
  text('出站磅单ID', 'Departure ticket ID', (r) => r.outTicketId),
  text('车牌', 'Plate', (r) => r.plate),
  text('车辆ID', 'Vehicle ID', (r) => r.vehicleId),
  text('出发站点', 'From site ID', (r) => r.fromSiteId),
  text('品类', 'Stream', (r) => r.stream),
  text('出站时间', 'Departed at', (r) => r.departedAt),
  text('到达期限', 'Deadline', (r) => r.deadlineAt),
  text('状态', 'Status', (r) => r.status),
  text('到达磅单ID', 'Arrival ticket ID', (r) => r.inTicketId),
  text('到达站点', 'To site ID', (r) => r.toSiteId),
  text('到达时间', 'Arrived at', (r) => r.arrivedAt),
  kg('出站净重', 'Out', (r) => r.outKg),
  text('出站重量来源', 'Out provenance', (r) => r.outProvenance),
  kg('到达净重', 'In', (r) => r.inKg),
  text('到达重量来源', 'In provenance', (r) => r.inProvenance),
  kg('差额', 'Difference in − out', (r) => (r.inKg === null ? null : r.inKg - r.outKg)),
  text('说明', 'Why', (r) => r.explanation.why.join('; ')),
  t('出站净重', 'Out', (r) => r.outKg),
];

const balanceFlows = <T extends { inKg: number; outKg: number; lossAllowanceKg: number; openingKg: { min: number; max: number }; closingKg: { min: number; max: number }; provenance: { in: Split; out: Split } }>(): ExportColumn<T>[] => [
  kg('期初库存下限', 'Opening min', (r) => r.openingKg.min),
  kg('期初库存上限', 'Opening max', (r) => r.openingKg.max),
  kg('进站', 'In', (r) => r.inKg),
  kg('出站', 'Out', (r) => r.outKg),
  kg('渗滤损耗允许(估)', 'Loss allowance, estimated', (r) => r.lossAllowanceKg),
  kg('期末库存下限(估)', 'Closing min, estimated', (r) => r.closingKg.min),
  kg('期末库存上限(估)', 'Closing max, estimated', (r) => r.closingKg.max),
];
const balanceTail = <T extends { inKg: number; outKg: number; provenance: { in: Split; out: Split } }>(): ExportColumn<T>[] => [
  ...provenance<T>('进站', 'In ', (r) => r.provenance.in),
  ...provenance<T>('出站', 'Out ', (r) => r.provenance.out),
  t('进站', 'In', (r) => r.inKg),
  t('出站', 'Out', (r) => r.outKg),
];

export const BALANCE_COLUMNS: ExportColumn<StationBalanceView>[] = [
  text('日期', 'Service day', (r) => r.serviceDay),
  text('站点', 'Site ID', (r) => r.siteId),
  text('品类', 'Stream', (r) => r.stream),
  ...balanceFlows<StationBalanceView>(),
  kg('结转下限', 'Carried min', (r) => r.carriedKg.min),
  kg('结转上限', 'Carried max', (r) => r.carriedKg.max),
  kg('容差', 'Tolerance', (r) => r.toleranceKg),
  kg('不平衡', 'Imbalance', (r) => r.imbalanceKg),
  ...balanceTail<StationBalanceView>(),
  text('来源构成', 'Mix, kg by district ID', (r) => JSON.stringify(r.mix)),
];

export const BALANCE_PERIOD_COLUMNS: ExportColumn<StationBalancePeriodView>[] = [
  text('期间', 'Period', (r) => r.period),
  text('站点', 'Site ID', (r) => r.siteId),
  text('品类', 'Stream', (r) => r.stream),
  int('天数', 'Days', (r) => r.days),
  ...balanceFlows<StationBalancePeriodView>(),
  int('不平衡天数', 'Imbalanced days', (r) => r.imbalancedDays),
  kg('最大不平衡', 'Worst imbalance', (r) => r.worstImbalanceKg),
  ...balanceTail<StationBalancePeriodView>(),
];
