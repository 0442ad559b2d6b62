import type { EventBody } from '@haulproof/contracts';
import type { IntegrityReport } from './integrity.js';

/** The signed JOURNAL_QUARANTINE event: the fact of the damage goes into the chain itself. */
export function quarantineEvent(report: IntegrityReport, at: number): EventBody {
  const records = report.quarantined.filter((q) => q.source === 'record');
  const seqs = records.map((q) => q.seq!);
  const what = records.map((q) => `seq ${q.seq}: ${q.reason}`).concat(report.quarantined.filter((q) => q.source === 'open_ticket').map((q) => `open ticket on lane ${q.lane}: ${q.reason}`));
  const message = `damaged journal rows set aside at start-up: ${what.join('; ')}`;
  return {
    type: 'JOURNAL_QUARANTINE',
    lane: null,
    at: new Date(at).toISOString(),
    plate: null,
    card: null,
    message: message.length > 500 ? `${message.slice(0, 497)}...` : message,
    details: {
      records: records.length,
      openTickets: report.quarantined.length - records.length,
      firstSeq: seqs.length > 0 ? Math.min(...seqs) : null,
      lastSeq: seqs.length > 0 ? Math.max(...seqs) : null,
    },
    ticketSeq: null,
  };
}
