// The registry as the lanes see it: served from the last snapshot, which is
// persisted in the journal database so the station weighs offline and after a
// restart. Refreshed on an interval with If-None-Match (304 keeps the cache).
import type { StreamCode } from '@haulproof/contracts';
import type { EventBus } from '../event-bus.js';
import { backoffDelay, realTimers, type BackoffPolicy, type Timers } from '../outbox/backoff.js';
import type { Clock, RegistrySnapshot, RegistryView } from '../types.js';
import { RegistryLookup } from './lookup.js';
import type { RegistrySource } from './registry-client.js';

export interface CachedRegistry {
  snapshot: RegistrySnapshot;
  etag: string | null;
  fetchedAt: number; // ms
}

/** Durable home of the cached snapshot (SqliteJournal implements it). */
export interface RegistryStore {
  loadRegistry(): CachedRegistry | null;
  saveRegistry(c: CachedRegistry): void;
}

export const REGISTRY_ALARMS = {
  missing: 'REGISTRY_MISSING', // no snapshot at all: lanes cannot identify anyone
  stale: 'REGISTRY_STALE', // the snapshot has not been confirmed for staleAfterMs
} as const;

export interface RegistryCacheOptions {
  store: RegistryStore;
  source: RegistrySource;
  bus?: EventBus;
  clock?: Clock;
  timers?: Timers;
  random?: () => number;
  /** Refresh interval while the server answers. */
  refreshMs?: number;
  /** Retry after a failed refresh (exponential, with jitter). */
  retry?: BackoffPolicy;
  /** Raise REGISTRY_STALE when the snapshot has not been confirmed for this long. */
  staleAfterMs?: number;
}

export interface RegistryStatus {
  fetchedAt: number | null;
  confirmedAt: number | null;
  etag: string | null;
  lastError: string | null;
}

export class RegistryCache implements RegistryView {
  private lookup: RegistryLookup | null = null;
  private cached: CachedRegistry | null = null;
  private confirmedAt: number | null = null;
  private lastError: string | null = null;
  private failures = 0;
  private timer: unknown = null;
  private running = false;
  private inFlight: Promise<unknown> | null = null;
  private readonly alarms = new Set<string>();
  private readonly clock: Clock;
  private readonly timers: Timers;

  constructor(private readonly opts: RegistryCacheOptions) {
    this.clock = opts.clock ?? Date.now;
    this.timers = opts.timers ?? realTimers;
  }

  /** Serves the persisted snapshot at once, then refreshes from the server now and on the interval. */
  start(): void {
    this.running = true;
    const stored = this.opts.store.loadRegistry();
    if (stored) this.use(stored);
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  /** One refresh. Never throws: a failure keeps the cached snapshot and is reported in status(). */
  async refresh(): Promise<'updated' | 'not-modified' | 'failed'> {
    const run = this.fetchOnce();
    this.inFlight = run;
    try {
      return await run;
    } finally {
      this.inFlight = null;
    }
  }

  status(): RegistryStatus {
    return { fetchedAt: this.cached?.fetchedAt ?? null, confirmedAt: this.confirmedAt, etag: this.cached?.etag ?? null, lastError: this.lastError };
  }

  // ── RegistryView ─────────────────────────────────────────────────
  snapshot(): RegistrySnapshot | null {
    return this.cached?.snapshot ?? null;
  }

  vehicleByCard(uid: string) {
    return this.lookup?.vehicleByCard(uid);
  }

  vehicleByPlate(plate: string) {
    return this.lookup?.vehicleByPlate(plate);
  }

  permitsFor(plate: string, at: number): RegistrySnapshot['permits'] {
    return this.lookup?.permitsFor(plate, at) ?? [];
  }

  routeFor(plate: string, stream: StreamCode) {
    return this.lookup?.routeFor(plate, stream, this.clock());
  }

  // ── internals ────────────────────────────────────────────────────
  private async fetchOnce(): Promise<'updated' | 'not-modified' | 'failed'> {
    try {
      const res = await this.opts.source.fetch(this.cached?.etag ?? null);
      const now = this.clock();
      this.lastError = null;
      this.failures = 0;
      this.confirmedAt = now;
      if (res.kind === 'updated') {
        const next = { snapshot: res.snapshot, etag: res.etag, fetchedAt: now };
        this.use(next);
        try {
          this.opts.store.saveRegistry(next);
        } catch (err) {
          // still served from memory; the journal raises its own alarm when it cannot write
          this.lastError = `the new registry could not be cached: ${(err as Error).message}`;
        }
      }
      this.checkAlarms();
      return res.kind;
    } catch (err) {
      this.failures++;
      this.lastError = (err as Error).message;
      this.checkAlarms();
      return 'failed';
    }
  }

  private use(c: CachedRegistry): void {
    this.cached = c;
    this.confirmedAt ??= c.fetchedAt;
    this.lookup = new RegistryLookup(c.snapshot);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.refresh().then((r) => {
        const retry = this.opts.retry ?? { baseMs: 5_000, maxMs: 5 * 60_000 };
        this.schedule(r === 'failed' ? backoffDelay(retry, this.failures - 1, this.opts.random ?? Math.random) : (this.opts.refreshMs ?? 5 * 60_000));
      });
    }, ms);
  }

  private checkAlarms(): void {
    const now = this.clock();
    const stale = this.cached !== null && now - (this.confirmedAt ?? this.cached.fetchedAt) > (this.opts.staleAfterMs ?? 24 * 3_600_000);
    this.alarm(REGISTRY_ALARMS.missing, this.cached === null, `no registry snapshot is cached and the server cannot be reached (${this.lastError ?? 'no answer yet'}); cards and plates cannot be checked`);
    this.alarm(REGISTRY_ALARMS.stale, stale, `the registry snapshot was last confirmed at ${new Date(this.confirmedAt ?? 0).toISOString()}; lanes use it until the server answers (${this.lastError ?? ''})`);
  }

  private alarm(code: string, on: boolean, message: string): void {
    const at = this.clock();
    if (on && !this.alarms.has(code)) {
      this.alarms.add(code);
      this.opts.bus?.emit({ type: 'alarm', code, message, at });
    } else if (!on && this.alarms.delete(code)) {
      this.opts.bus?.emit({ type: 'alarm.cleared', code, at });
    }
  }
}
