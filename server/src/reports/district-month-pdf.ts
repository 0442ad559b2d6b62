// The monthly district report as PDF (A4). With a CJK font found on the machine labels are
// bilingual; without one they are English only, never a crash (as the station's ticket printer).
import PDFDocument from 'pdfkit';
import { findCjkFont, type CjkFont } from '../../../station-agent/src/print/cjk-font.js';
import type { DistrictMonthReport } from '../services/district-report.service.js';

let found: CjkFont | null | undefined;
/** Looked up once per process: fontconfig is asked at most once. */
export function reportFont(): CjkFont | null {
  if (found === undefined) found = findCjkFont();
  return found;
}

const t3 = (kg: number) => (kg / 1000).toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const pct = (x: number | null) => (x === null ? 'n/a' : `${x < 0 ? '−' : ''}${Math.abs(x * 100).toFixed(1)}%`);

export function renderDistrictMonthPdf(r: DistrictMonthReport, opts: { font: CjkFont | null; compress?: boolean }): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 40, compress: opts.compress ?? true, info: { Title: `${r.district.nameEn} ${r.month}`, Author: 'Haulproof' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const cjk = opts.font !== null;
  if (opts.font) doc.registerFont('body', opts.font.path, opts.font.family);
  const body = cjk ? 'body' : 'Helvetica';
  const L = (zh: string, en: string) => (cjk ? `${zh} ${en}` : en);
  const heading = (zh: string, en: string) => doc.moveDown(0.8).font(body).fontSize(12).text(L(zh, en)).fontSize(9).moveDown(0.3);
  const line = (zh: string, en: string, value: string) => doc.text(`${L(zh, en)}: ${value}`);

  doc.font(body).fontSize(16).text(cjk ? `${r.district.nameZh} ${r.month} 生活垃圾分类月报` : `${r.district.nameEn}: monthly waste report ${r.month}`);
  doc.fontSize(9).text(`${L(r.district.nameZh, r.district.nameEn)} (${r.district.code}) · ${r.from} – ${r.to}`);
  line('常住人口', 'Population', r.district.population.toLocaleString('en-US'));

  heading('分类收运与处置（吨）', 'Tonnes by stream (t)');
  // the stream column is wide enough for "可回收物 RECYCLABLE"; each header is two lines (中文 over English)
  const cols = [40, 170, 225, 280, 335, 390, 445, 500];
  const row = (cells: string[]) => {
    const y = doc.y;
    cells.forEach((c, i) => doc.text(c, cols[i]!, y, { width: (cols[i + 1] ?? 555) - cols[i]! - 4, align: i === 0 ? 'left' : 'right', lineBreak: false }));
    doc.x = 40;
    doc.y = y + 12;
  };
  const headers: [string, string][] = [['品类', 'Stream'], ['收运', 'Collected'], ['称重', 'Weighed'], ['预置皮重', 'Stored tare'], ['手工', 'Keyed'], ['估重', 'Estimated'], ['处置', 'Disposed'], ['分摊', 'Apportioned']];
  doc.fontSize(8);
  if (cjk) row(headers.map(([zh]) => zh));
  row(headers.map(([, en]) => en));
  for (const s of r.streams) row([cjk ? `${s.zh} ${s.code}` : s.en, t3(s.collected.total), t3(s.collected.WEIGHED), t3(s.collected.STORED_TARE), t3(s.collected.KEYED), t3(s.collected.ESTIMATED), t3(s.disposed.total), t3(s.apportionedKg)]);
  if (r.streams.length === 0) doc.text(L('本月无数据', 'No figures this month'));
  doc.fontSize(9);
  doc.text(L('处置量按转运站来源比例分摊者为估算值。', 'Disposed tonnes shared out by a station’s inbound mix are apportioned (estimated).'));

  heading('指标', 'Metrics');
  const m = r.metrics;
  line('人均日产生活垃圾', 'Household kg/resident/day', m ? m.kgPerResidentPerDay.toFixed(3) : 'n/a');
  line('分出率', 'Separation rate', pct(m?.separationRate ?? null));
  line('其他垃圾同比', 'Other waste year on year', pct(m?.otherYoY ?? null));
  line('三增一减', 'Kitchen, recyclable, hazardous up; other down', m?.sanZengYiJian == null ? L('无法判断（缺上年数据）', 'n/a (no prior year)') : m.sanZengYiJian ? L('达到', 'met') : L('未达到', 'not met'));
  line('手工录入占比', 'Keyed share', pct(m?.keyedShare ?? null));
  line('估重占比', 'Estimated share (scale out of service)', pct(m?.estimatedShare ?? null));

  heading('目标进度', 'Target progress');
  if (r.targets.length === 0) doc.text(L('无在期目标', 'No target in force'));
  for (const t of r.targets) {
    const actual = t.actual === null ? 'n/a' : t.actual.toFixed(3);
    const track = t.onTrack === null ? 'n/a' : t.onTrack ? L('达标', 'on track') : L('落后', 'behind');
    doc.text(`${t.metric} (${t.periodKind} ${t.periodStart} – ${t.periodEnd}): ${L('目标', 'target')} ${t.target} ${t.unit}, ${L('实际', 'actual')} ${actual}, ${track}, ${L('排名', 'rank')} ${t.rank ?? '–'}/${t.of}`);
  }

  heading('全市排名', 'Rank among districts');
  const RANKED: Record<string, [string, string]> = {
    KG_PER_RESIDENT_DAY: ['人均日产生活垃圾', 'Household kg/resident/day'],
    OTHER_KG_PER_RESIDENT_DAY: ['人均日产其他垃圾', 'Other waste kg/resident/day'],
    SEPARATION_RATE: ['分出率', 'Separation rate'],
    OTHER_YOY_CHANGE: ['其他垃圾同比', 'Other waste year on year'],
    SAN_ZENG_YI_JIAN: ['三增一减（项）', '三增一减 (moves held, of 4)'],
  };
  for (const k of r.rankings.rankings) {
    const e = k.entries[0];
    const [zh, en] = RANKED[k.metric] ?? [k.metric, k.metric];
    const value = !e || e.value === null ? L('无数据', 'no data') : k.metric === 'SEPARATION_RATE' || k.metric === 'OTHER_YOY_CHANGE' ? pct(e.value) : k.metric === 'SAN_ZENG_YI_JIAN' ? String(e.value) : e.value.toFixed(3);
    line(zh, en, e ? `${e.rank} / ${r.rankings.of} (${value})` : 'n/a');
  }

  heading('异常', 'Anomalies');
  const raised = r.findings.raised.reduce((n, k) => n + k.count, 0);
  line('本月发现', 'Raised for the month', String(raised));
  for (const k of r.findings.raised) doc.text(`  ${k.kind}: ${k.count} (${L('未结', 'still open')} ${k.open})`);
  line('本月办结', 'Resolved during the month', String(r.findings.resolved));

  heading('报送质量', 'Report quality');
  const q = r.quality;
  const part = (x: number | null | undefined) => (x == null ? 'n/a' : x.toFixed(1));
  line('综合得分', 'Score (0–100)', part(q?.score));
  if (q) {
    line('及时性', 'Timeliness', `${part(q.timeliness)} (${q.counts.lateTickets} / ${q.counts.tickets} ${L('迟报', 'late')})`);
    const c = q.counts;
    const hours = (h: number) => h.toLocaleString('en-US', { maximumFractionDigits: 1 });
    // open first passes are counted for the month that runs on only; a past month shows none
    const openNow = c.openTickets > 0 ? `, ${c.openTicketsOverdue} / ${c.openTickets} ${L('在途首磅超时', 'open first passes overdue now')}` : '';
    line('完整性', 'Completeness', `${part(q.completeness)} (${hours(c.silentHours)} / ${hours(c.siteHours)} h ${L('静默', 'silent')} (${c.silentSpans} ${L('段', 'stretches')}), ${c.silentDays} / ${c.siteDays} ${L('站日无磅单', 'site-days without a ticket')}, ${c.openTicketsVoided} ${L('未完成过磅', 'unfinished first passes')}${openNow}, ${c.scaleFaultDays} ${L('站日仪表故障', 'site-days with scale faults')})`);
    line('一致性', 'Consistency', `${part(q.consistency)} (${q.counts.imbalancedDays} / ${q.counts.balanceDays} ${L('不平衡', 'imbalanced')}, ${L('手工', 'keyed')} ${t3(q.counts.keyedKg)}, ${L('估重', 'estimated')} ${t3(q.counts.estimatedKg)} / ${t3(q.counts.kg)} t, ${q.counts.integrityEvents} ${L('防作弊事件', 'anti-cheat events')})`);
  }
  doc.end();
  return done;
}
