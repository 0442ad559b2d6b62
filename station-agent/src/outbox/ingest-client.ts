// POST /api/v1/ingest/records: one batch of signed records, and what the
// server's answer means for the forwarder (server/src/http/routes/ingest.ts).
import { IngestResult } from '@haulproof/contracts';
import { z } from 'zod';
import type { JournalEntry } from '../types.js';
import { deviceRequest, NetworkError, serverMessage, type DeviceHttpOptions } from './device-http.js';

export const INGEST_PATH = '/api/v1/ingest/records';

export type IngestAnswer =
  /** Every record acknowledged, accepted or duplicate. */
  | { kind: 'ok'; results: IngestResult[] }
  /** 409/422: the server stopped at `failedSeq`; `results` acknowledge the records before it. */
  | { kind: 'rejected'; status: number; reason: string | null; message: string; failedSeq: number | null; chainHead: { seq: number; hash: string } | null; results: IngestResult[] }
  /** No usable answer: network, timeout, 401/403, 413, 5xx, garbage. Nothing is known to be stored. */
  | { kind: 'failed'; status: number | null; message: string };

/** Sends one batch. Implementations never throw: every outcome is an answer. */
export interface IngestTransport {
  send(records: JournalEntry[]): Promise<IngestAnswer>;
}

const Rejection = z.object({
  message: z.string(),
  kind: z.string().optional(),
  failedSeq: z.int().nullable().optional(),
  chainHead: z.object({ seq: z.int(), hash: z.string() }).optional(),
  results: z.array(IngestResult).optional(),
});

export class HttpIngestTransport implements IngestTransport {
  constructor(private readonly http: DeviceHttpOptions) {}

  async send(records: JournalEntry[]): Promise<IngestAnswer> {
    // These exact bytes are what the request signature covers.
    const body = Buffer.from(JSON.stringify({ records: records.map((r) => ({ canonical: r.canonical.toString('base64'), signature: r.signature.toString('base64') })) }));
    let res;
    try {
      res = await deviceRequest(this.http, 'POST', INGEST_PATH, body);
    } catch (err) {
      if (err instanceof NetworkError) return { kind: 'failed', status: null, message: err.message };
      throw err;
    }
    return interpret(res.status, res.text);
  }
}

export function interpret(status: number, text: string): IngestAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'failed', status, message: `HTTP ${status}: ${text.slice(0, 200)}` };
  }
  if (status === 200) {
    const ok = z.object({ results: z.array(IngestResult) }).safeParse(json);
    return ok.success ? { kind: 'ok', results: ok.data.results } : { kind: 'failed', status, message: 'the server answered 200 without valid results' };
  }
  if (status === 409 || status === 422) {
    const r = Rejection.safeParse(json);
    if (r.success) {
      return { kind: 'rejected', status, reason: r.data.kind ?? null, message: r.data.message, failedSeq: r.data.failedSeq ?? null, chainHead: r.data.chainHead ?? null, results: r.data.results ?? [] };
    }
  }
  return { kind: 'failed', status, message: `HTTP ${status}: ${serverMessage(text)}` };
}
