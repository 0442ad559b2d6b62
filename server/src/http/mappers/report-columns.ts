// Export columns of the reports: permit usage, target progress, report quality and anomalies.
import type { AnomalyView, PermitUsage, ReportQuality, ReportQualityScore, TargetProgress } from '@haulproof/contracts';
import { bool, int, kg, ratio, text } from './columns.js';
import { tonnes, type ExportColumn } from './export-stream.js';

/** With `period` the usage is per period, and the period comes first. */
export function permitColumns(byPeriod: boolean): ExportColumn<PermitUsage>[] {
  return [
    ...(byPeriod ? [text<PermitUsage>('期间', 'Period', (r) => r.period)] : []),
    text('处置证号', 'Permit no.', (r) => r.permitNo),
    text('处置证ID', 'Permit ID', (r) => r.id),
    text('品类', 'Stream', (r) => r.stream),
    text('产生地', 'Origin site ID', (r) => r.originSiteId),
    text('消纳场', 'Disposal site ID', (r) => r.disposalSiteId),
    text('运输单位', 'Carrier ID', (r) => r.carrierId),
    text('有效期起', 'Valid from', (r) => r.validFrom),
    text('有效期止', 'Valid to', (r) => r.validTo),
    bool('已过期', 'Expired', (r) => r.expired),
    int('车次', 'Trips', (r) => r.trips),
    kg('已用', 'Used', (r) => r.usedKg),
    kg('已用称重', 'Used weighed', (r) => r.usedKgByProvenance.WEIGHED),
    kg('已用预置皮重', 'Used stored tare', (r) => r.usedKgByProvenance.STORED_TARE),
    kg('已用手工录入', 'Used keyed', (r) => r.usedKgByProvenance.KEYED),
    kg('已用估重', 'Used estimated', (r) => r.usedKgByProvenance.ESTIMATED),
    { zh: '已用(估)', en: 'Used, estimated', unit: 'm³', kind: 'int', value: (r) => r.usedM3 },
    kg('核准', 'Approved', (r) => r.approvedKg),
    { zh: '核准', en: 'Approved', unit: 'm³', kind: 'int', value: (r) => r.approvedM3 },
    ratio('使用率', 'Used share', (r) => r.usedShare),
    { zh: '已用', en: 'Used', unit: 't', kind: 't', value: (r) => tonnes(r.usedKg) },
  ];
}

export const TARGET_COLUMNS: ExportColumn<TargetProgress>[] = [
  text('区', 'District ID', (r) => r.districtId),
  text('指标', 'Metric', (r) => r.metric),
  text('周期', 'Period kind', (r) => r.periodKind),
  text('周期起', 'Period start', (r) => r.periodStart),
  text('周期止', 'Period end', (r) => r.periodEnd),
  text('单位', 'Unit', (r) => r.unit),
  ratio('目标', 'Target', (r) => r.target),
  ratio('至今实际', 'Actual to date', (r) => r.actual),
  ratio('期末预测', 'Projection', (r) => r.projection),
  text('方向', 'Better', (r) => r.better),
  bool('达标', 'On track', (r) => r.onTrack),
  int('排名', 'Rank', (r) => r.rank),
  int('参与排名', 'Of', (r) => r.of),
];

/** Sites first, then districts; a district row has no site. */
export type QualityRow = ReportQualityScore & { level: 'site' | 'district'; siteId: string | null; districtId: string };
export const qualityRows = (q: ReportQuality): QualityRow[] => [
  ...q.sites.map((s) => ({ ...s, level: 'site' as const })),
  ...q.districts.map((d) => ({ ...d, level: 'district' as const, siteId: null })),
];

export const QUALITY_COLUMNS: ExportColumn<QualityRow>[] = [
  text('层级', 'Level', (r) => r.level),
  text('站点', 'Site ID', (r) => r.siteId),
  text('区', 'District ID', (r) => r.districtId),
  ratio('得分', 'Score (0–100)', (r) => r.score),
  ratio('及时性', 'Timeliness (0–100)', (r) => r.timeliness),
  ratio('完整性', 'Completeness (0–100)', (r) => r.completeness),
  ratio('一致性', 'Consistency (0–100)', (r) => r.consistency),
  int('磅单', 'Tickets', (r) => r.counts.tickets),
  int('迟报磅单', 'Late tickets', (r) => r.counts.lateTickets),
  int('应报天数', 'Site days', (r) => r.counts.siteDays),
  int('零报天数', 'Days without tickets', (r) => r.counts.silentDays),
  int('应报小时', 'Site hours', (r) => r.counts.siteHours),
  int('失联小时', 'Silent hours', (r) => r.counts.silentHours),
  int('失联次数', 'Silent spans', (r) => r.counts.silentSpans),
  int('超时作废', 'First passes timed out', (r) => r.counts.openTicketsVoided),
  int('未完成磅单', 'Open first passes', (r) => r.counts.openTickets),
  int('超时未完成', 'Open first passes overdue', (r) => r.counts.openTicketsOverdue),
  int('平衡天数', 'Balance days', (r) => r.counts.balanceDays),
  int('不平衡天数', 'Imbalanced days', (r) => r.counts.imbalancedDays),
  kg('称量', 'Weighed', (r) => r.counts.kg),
  kg('手工录入', 'Keyed', (r) => r.counts.keyedKg),
  kg('估重', 'Estimated', (r) => r.counts.estimatedKg),
  int('秤故障', 'Scale faults', (r) => r.counts.scaleFaults),
  int('秤故障天数', 'Days with scale faults', (r) => r.counts.scaleFaultDays),
  int('防作弊事件', 'Anti-cheat events', (r) => r.counts.integrityEvents),
];

export const ANOMALY_COLUMNS: ExportColumn<AnomalyView>[] = [
  text('日期', 'Service day', (r) => r.serviceDay),
  text('类型', 'Kind', (r) => r.kind),
  text('状态', 'Status', (r) => r.status),
  bool('仍成立', 'Active', (r) => r.active),
  text('摘要', 'Summary', (r) => r.summary),
  text('站点', 'Site ID', (r) => r.siteId),
  text('区', 'District ID', (r) => r.districtId),
  text('运输单位', 'Carrier ID', (r) => r.carrierId),
  text('车辆', 'Vehicle ID', (r) => r.vehicleId),
  text('线路', 'Route ID', (r) => r.routeId),
  text('处置证', 'Permit ID', (r) => r.permitId),
  text('品类', 'Stream', (r) => r.stream),
  text('负责人', 'Assignee user ID', (r) => r.assigneeUserId),
  text('发现时间', 'Raised at', (r) => r.raisedAt),
  text('更新时间', 'Updated at', (r) => r.updatedAt),
  text('证据磅单', 'Evidence ticket IDs', (r) => r.evidenceTicketIds.join(' ')),
  text('编号', 'Anomaly ID', (r) => r.id),
];
