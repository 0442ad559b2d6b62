// Forwards journaled records to the server, at least once, in seq order.
// A record counts as delivered only once the server's acknowledgement has been
// committed to the journal (markAcked); until then it is sent again, and the
// server answers "duplicate" for what it already holds. The agent never
// rewrites history: when the server's chain disagrees with ours, forwarding
// halts with an alarm and every record stays in the journal.
import type { IngestResult } from '@haulproof/contracts';
import type { EventBus } from '../event-bus.js';
import type { Clock, JournalEntry, TicketJournal } from '../types.js';
import { backoffDelay, realTimers, type BackoffPolicy, type Timers } from './backoff.js';
import type { IngestAnswer, IngestTransport } from './ingest-client.js';

export const MAX_BATCH = 500; // IngestBatch allows at most 500 records

export const FORWARD_ALARMS = {
  halted: 'FORWARD_HALTED', // the server's chain disagrees with ours (409 SEQ_CONFLICT, 422 CHAIN_*): operator decision
  rejected: 'FORWARD_REJECTED', // the server refuses a record's content: retried slowly, never dropped
  auth: 'FORWARD_AUTH', // 401/403: device suspended, clock skew, key mismatch
} as const;

/** Answers that mean "your chain and mine differ": resending cannot fix them. */
const CHAIN_CONFLICTS = new Set(['SEQ_CONFLICT', 'CHAIN_GAP', 'CHAIN_BROKEN']);

export type OutboxJournal = Pick<TicketJournal, 'unacked' | 'markAcked' | 'queueDepth'> & {
  /** A quarantined seq the journal will not forward past (SqliteJournal.blockedAt). */
  blockedAt?(): { seq: number; reason: string } | null;
};

export interface ForwarderOptions {
  journal: OutboxJournal;
  transport: IngestTransport;
  bus?: EventBus;
  clock?: Clock;
  timers?: Timers;
  random?: () => number;
  batchSize?: number;
  /** Retry after network errors, 5xx and 401/403. */
  backoff?: BackoffPolicy;
  /** Retry after the server refused a record's content (the registry may be fixed meanwhile). */
  rejectedRetryMs?: number;
  /** Look for new records this often when the queue is empty (kick() is immediate). */
  idleMs?: number;
}

export type ForwarderState = 'stopped' | 'idle' | 'sending' | 'retrying' | 'halted' | 'blocked';

export interface ForwarderHalt {
  reason: string;
  message: string;
  failedSeq: number | null;
  chainHead: { seq: number; hash: string } | null;
}

export interface ForwarderStatus {
  state: ForwarderState;
  queueDepth: number;
  lastAckAt: number | null;
  lastError: string | null;
  halt: ForwarderHalt | null;
  nextAttemptAt: number | null;
}

export class Forwarder {
  private state: ForwarderState = 'stopped';
  private timer: unknown = null;
  private nextAttemptAt: number | null = null;
  private inFlight: Promise<void> | null = null;
  private failures = 0;
  private lastAckAt: number | null = null;
  private lastError: string | null = null;
  private halt: ForwarderHalt | null = null;
  private batchSize: number;
  private readonly alarms = new Map<string, string>();
  private idleWaiters: (() => void)[] = [];
  private readonly clock: Clock;
  private readonly timers: Timers;

  constructor(private readonly opts: ForwarderOptions) {
    this.clock = opts.clock ?? Date.now;
    this.timers = opts.timers ?? realTimers;
    this.batchSize = Math.min(MAX_BATCH, Math.max(1, opts.batchSize ?? MAX_BATCH));
  }

  start(): void {
    if (this.state !== 'stopped') return;
    this.state = 'idle';
    this.wake();
  }

  /** Stops scheduling; an in-flight batch finishes and its acknowledgements are recorded. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.cancelTimer();
    await this.inFlight;
    this.wakeIdleWaiters();
  }

  /** New records were journaled: send now, unless waiting out a backoff or halted. */
  kick(): void {
    if (this.state === 'idle' || this.state === 'blocked') this.wake();
  }

  /**
   * The server answered on another channel (the live uplink reconnected): a backoff
   * that was waiting for it is cut short. Halts stay halted; they need a person.
   */
  serverReachable(): void {
    if (this.state === 'retrying') {
      this.failures = 0;
      this.wake();
    } else this.kick();
  }

  /** An operator resolved a halt (or wants to try again now). */
  resume(): void {
    if (this.state === 'stopped') return;
    if (this.halt) this.clearAlarm(FORWARD_ALARMS.halted);
    this.halt = null;
    this.failures = 0;
    if (this.state === 'halted' || this.state === 'retrying' || this.state === 'blocked') this.state = 'idle';
    this.wake();
  }

  status(): ForwarderStatus {
    return { state: this.state, queueDepth: this.opts.journal.queueDepth(), lastAckAt: this.lastAckAt, lastError: this.lastError, halt: this.halt, nextAttemptAt: this.nextAttemptAt };
  }

  /** Resolves the next time the forwarder finds nothing it may send (queue empty, blocked, halted or stopped). */
  whenIdle(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'halted') return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ── the loop ─────────────────────────────────────────────────────
  /** Starts a drain now, unless one is running (it picks up new records by itself). */
  private wake(): void {
    if (this.inFlight) return;
    this.cancelTimer();
    this.inFlight = this.drain()
      .catch((err: unknown) => this.retryAfterFailure(`forwarding failed: ${(err as Error).message}`)) // a bug must not kill the agent
      .finally(() => (this.inFlight = null));
  }

  private waitThenWake(ms: number): void {
    if (this.state === 'stopped' || this.state === 'halted') return;
    this.cancelTimer();
    this.nextAttemptAt = this.clock() + ms;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.nextAttemptAt = null;
      this.wake();
    }, ms);
  }

  /** Sends batch after batch, one at a time, until the queue is empty or an answer says wait. */
  private async drain(): Promise<void> {
    for (;;) {
      if (this.state === 'stopped' || this.state === 'halted') return;
      let batch: JournalEntry[];
      try {
        batch = this.opts.journal.unacked(this.batchSize);
      } catch (err) {
        return this.retryAfterFailure(`cannot read the journal: ${(err as Error).message}`);
      }
      if (batch.length === 0) {
        this.state = this.opts.journal.blockedAt?.() ? 'blocked' : 'idle';
        this.wakeIdleWaiters();
        return this.waitThenWake(this.opts.idleMs ?? 5_000);
      }
      this.state = 'sending';
      const answer = await this.opts.transport.send(batch);
      if (!this.handle(batch, answer)) return;
    }
  }

  /** Acts on one answer. True: go straight on with the next batch. */
  private handle(batch: JournalEntry[], answer: IngestAnswer): boolean {
    if (answer.kind === 'failed') {
      if (answer.status === 413 && this.batchSize > 1) {
        this.batchSize = Math.max(1, Math.floor(this.batchSize / 2)); // body over the server's limit: smaller batches
        return this.state !== 'stopped';
      }
      if (answer.status === 401 || answer.status === 403) this.raiseAlarm(FORWARD_ALARMS.auth, `the server refuses this device (${answer.status}): ${answer.message}`);
      this.retryAfterFailure(answer.message);
      return false;
    }
    const acked = this.recordAcks(batch, answer.results);
    if (acked === null) return false; // halted, or the acks could not be recorded
    if (answer.kind === 'ok') {
      if (acked < batch.length) {
        this.retryAfterFailure(`the server acknowledged ${acked} of ${batch.length} records`);
        return false;
      }
      this.failures = 0;
      this.lastError = null;
      this.clearAlarm(FORWARD_ALARMS.auth);
      this.clearAlarm(FORWARD_ALARMS.rejected);
      return this.state !== 'stopped';
    }
    const where = answer.failedSeq !== null ? ` at seq ${answer.failedSeq}` : '';
    if (answer.reason !== null && CHAIN_CONFLICTS.has(answer.reason)) {
      const head = answer.chainHead ? ` The server's chain ends at seq ${answer.chainHead.seq} (${answer.chainHead.hash.slice(0, 12)}…).` : '';
      this.haltWith({ reason: answer.reason, message: answer.message, failedSeq: answer.failedSeq, chainHead: answer.chainHead }, `forwarding halted: the server answered ${answer.status} ${answer.reason}${where}: ${answer.message}.${head} Records are kept; an operator must resolve this.`);
      return false;
    }
    this.lastError = `${answer.status} ${answer.reason ?? ''}${where}: ${answer.message}`;
    this.raiseAlarm(FORWARD_ALARMS.rejected, `the server refused a record${where} (${answer.reason ?? answer.status}): ${answer.message}. It is kept and retried; later records wait behind it.`);
    this.clearAlarm(FORWARD_ALARMS.auth);
    if (this.state !== 'stopped') this.state = 'retrying';
    this.waitThenWake(this.opts.rejectedRetryMs ?? 15 * 60_000);
    return false;
  }

  /**
   * Records the acknowledgements for the batch's prefix the server answered
   * for. Returns how many, or null when forwarding cannot go on.
   */
  private recordAcks(batch: JournalEntry[], results: IngestResult[]): number | null {
    const acks: { seq: number; ticketId: string | null; receivedAt: string }[] = [];
    for (const [i, r] of results.entries()) {
      const mine = batch[i];
      if (!mine || r.seq !== mine.seq) break; // results cover the batch's prefix, in order
      if (r.hash !== mine.hash) {
        this.haltWith({ reason: 'HASH_MISMATCH', message: `the server holds seq ${r.seq} with hash ${r.hash}`, failedSeq: r.seq, chainHead: null }, `forwarding halted: the server acknowledged seq ${r.seq} with hash ${r.hash.slice(0, 12)}…, but the journal's record hashes to ${mine.hash.slice(0, 12)}…. Records are kept; an operator must resolve this.`);
        return null;
      }
      acks.push({ seq: r.seq, ticketId: r.ticketId, receivedAt: r.receivedAt });
    }
    try {
      this.opts.journal.markAcked(acks);
    } catch (err) {
      // not durably acknowledged: the records go again and come back as duplicates
      this.retryAfterFailure(`cannot record acknowledgements: ${(err as Error).message}`);
      return null;
    }
    if (acks.length > 0) this.lastAckAt = this.clock();
    return acks.length;
  }

  private retryAfterFailure(message: string): void {
    this.lastError = message;
    if (this.state === 'stopped') return;
    this.state = 'retrying';
    this.waitThenWake(backoffDelay(this.opts.backoff ?? { baseMs: 1_000, maxMs: 5 * 60_000 }, this.failures++, this.opts.random ?? Math.random));
  }

  private haltWith(halt: ForwarderHalt, message: string): void {
    this.halt = halt;
    this.lastError = message;
    if (this.state !== 'stopped') this.state = 'halted';
    this.raiseAlarm(FORWARD_ALARMS.halted, message);
    this.wakeIdleWaiters();
  }

  private raiseAlarm(code: string, message: string): void {
    if (this.alarms.get(code) === message) return; // already raised with these words
    this.alarms.set(code, message);
    this.opts.bus?.emit({ type: 'alarm', code, message, at: this.clock() });
  }

  private clearAlarm(code: string): void {
    if (this.alarms.delete(code)) this.opts.bus?.emit({ type: 'alarm.cleared', code, at: this.clock() });
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.nextAttemptAt = null;
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((w) => w());
  }
}
