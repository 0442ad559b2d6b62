// One simulated station device: signs and chains its records, keeps them in a
// durable outbox until the server acknowledges them, and finds its way back
// onto the server's chain when the two disagree.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GENESIS_HASH, RECORD_VERSION, type DeviceRecordPayload, type TicketBody } from '@haulproof/contracts';
import { deviceAuthHeader, signRecord } from '@haulproof/contracts/signing';
import { readDeviceKey, stateFile, writeFileAtomic } from './device-files.js';

export const INGEST_PATH = '/api/v1/ingest/records';
const MAX_BATCH = 500; // IngestBatch allows 500 records per request

export interface ChainHead {
  seq: number;
  hash: string;
}

/** Where the server's chain for a device ends. In-process this is the database; standalone, only if DATABASE_URL is given. */
export interface ChainHeadSource {
  head(deviceCode: string): Promise<ChainHead>;
}

interface Outgoing {
  seq: number;
  prev: string;
  hash: string;
  canonical: string; // base64, exactly the signed bytes
  signature: string;
}

interface DeviceState {
  seq: number; // last seq signed
  prev: string; // its hash
  outbox: Outgoing[]; // signed, not yet acknowledged
}

export type SendOutcome = { accepted: number; duplicate: number; rechained: number } & ({ ok: true } | { ok: false; problem: string });

const CHAIN_ERRORS = new Set(['SEQ_CONFLICT', 'CHAIN_GAP', 'CHAIN_BROKEN']);

export class SimDevice {
  private constructor(
    readonly code: string,
    private readonly key: KeyObject,
    private state: DeviceState,
    private readonly file: string,
  ) {}

  /** The device as the data folder has it, or null when it has no key there (not seeded here). */
  static async open(dataDir: string, code: string): Promise<SimDevice | null> {
    const key = await readDeviceKey(dataDir, code);
    if (!key) return null;
    const file = stateFile(dataDir, code);
    let state: DeviceState = { seq: 0, prev: GENESIS_HASH, outbox: [] };
    try {
      state = JSON.parse(await readFile(file, 'utf8')) as DeviceState;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file} is unreadable (${(err as Error).message}); delete it to resynchronise from the server`);
    }
    return new SimDevice(code, createPrivateKey(key.privateKeyPem), state, file);
  }

  get seq(): number {
    return this.state.seq;
  }

  get outboxSize(): number {
    return this.state.outbox.length;
  }

  /** Signs the tickets onto the chain and writes them to the outbox on disk before anything is sent. */
  async record(tickets: TicketBody[]): Promise<void> {
    if (tickets.length === 0) return;
    for (const ticket of tickets) {
      const seq = this.state.seq + 1;
      const payload: DeviceRecordPayload = { v: RECORD_VERSION, device: this.code, seq, prev: this.state.prev, kind: 'ticket', ticket };
      const signed = signRecord(this.key, payload as never);
      this.state.outbox.push({ seq, prev: this.state.prev, ...signed });
      this.state.seq = seq;
      this.state.prev = signed.hash;
    }
    await this.save();
  }

  /** Sends the oldest part of the outbox through the real ingestion API. */
  async send(serverUrl: string, heads?: ChainHeadSource): Promise<SendOutcome> {
    const out: SendOutcome = { ok: true, accepted: 0, duplicate: 0, rechained: 0 };
    const batch = this.state.outbox.slice(0, MAX_BATCH);
    if (batch.length === 0) return out;
    const body = Buffer.from(JSON.stringify({ records: batch.map(({ canonical, signature }) => ({ canonical, signature })) }));
    let res: Response;
    try {
      res = await fetch(new URL(INGEST_PATH, serverUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: deviceAuthHeader(this.code, this.key, 'POST', INGEST_PATH, body) },
        body: new Uint8Array(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      return { ...out, ok: false, problem: `server unreachable: ${(err as Error).message}` };
    }
    const json = (await res.json().catch(() => ({}))) as { results?: { seq: number; status: string }[]; message?: string; kind?: string; failedSeq?: number | null; chainHead?: ChainHead };
    const results = Array.isArray(json.results) ? json.results : [];
    const acked = new Set(results.map((r) => r.seq));
    out.accepted = results.filter((r) => r.status === 'accepted').length;
    out.duplicate = results.length - out.accepted;
    this.state.outbox = this.state.outbox.filter((r) => !acked.has(r.seq));
    if (res.ok) {
      await this.save();
      return out;
    }
    const problem = `HTTP ${res.status}${json.kind ? ` ${json.kind}` : ''}: ${json.message ?? 'no message'}`;
    if (res.status >= 400 && res.status < 500 && json.kind && CHAIN_ERRORS.has(json.kind)) {
      const head = await this.serverHead(heads, json).catch(() => null);
      if (!head) return { ...out, ok: false, problem: `${problem}; the server did not say where its chain ends` };
      out.rechained = await this.rechain(head);
      return { ...out, ok: false, problem: `${problem}; resumed at seq ${head.seq}, re-signed ${out.rechained} pending ticket(s)` };
    }
    const failed = typeof json.failedSeq === 'number' ? this.state.outbox.find((r) => r.seq === json.failedSeq) : undefined;
    if (res.status >= 400 && res.status < 500 && failed) {
      // The server refused this record on its content: drop it; the ones after it chain from it, so re-sign them.
      const rest = this.state.outbox.filter((r) => r.seq > failed.seq);
      this.state.outbox = this.state.outbox.filter((r) => r.seq < failed.seq);
      this.state.seq = failed.seq - 1;
      this.state.prev = failed.prev;
      await this.record(rest.map((r) => ticketOf(r)));
      return { ...out, ok: false, problem: `${problem}; dropped seq ${failed.seq}` };
    }
    await this.save();
    return { ...out, ok: false, problem };
  }

  private async serverHead(heads: ChainHeadSource | undefined, body: { chainHead?: ChainHead }): Promise<ChainHead | null> {
    if (heads) return heads.head(this.code);
    // The server says where its chain for this device ends in every chain error.
    const h = body.chainHead;
    return h && Number.isInteger(h.seq) && /^[0-9a-f]{64}$/.test(h.hash) ? h : null;
  }

  /** Continues from the server's head; pending tickets are signed again with their new places in the chain. */
  private async rechain(head: ChainHead): Promise<number> {
    const pending = this.state.outbox.map((r) => ticketOf(r));
    this.state = { seq: head.seq, prev: head.hash, outbox: [] };
    await this.record(pending);
    if (pending.length === 0) await this.save();
    return pending.length;
  }

  private save(): Promise<void> {
    return writeFileAtomic(this.file, JSON.stringify(this.state));
  }
}

function ticketOf(r: Outgoing): TicketBody {
  const payload = JSON.parse(Buffer.from(r.canonical, 'base64').toString('utf8')) as DeviceRecordPayload;
  if (payload.kind !== 'ticket') throw new Error(`seq ${r.seq} is not a ticket`);
  return payload.ticket;
}
