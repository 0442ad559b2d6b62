import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { JournalEntry, RegistrySnapshot } from '../types.js';
import { printTicketPdf, ticketNamesFrom } from './ticket-pdf.js';

interface Log {
  warn(msg: string, ctx?: Record<string, unknown>): void;
}

/**
 * Prints each completed ticket to <dir>/<device>-<seq>.pdf (a print spooler or
 * the operator screen picks it up). The file appears whole or not at all.
 * A failed print is an alarm for the operator, never a lost ticket: the journal has it.
 */
export class TicketPrinter {
  constructor(
    private readonly dir: string,
    private readonly snapshot: RegistrySnapshot,
    private readonly font: string | null,
    private readonly log: Log,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  fileFor(entry: Pick<JournalEntry, 'seq' | 'payload'>): string {
    return path.join(this.dir, `${entry.payload.device}-${entry.seq}.pdf`);
  }

  async print(entry: JournalEntry): Promise<void> {
    const file = this.fileFor(entry);
    if (existsSync(file)) return;
    try {
      const lane = entry.payload.kind === 'ticket' ? entry.payload.ticket.lane : '';
      const pdf = await printTicketPdf(entry, ticketNamesFrom(this.snapshot, lane), this.font ? { font: this.font } : {});
      const tmp = `${file}.tmp`;
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, pdf);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
    } catch (err) {
      this.log.warn('printing a ticket failed; it is safe in the journal and can be reprinted', { seq: entry.seq, err: String(err) });
    }
  }
}
