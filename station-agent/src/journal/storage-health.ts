// Whether the journal can write. After a failed write (disk full, I/O error,
// read-only) the lanes must refuse new weighings; a periodic probe finds out
// when writing works again.
import type { EventBus } from '../event-bus.js';
import type { Timers } from '../outbox/backoff.js';
import type { Clock } from '../types.js';
import { isStorageFailure, unavailable } from './storage-errors.js';

export const JOURNAL_UNAVAILABLE = 'JOURNAL_UNAVAILABLE';

export class StorageHealth {
  private ok = true;
  private probeTimer: unknown = null;

  constructor(
    private readonly probe: () => void,
    private readonly opts: { bus?: EventBus; clock: Clock; timers: Timers; probeIntervalMs: number },
  ) {}

  healthy(): boolean {
    return this.ok;
  }

  /**
   * Runs a committed write; a storage failure becomes JournalUnavailableError and
   * marks the journal unhealthy. Only a record append or the probe (writes that
   * need fresh pages) prove it healthy again: a small update may still fit in a
   * page's free space on a full disk.
   */
  write<T>(what: string, fn: () => T, provesHealth = false): T {
    let result: T;
    try {
      result = fn();
    } catch (err) {
      if (!isStorageFailure(err)) throw err;
      const e = unavailable(what, err);
      this.failed(e.message);
      throw e;
    }
    if (provesHealth) this.recovered();
    return result;
  }

  stop(): void {
    if (this.probeTimer !== null) this.opts.timers.clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }

  private failed(message: string): void {
    if (this.ok) {
      this.ok = false;
      this.opts.bus?.emit({ type: 'alarm', code: JOURNAL_UNAVAILABLE, message: `${message}. New weighings are refused until the journal can write again.`, at: this.opts.clock() });
    }
    if (this.probeTimer === null) {
      this.probeTimer = this.opts.timers.setTimeout(() => {
        this.probeTimer = null;
        try {
          this.probe(); // a failed probe schedules the next one through failed()
        } catch {
          // reported through failed(); anything else (journal stopped) ends the probing
        }
      }, this.opts.probeIntervalMs);
    }
  }

  private recovered(): void {
    if (this.ok) return;
    this.ok = true;
    this.stop();
    this.opts.bus?.emit({ type: 'alarm.cleared', code: JOURNAL_UNAVAILABLE, at: this.opts.clock() });
  }
}
