/**
 * The trucks waiting at one station, and which lane each may use next. A lane takes
 * one truck at a time, the first waiting truck allowed on it; a truck that may use
 * several lanes goes to whichever comes free first, as it would in a yard.
 */
import type { PassOutcome, PassPlan } from './lane-pass.js';

export interface YardJob {
  plan: PassPlan;
  /** Lanes this pass may use. */
  lanes: readonly string[];
  settle(result: { lane: string; outcome: PassOutcome }): void;
  fail(err: unknown): void;
}

export class Yard {
  private waiting: YardJob[] = [];
  private wakers: (() => void)[] = [];

  get length(): number {
    return this.waiting.length;
  }

  /** Queues one pass; settles once a lane has weighed it. */
  enqueue(job: Omit<YardJob, 'settle' | 'fail'>): Promise<{ lane: string; outcome: PassOutcome }> {
    return new Promise((settle, fail) => {
      this.waiting.push({ ...job, settle, fail });
      this.wake();
    });
  }

  /** The next pass this lane may weigh. */
  take(lane: string): YardJob | null {
    const i = this.waiting.findIndex((j) => j.lanes.includes(lane));
    return i < 0 ? null : this.waiting.splice(i, 1)[0]!;
  }

  /** Resolves when a truck queued, or the signal aborts. */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.wakers.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Every waiting pass fails (the driver stops). */
  drain(err: unknown): void {
    for (const j of this.waiting.splice(0)) j.fail(err);
    this.wake();
  }

  private wake(): void {
    for (const w of this.wakers.splice(0)) w();
  }
}
