// XLSX for spreadsheets: the CSV export's figures (mappers/csv.ts), as numbers, not text.
// Headers name the column in Chinese and English with its unit; kg stay integers, and
// each total is repeated in tonnes to three decimals (what bureau reports quote).
import ExcelJS from 'exceljs';
import type { DistrictFigures, TotalsRow } from '@haulproof/contracts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Kind = 'text' | 'int' | 'kg' | 't';
interface Column {
  header: string;
  kind: Kind;
}
const FORMAT: Record<Kind, string | undefined> = { text: undefined, int: '0', kg: '#,##0', t: '#,##0.000' };
const tonnes = (kg: number) => Math.round(kg) / 1000;

async function workbook(name: string, columns: Column[], rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Haulproof';
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: Math.max(12, c.header.length + 4), style: FORMAT[c.kind] ? { numFmt: FORMAT[c.kind] } : {} }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(r.map((v) => v ?? null));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The provenance columns of a ProvenanceTotals: total, weighed, stored tare, keyed, estimated. */
const PROVENANCE = (en: string, zh: string): Column[] => [
  { header: `${zh}净重 ${en}net (kg)`, kind: 'kg' },
  { header: `${zh}称重 ${en}weighed (kg)`, kind: 'kg' },
  { header: `${zh}预置皮重 ${en}stored tare (kg)`, kind: 'kg' },
  { header: `${zh}手工录入 ${en}keyed (kg)`, kind: 'kg' },
  { header: `${zh}估重 ${en}estimated (kg)`, kind: 'kg' },
];

export function totalsXlsx(rows: TotalsRow[]): Promise<Buffer> {
  return workbook(
    'totals 汇总',
    [
      { header: '期间 Period', kind: 'text' },
      { header: '站点 Site ID', kind: 'text' },
      { header: '区 District ID', kind: 'text' },
      { header: '品类 Stream', kind: 'text' },
      { header: '方向 Direction', kind: 'text' },
      { header: '车次 Tickets', kind: 'int' },
      ...PROVENANCE('', ''),
      { header: '净重 Net (t)', kind: 't' },
    ],
    rows.map((r) => [r.period, r.siteId, r.districtId, r.stream, r.direction, r.tickets, r.kg.total, r.kg.WEIGHED, r.kg.STORED_TARE, r.kg.KEYED, r.kg.ESTIMATED, tonnes(r.kg.total)]),
  );
}

export function districtFiguresXlsx(f: DistrictFigures): Promise<Buffer> {
  return workbook(
    'districts 分区',
    [
      { header: '期间 Period', kind: 'text' },
      { header: '区 District ID', kind: 'text' },
      { header: '品类 Stream', kind: 'text' },
      ...PROVENANCE('Collected ', '收运'),
      ...PROVENANCE('Disposed ', '处置'),
      { header: '按转运站比例分摊 Disposed apportioned (kg)', kind: 'kg' },
      { header: '收运 Collected (t)', kind: 't' },
      { header: '处置 Disposed (t)', kind: 't' },
    ],
    f.rows.map((r) => [r.period, r.districtId ?? 'UNATTRIBUTED', r.stream, r.collected.total, r.collected.WEIGHED, r.collected.STORED_TARE, r.collected.KEYED, r.collected.ESTIMATED, r.disposed.total, r.disposed.WEIGHED, r.disposed.STORED_TARE, r.disposed.KEYED, r.disposed.ESTIMATED, r.apportionedKg, tonnes(r.collected.total), tonnes(r.disposed.total)]),
  );
}
