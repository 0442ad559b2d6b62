/**
 * The printed ticket (磅单), as a PDF. Layout: A5 portrait (148 × 210 mm), the size Chinese
 * weighbridge offices print on office laser/dot-matrix printers and file in binders; a thermal
 * kiosk layout can be added beside it. Chinese labels first, English after.
 *
 * Only a journaled record can be printed: the input is a JournalEntry, its bytes must hash to its
 * chain hash, and what is printed is parsed from those signed bytes, never from a draft.
 */
import { DeviceRecordPayload, parseCanonical, type TicketBody } from '@haulproof/contracts';
import { sha256Hex } from '@haulproof/contracts/signing';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { JournalEntry, RegistrySnapshot } from '../types.js';
import { STREAM_NAMES } from '../weighing/stream-names.js';
import { findCjkFont, type CjkFont } from './cjk-font.js';
import { DIRECTION_LABELS, FLAG_LABELS, LABELS, SOURCE_LABELS, type Label } from './labels.js';
import { latinPlate, latinText } from './latin.js';

export interface TicketNames {
  siteNameZh: string;
  siteNameEn: string;
  laneName?: string | null;
}

export interface PrintOptions {
  /** A CJK font file ("path" or "path.ttc#PostScriptName"); null prints English only; unset searches the system. */
  font?: string | null;
  /** Deflate the content streams (default true); tests turn it off to read the text. */
  compress?: boolean;
  logger?: { warn(msg: string, ctx?: Record<string, unknown>): void };
}

export class NotAJournaledTicketError extends Error {
  override name = 'NotAJournaledTicketError';
}

/** What the QR code says: enough to find the record and check it was not swapped. */
export function ticketQrPayload(device: string, seq: number, hash: string): string {
  return `haulproof:${device}:${seq}:${hash.slice(0, 16)}`;
}

/** Names for the ticket header from the cached registry snapshot. */
export function ticketNamesFrom(snapshot: RegistrySnapshot, laneCode: string): TicketNames {
  return { siteNameZh: snapshot.site.nameZh, siteNameEn: snapshot.site.nameEn, laneName: snapshot.lanes.find((l) => l.code === laneCode)?.name ?? null };
}

function signedTicket(entry: JournalEntry): { device: string; seq: number; ticket: TicketBody } {
  if (entry.kind !== 'ticket') throw new NotAJournaledTicketError(`record ${entry.seq} is a ${entry.kind}, not a ticket`);
  if (sha256Hex(entry.canonical) !== entry.hash) throw new NotAJournaledTicketError(`record ${entry.seq}: its bytes do not hash to its chain hash`);
  const payload = DeviceRecordPayload.parse(parseCanonical(entry.canonical));
  if (payload.kind !== 'ticket' || payload.seq !== entry.seq) throw new NotAJournaledTicketError(`record ${entry.seq}: signed bytes are not this ticket`);
  return { device: payload.device, seq: payload.seq, ticket: payload.ticket };
}

const fonts = new Map<string, CjkFont | null>();
function resolveFont(options: PrintOptions): CjkFont | null {
  const key = options.font === undefined ? '<search>' : String(options.font);
  if (!fonts.has(key)) {
    const font = findCjkFont(options.font);
    if (!font && options.font !== null) {
      (options.logger ?? console).warn('no CJK font found: tickets print with English labels only', { configured: options.font ?? null });
    }
    fonts.set(key, font);
  }
  return fonts.get(key) ?? null;
}

const kg = (n: number) => `${n.toLocaleString('en-US')} kg`;
/** 2025-03-01T08:00:03.300+08:00 → 2025-03-01 08:00:03 (UTC+08:00): the site's own clock, as signed. */
const siteTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} (UTC${iso.slice(23)})`;

export async function printTicketPdf(entry: JournalEntry, names: TicketNames, options: PrintOptions = {}): Promise<Buffer> {
  const { device, seq, ticket: t } = signedTicket(entry);
  const qrText = ticketQrPayload(device, seq, entry.hash);
  const qr = await QRCode.toBuffer(qrText, { type: 'png', errorCorrectionLevel: 'M', margin: 1, scale: 4 });
  const font = resolveFont(options);
  const zh = font !== null;
  const say = (l: Label) => (zh ? `${l.zh} ${l.en}` : l.en);
  const text = (s: string) => (zh ? s : latinText(s));
  const ticketNo = `${device}-${seq}`;

  const doc = new PDFDocument({
    size: 'A5',
    margin: 28,
    compress: options.compress ?? true,
    info: { Title: `磅单 Ticket ${ticketNo}`, Subject: qrText, Author: `${names.siteNameEn} (${t.site})`, Creator: t.software },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (font) doc.registerFont('cjk', font.path, font.family);
  const regular = font ? 'cjk' : 'Helvetica';
  const bold = font ? 'cjk' : 'Helvetica-Bold';

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const labelWidth = 128;
  const rule = () => {
    doc.moveDown(0.3).moveTo(left, doc.y).lineTo(left + width, doc.y).lineWidth(0.5).stroke().moveDown(0.4);
  };
  const row = (label: Label, value: string, size = 10) => {
    const y = doc.y;
    doc.font(regular).fontSize(9).fillColor('#444').text(say(label), left, y + (size - 9), { width: labelWidth });
    doc.font(size > 10 ? bold : regular).fontSize(size).fillColor('#000').text(value, left + labelWidth, y, { width: width - labelWidth });
    doc.y = Math.max(doc.y, y + size + 5);
  };
  const source = (s: keyof typeof SOURCE_LABELS) => say(SOURCE_LABELS[s]);

  doc.font(bold).fontSize(16).text(say(LABELS.title), left, doc.y, { width, align: 'center' });
  doc.font(regular).fontSize(10).text(zh ? `${names.siteNameZh}  ${names.siteNameEn} (${t.site})` : `${latinText(names.siteNameEn)} (${t.site})`, { width, align: 'center' });
  rule();
  row(LABELS.ticketNo, ticketNo, 12);
  row(LABELS.plate, zh ? t.plate : latinPlate(t.plate), 12);
  row(LABELS.card, t.card ?? say(LABELS.none));
  row(LABELS.stream, say(STREAM_NAMES[t.stream]));
  row(LABELS.direction, say(DIRECTION_LABELS[t.direction]));
  row(LABELS.lane, names.laneName ? `${t.lane} ${text(names.laneName)}` : t.lane);
  rule();
  row(LABELS.gross, `${kg(t.grossKg)}   ${source(t.grossSource)}`, 12);
  row(LABELS.tare, `${kg(t.tareKg)}   ${source(t.tareSource)}`, 12);
  row(LABELS.net, kg(t.netKg), 16);
  rule();
  row(LABELS.firstAt, siteTime(t.firstAt));
  row(LABELS.secondAt, t.secondAt ? siteTime(t.secondAt) : say(t.estimate ? LABELS.none : LABELS.storedTareOnly));
  if (t.estimate) {
    const e = t.estimate;
    const how = e.method === 'VEHICLE_MEDIAN'
      ? say({ zh: `近 ${e.sampleSeqs.length} 次称重净重中位数`, en: `median net of ${e.sampleSeqs.length} weighed tickets` }) + ` (#${e.sampleSeqs.join(', #')})`
      : say({ zh: `核定载质量 ${kg(e.ratedLoadKg ?? 0)} 的 ${(e.sharePermille ?? 0) / 10}%`, en: `${(e.sharePermille ?? 0) / 10} % of rated load ${kg(e.ratedLoadKg ?? 0)}` });
    row(LABELS.estimate, `${how}; ${text(e.reason)}; ${text(e.supervisor)}`);
  }
  if (t.route) row(LABELS.route, t.route);
  if (t.permit) row(LABELS.permit, text(t.permit));
  if (t.origin) row(LABELS.origin, t.origin);
  row(LABELS.operator, t.operator ? text(t.operator) : say(LABELS.unattended));
  row(LABELS.flags, t.flags.length ? t.flags.map((f) => say(FLAG_LABELS[f])).join(', ') : say(LABELS.none));
  row(LABELS.software, text(t.software));
  rule();

  const qrSize = 112;
  const top = doc.y;
  doc.image(qr, left + width - qrSize, top, { width: qrSize });
  doc.font(regular).fontSize(9).fillColor('#444').text(say(LABELS.verify), left, top, { width: width - qrSize - 8 }).moveDown(0.2);
  doc.font('Courier').fontSize(8).fillColor('#000').text(qrText, { width: width - qrSize - 8 });
  doc.font(regular).fontSize(8).fillColor('#444').text(`${say(LABELS.hash)}: ${entry.hash.slice(0, 16)}…`, { width: width - qrSize - 8 });
  doc.end();
  return done;
}
