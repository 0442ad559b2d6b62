// CSV for spreadsheets (RFC 4180): a header row, CRLF line ends, fields quoted when they
// need it, and a UTF-8 byte-order mark so Excel on a Chinese Windows reads 中文 correctly.
import type { DistrictFigures, TotalsRow } from '@haulproof/contracts';

export const field = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function toCsv(header: string[], rows: unknown[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}

export function totalsCsv(rows: TotalsRow[]): string {
  return toCsv(
    ['period', 'site_id', 'district_id', 'stream', 'direction', 'tickets', 'kg', 'kg_weighed', 'kg_stored_tare', 'kg_keyed', 'kg_estimated'],
    rows.map((r) => [r.period, r.siteId, r.districtId, r.stream, r.direction, r.tickets, r.kg.total, r.kg.WEIGHED, r.kg.STORED_TARE, r.kg.KEYED, r.kg.ESTIMATED]),
  );
}

export function districtFiguresCsv(f: DistrictFigures): string {
  return toCsv(
    ['period', 'district_id', 'stream', 'collected_kg', 'collected_weighed', 'collected_stored_tare', 'collected_keyed', 'collected_estimated', 'disposed_kg', 'disposed_weighed', 'disposed_stored_tare', 'disposed_keyed', 'disposed_estimated', 'disposed_apportioned_kg'],
    f.rows.map((r) => [r.period, r.districtId ?? 'UNATTRIBUTED', r.stream, r.collected.total, r.collected.WEIGHED, r.collected.STORED_TARE, r.collected.KEYED, r.collected.ESTIMATED, r.disposed.total, r.disposed.WEIGHED, r.disposed.STORED_TARE, r.disposed.KEYED, r.disposed.ESTIMATED, r.apportionedKg]),
  );
}
