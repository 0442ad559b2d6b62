import { canonicalBytes, type CanonicalValue, type TicketBody } from '@haulproof/contracts';
import { sha256Hex } from '@haulproof/contracts/signing';
import { describe, expect, it, vi } from 'vitest';
import { FakeJournal, snapshot } from '../weighing/test-support.js';
import { findCjkFont } from './cjk-font.js';
import { NotAJournaledTicketError, printTicketPdf, ticketNamesFrom, ticketQrPayload } from './ticket-pdf.js';

const TICKET: TicketBody = {
  site: 'TS01',
  lane: 'L1',
  plate: '苏E67890',
  plateSeen: null,
  card: 'a0000002',
  stream: 'OTHER',
  direction: 'IN',
  grossKg: 30_000,
  tareKg: 15_200,
  netKg: 14_800,
  grossSource: 'WEIGHED',
  tareSource: 'WEIGHED',
  firstAt: '2025-03-01T08:00:03.300+08:00',
  secondAt: '2025-03-01T08:41:10.000+08:00',
  route: 'R-07',
  permit: null,
  origin: null,
  operator: null,
  flags: ['TARE_DEVIATION'],
  software: 'haulproof-agent 0.1.0',
};

const names = { ...ticketNamesFrom(snapshot(), 'L1'), laneName: 'Lane 1' };
const journaled = (t: TicketBody = TICKET) => {
  const j = new FakeJournal(() => Date.parse('2025-03-01T00:41:10Z'));
  j.appendEvent({ type: 'KEYED_WEIGHT', lane: 'L1', at: t.firstAt, plate: null, card: null, message: 'x', details: {}, ticketSeq: null });
  return { j, entry: j.appendTicket(t) };
};
const quiet = { warn: vi.fn() };

/** The text drawn with the standard fonts: pdfkit writes it as hex WinAnsi codes inside TJ arrays. */
function drawnText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  return [...raw.matchAll(/\[([^\]]*)\]\s*TJ/g)]
    .map((m) => [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
    .join('\n');
}

describe('printTicketPdf', () => {
  it('prints an English-only A5 ticket when no CJK font is used, with weights, times and the QR payload', async () => {
    const { entry } = journaled();
    const pdf = await printTicketPdf(entry, names, { font: null, compress: false, logger: quiet });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 419.53 595.28]'); // A5
    const qr = ticketQrPayload('D1', 2, entry.hash);
    expect(qr).toBe(`haulproof:D1:2:${entry.hash.slice(0, 16)}`);
    const text = drawnText(pdf);
    for (const s of [
      'Weighbridge ticket',
      'East Transfer Station (TS01)',
      'D1-2',
      'Su-E67890',
      'other (residual) waste',
      'IN (delivery)',
      '30,000 kg   weighed',
      '15,200 kg   weighed',
      '14,800 kg',
      '2025-03-01 08:00:03 (UTC+08:00)',
      '2025-03-01 08:41:10 (UTC+08:00)',
      'R-07',
      'unattended',
      'tare deviation',
      'haulproof-agent 0.1.0',
      qr,
    ]) {
      expect(text).toContain(s);
    }
    expect(pdf.toString('latin1')).toContain(`(${qr})`); // the Info /Subject, for search and archiving
    expect(pdf.toString('latin1')).toMatch(/\/Subtype \/Image/); // the QR code
    expect(quiet.warn).not.toHaveBeenCalled(); // English was asked for
  });

  it('prints keyed and stored-tare sources and the operator', async () => {
    const { entry } = journaled({ ...TICKET, grossSource: 'KEYED', tareSource: 'STORED', secondAt: null, tareKg: 15_000, netKg: 15_000, flags: ['KEYED', 'STORED_TARE'], operator: 'Wang' });
    const text = drawnText(await printTicketPdf(entry, names, { font: null, compress: false }));
    expect(text).toContain('30,000 kg   keyed in');
    expect(text).toContain('15,000 kg   stored tare');
    expect(text).toContain('none (stored tare)');
    expect(text).toContain('Wang');
  });

  it('prints an estimated (估重) ticket with its basis', async () => {
    const estimate = { method: 'VEHICLE_MEDIAN' as const, scale: 'OUT_OF_SERVICE' as const, reason: 'calibration', supervisor: 'Li', sampleSeqs: [9, 7, 4], sampleNetsKg: [15_000, 14_600, 15_400], ratedLoadKg: null, sharePermille: null };
    const { entry } = journaled({ ...TICKET, grossSource: 'ESTIMATED', tareSource: 'STORED', secondAt: null, tareKg: 15_000, netKg: 15_000, flags: ['STORED_TARE', 'ESTIMATED'], operator: 'Wang', estimate });
    const text = drawnText(await printTicketPdf(entry, names, { font: null, compress: false }));
    expect(text).toContain('30,000 kg   estimated');
    expect(text).toContain('estimated (scale unusable)');
    expect(text.replaceAll('\n', '')).toContain('median net of 3 weighed tickets (#9, #7, #4); calibration; Li'); // wrapped to the column
    expect(text).not.toContain('none (stored tare)');
  });

  it('prints what was signed, not what the in-memory payload says', async () => {
    const { entry } = journaled();
    const forged = { ...entry, payload: { ...entry.payload, ticket: { ...TICKET, netKg: 99_999 } } } as typeof entry;
    const text = drawnText(await printTicketPdf(forged, names, { font: null, compress: false }));
    expect(text).toContain('14,800 kg');
    expect(text).not.toContain('99,999');
  });

  it('refuses anything that is not a journaled ticket', async () => {
    const { j, entry } = journaled();
    await expect(printTicketPdf(j.entry(1)!, names, { font: null })).rejects.toThrow(NotAJournaledTicketError);
    const altered = Buffer.from(canonicalBytes({ ...(entry.payload as unknown as Record<string, CanonicalValue>), seq: 2 } as CanonicalValue));
    altered[altered.indexOf('30000')] = '4'.charCodeAt(0); // 40000 kg gross, hash no longer matches
    await expect(printTicketPdf({ ...entry, canonical: altered }, names, { font: null })).rejects.toThrow(/do not hash/);
    await expect(printTicketPdf({ ...entry, canonical: altered, hash: sha256Hex(altered) }, names, { font: null })).rejects.toThrow(); // not a valid ticket any more
  });

  it('falls back to English with a warning when the configured font is missing', async () => {
    const logger = { warn: vi.fn() };
    const { entry } = journaled();
    const pdf = await printTicketPdf(entry, names, { font: '/nonexistent/font.ttc', compress: false, logger });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(drawnText(pdf)).toContain('Su-E67890');
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('no CJK font'), expect.anything());
  });

  const cjk = findCjkFont(process.env.HAULPROOF_CJK_FONT);
  it.skipIf(!cjk)(`embeds a CJK font for Chinese labels (${cjk?.path ?? 'no CJK font on this machine'})`, async () => {
    const { entry } = journaled();
    const pdf = await printTicketPdf(entry, names, { font: process.env.HAULPROOF_CJK_FONT, compress: false });
    const raw = pdf.toString('latin1');
    expect(raw).toContain('/FontFile2'); // an embedded TrueType subset
    for (const ch of '磅单毛重皮净苏') expect(raw.toLowerCase()).toContain(`<${ch.codePointAt(0)!.toString(16).padStart(4, '0')}>`); // ToUnicode map
  });
});
