// Registry edits, brought into the stored days in the background. An edit is noted at
// once (registry-reach.ts says which days it reaches); a burst of edits is settled
// together after a short quiet (debounce). The days are then recomputed a chunk at a
// time, each chunk one run in the worker's queue, so ticket runs queued meanwhile go
// first and the console keeps hearing about new loads within seconds.
// Days are resolved inside the queue, never when the edit arrives: the run in progress
// may have read the registry before the edit, and whatever it stored must be redone.
import type { Logger } from '../lib/logger.js';
import type { RecomputeScopeRepository } from '../repositories/reconciliation/recompute-scope.repository.js';
import type { RegistryChange } from '../services/registry/registry-changes.js';
import { addDays } from './calendar.js';
import type { DayOutcome, ReconciliationEngine } from './engine.js';
import { reachOf, type RegistryReach } from './registry-reach.js';
import type { Day } from './types.js';

export interface RegistryBacklogDeps {
  engine: Pick<ReconciliationEngine, 'recomputeAtMost'>;
  scope: Pick<RecomputeScopeRepository, 'storedDays' | 'permitTicketDays'>;
  /** The worker's one-run-at-a-time queue. */
  enqueue: (run: () => Promise<void>) => Promise<void>;
  announce: (outcomes: DayOutcome[]) => Promise<void>;
  log: Logger;
  now: () => number;
}

export interface RegistryBacklogOptions {
  debounceMs: number;
  chunkDays: number;
  /** After a failed run, try again this much later. */
  retryMs: number;
}

export class RegistryBacklog {
  private reaches: RegistryReach[] = [];
  private readonly owed = new Set<Day>();
  private timer: NodeJS.Timeout | null = null;
  private queued: Promise<void> | null = null;
  private failed = false;
  private stopped = false;

  constructor(
    private readonly deps: RegistryBacklogDeps,
    private readonly opts: RegistryBacklogOptions,
  ) {}

  onChange(change: RegistryChange): void {
    const reach = reachOf(change);
    if (this.stopped || !reach) return;
    this.reaches.push(reach);
    this.wake(this.opts.debounceMs);
  }

  /** Days still owed, and edits not yet resolved to days (tests, logs). */
  get pending(): number {
    return this.owed.size + this.reaches.length;
  }

  /** Settles every noted edit now, chunk after chunk, and resolves when all is stored (tests). */
  async drain(): Promise<void> {
    this.clearTimer();
    this.failed = false;
    while (this.pending > 0 && !this.failed && !this.stopped) await this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private wake(afterMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.schedule();
    }, afterMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** At most one chunk waits in the queue; the next is queued when it has run, behind whatever came meanwhile. */
  private schedule(): Promise<void> {
    this.queued ??= this.deps.enqueue(async () => {
      this.queued = null;
      if (this.stopped) return;
      try {
        await this.step();
      } catch (err) {
        this.failed = true;
        this.wake(this.opts.retryMs);
        throw err; // the queue logs it
      }
      if (this.pending > 0 && !this.stopped) void this.schedule();
    });
    return this.queued;
  }

  private async step(): Promise<void> {
    await this.resolve();
    const chunk = [...this.owed].sort().slice(0, this.opts.chunkDays);
    if (chunk.length === 0) return;
    const { done, left } = await this.deps.engine.recomputeAtMost(chunk, this.deps.now(), this.opts.chunkDays);
    for (const o of done) this.owed.delete(o.day);
    for (const d of left) this.owed.add(d);
    this.deps.log.debug({ module: 'reconciliation', days: done.map((o) => o.day), owed: this.owed.size }, 'registry change: days recomputed');
    await this.deps.announce(done);
  }

  /** Turns the noted edits into stored days owed a recomputation. */
  private async resolve(): Promise<void> {
    if (this.reaches.length === 0) return;
    const reaches = this.reaches;
    this.reaches = [];
    try {
      const stored = await this.deps.scope.storedDays();
      const isStored = new Set(stored);
      const spans = reaches.flatMap((r) => (r.kind === 'days' ? [r.covers] : []));
      for (const d of stored) if (spans.some((covers) => covers(d))) this.owed.add(d);
      for (const r of reaches) {
        if (r.kind !== 'permit-tickets') continue;
        for (const d of await this.deps.scope.permitTicketDays(r.permitId)) for (const x of [d, addDays(d, 1)]) if (isStored.has(x)) this.owed.add(x);
      }
    } catch (err) {
      this.reaches.unshift(...reaches); // not lost: tried again with the next run
      throw err;
    }
  }
}
