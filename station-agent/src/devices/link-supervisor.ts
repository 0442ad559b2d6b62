/**
 * Keeps one ByteLink open: opens it, and when it fails or drops, retries with
 * exponential backoff until stopped. The adapter above it only hears
 * "up", "data" and "down"; nothing here throws past `start()`.
 */
import { Backoff, type BackoffOptions } from './backoff.js';
import type { ByteLink, OpenLink } from './byte-link.js';
import { asDisconnected, type DeviceDisconnectedError } from './errors.js';
import type { Timers } from './timers.js';

export interface LinkEvents {
  up(link: ByteLink): void;
  data(chunk: Uint8Array): void;
  /** Every failed open and every drop; `attempt` counts failures since the last healthy link. */
  down(err: DeviceDisconnectedError, retryInMs: number, attempt: number): void;
}

export interface LinkSupervisorOptions {
  device: string;
  open: OpenLink;
  timers: Timers;
  backoff?: BackoffOptions;
  events: LinkEvents;
  /** A LinkEvents handler threw; the supervisor carries on. */
  onHandlerError?: (err: unknown) => void;
}

export class LinkSupervisor {
  private link: ByteLink | null = null;
  private abort: AbortController | null = null;
  private retryTimer: unknown = null;
  private running = false;
  private readonly backoff: Backoff;

  constructor(private readonly o: LinkSupervisorOptions) {
    this.backoff = new Backoff(o.backoff);
  }

  get current(): ByteLink | null {
    return this.link;
  }

  get failures(): number {
    return this.backoff.attempts;
  }

  /** Resolves after the first attempt, whether it opened the link or scheduled a retry. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    await this.attempt();
  }

  /** The link delivered good data: the next drop starts the backoff from the beginning. */
  markHealthy(): void {
    this.backoff.reset();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort?.abort();
    this.abort = null;
    if (this.retryTimer !== null) this.o.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const link = this.link;
    this.link = null;
    if (link) await link.close().catch(() => undefined);
  }

  private async attempt(): Promise<void> {
    this.retryTimer = null;
    const signal = this.abort?.signal;
    if (!this.running || !signal) return;
    let link: ByteLink;
    try {
      link = await this.o.open(
        {
          onData: (chunk) => {
            if (this.link === link) this.guard(() => this.o.events.data(chunk));
          },
          onClose: (err) => {
            if (this.link !== link) return;
            this.link = null;
            this.scheduleRetry(err);
          },
        },
        signal,
      );
    } catch (err) {
      if (this.running && !signal.aborted) this.scheduleRetry(asDisconnected(this.o.device, err));
      return;
    }
    if (!this.running || signal.aborted) {
      await link.close().catch(() => undefined);
      return;
    }
    this.link = link;
    this.guard(() => this.o.events.up(link));
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.o.onHandlerError?.(err);
    }
  }

  private scheduleRetry(err: DeviceDisconnectedError): void {
    if (!this.running) return;
    const delay = this.backoff.next();
    this.retryTimer = this.o.timers.setTimeout(() => {
      this.attempt().catch((e: unknown) => this.o.onHandlerError?.(e));
    }, delay);
    this.guard(() => this.o.events.down(err, delay, this.backoff.attempts));
  }
}
