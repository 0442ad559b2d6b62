// Spreadsheet exports, written as the pages arrive: a year of legs never sits in memory whole,
// and nothing stops at one page. CSV per RFC 4180 (CRLF, fields quoted when they need it) with a
// UTF-8 byte-order mark, so Excel on a Chinese Windows reads 中文; XLSX through exceljs's streaming
// writer, numbers as numbers: kg as integers, tonnes to three decimals (what bureau reports quote).
// Headers are Chinese first, then English with the unit: `净重 Net (kg)`.
import type { Request, Response } from 'express';
import ExcelJS from 'exceljs';
import type { Page } from '@haulproof/contracts';
import type { Logger } from '../../lib/logger.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const field = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export type ColumnKind = 'text' | 'int' | 'kg' | 't' | 'ratio' | 'bool';
export interface ExportColumn<T> {
  zh: string;
  en: string;
  unit?: 'kg' | 't' | 'm³' | '%';
  kind: ColumnKind;
  value: (row: T) => unknown;
}

const FORMAT: Record<ColumnKind, string | undefined> = { text: undefined, int: '0', kg: '#,##0', t: '#,##0.000', ratio: '0.0000', bool: undefined };
export const header = (c: ExportColumn<never>) => `${c.zh} ${c.en}${c.unit ? ` (${c.unit})` : ''}`;
/** kg to tonnes to three decimals, as bureau reports quote them. */
export const tonnes = (kg: number | null | undefined) => (kg === null || kg === undefined ? null : Math.round(kg) / 1000);

/** Exports read the whole range a page at a time: `limit` rows when the request gives it, else 1000. */
export const exportPageSize = (req: Request, limit: number) => (req.query.limit === undefined ? 1_000 : limit);

/** Every page of a list, the first fetched before anything is written (so a refusal is still a JSON 403). */
export async function allPages<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>): Promise<AsyncIterable<T[]>> {
  const first = await fetch(undefined);
  return (async function* () {
    let page = first;
    yield page.items;
    while (page.nextCursor) {
      page = await fetch(page.nextCursor);
      yield page.items;
    }
  })();
}

/** A list already whole (targets, permit usage, report quality), as one page. */
export async function* onePage<T>(rows: T[]): AsyncIterable<T[]> {
  yield rows;
}

async function write(res: Response, chunk: string): Promise<void> {
  if (!res.write(chunk)) await new Promise<void>((resolve, reject) => {
    res.once('drain', resolve);
    res.once('close', () => reject(new Error('client went away')));
  });
}

async function csv<T>(res: Response, columns: ExportColumn<T>[], pages: AsyncIterable<T[]>): Promise<void> {
  res.type('text/csv; charset=utf-8');
  await write(res, `\uFEFF${columns.map((c) => field(header(c as ExportColumn<never>))).join(',')}\r\n`);
  for await (const rows of pages) {
    if (rows.length) await write(res, rows.map((r) => `${columns.map((c) => field(c.value(r))).join(',')}\r\n`).join(''));
  }
  res.end();
}

async function xlsx<T>(res: Response, sheet: string, columns: ExportColumn<T>[], pages: AsyncIterable<T[]>): Promise<void> {
  res.type(XLSX_TYPE);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
  wb.creator = 'Haulproof';
  const ws = wb.addWorksheet(sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => {
    const h = header(c as ExportColumn<never>);
    const fmt = FORMAT[c.kind];
    return { header: h, width: Math.max(12, Math.min(48, h.length + 4)), style: fmt ? { numFmt: fmt } : {} };
  });
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  for await (const rows of pages) for (const r of rows) ws.addRow(columns.map((c) => c.value(r) ?? null)).commit();
  ws.commit();
  await wb.commit(); // ends the response
}

/**
 * Sends the export. Headers go out before the second page is read: a failure after that can only
 * cut the download short, so it is logged and the connection closed rather than answered.
 */
export async function sendExport<T>(res: Response, log: Logger, format: 'csv' | 'xlsx', name: string, sheet: string, columns: ExportColumn<T>[], pages: AsyncIterable<T[]>): Promise<void> {
  res.attachment(`${name}.${format}`);
  try {
    if (format === 'csv') await csv(res, columns, pages);
    else await xlsx(res, sheet, columns, pages);
  } catch (err) {
    if (!res.headersSent) throw err;
    log.error({ err, module: 'export', name }, 'export failed part-way; the download is cut short');
    res.destroy(err as Error);
  }
}
