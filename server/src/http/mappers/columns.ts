// Building blocks of the export columns (export-stream.ts writes them as CSV or XLSX): every
// header names the column in Chinese, then English, with its unit; kg stay integers.
import type { ProvenanceTotals } from '@haulproof/contracts';
import { tonnes, type ExportColumn } from './export-stream.js';

export const text = <T>(zh: string, en: string, value: (r: T) => unknown): ExportColumn<T> => ({ zh, en, kind: 'text', value });
export const int = <T>(zh: string, en: string, value: (r: T) => unknown): ExportColumn<T> => ({ zh, en, kind: 'int', value });
export const kg = <T>(zh: string, en: string, value: (r: T) => unknown): ExportColumn<T> => ({ zh, en, unit: 'kg', kind: 'kg', value });
export const ratio = <T>(zh: string, en: string, value: (r: T) => unknown): ExportColumn<T> => ({ zh, en, kind: 'ratio', value });
export const bool = <T>(zh: string, en: string, value: (r: T) => unknown): ExportColumn<T> => ({ zh, en, kind: 'bool', value });
/** A weight repeated in tonnes to three decimals, as bureau reports quote it. */
export const t = <T>(zh: string, en: string, value: (r: T) => number | null): ExportColumn<T> => ({ zh, en, unit: 't', kind: 't', value: (r) => tonnes(value(r)) });

export type Split = Omit<ProvenanceTotals, 'total'>;

/** kg by provenance (weighed, stored tare, keyed, estimated), each its own column. */
export function provenance<T>(zh: string, en: string, of: (r: T) => Split): ExportColumn<T>[] {
  const name = (s: string) => (en ? `${en}${s}` : `${s[0]!.toUpperCase()}${s.slice(1)}`);
  return [
    kg(`${zh}称重`, name('weighed'), (r) => of(r).WEIGHED),
    kg(`${zh}预置皮重`, name('stored tare'), (r) => of(r).STORED_TARE),
    kg(`${zh}手工录入`, name('keyed'), (r) => of(r).KEYED),
    kg(`${zh}估重`, name('estimated'), (r) => of(r).ESTIMATED ?? 0),
  ];
}
