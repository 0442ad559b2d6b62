import { failpoint, type Failpoint } from './failpoints.js';
import type { SqliteJournal } from './journal/journal.js';

/**
 * The journal as lanes and the forwarder see it, with the crash points of the
 * fault tests after its durable writes. Without a failpoint it is the journal itself.
 */
export function withFailpoints(journal: SqliteJournal, fp: Failpoint | null): SqliteJournal {
  if (fp === null) return journal;
  const after: Partial<Record<string, Failpoint>> = { saveOpenTicket: 'first-pass-open', markAcked: 'after-local-ack' };
  return new Proxy(journal, {
    get(target, prop, _receiver) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...a: unknown[]) => unknown).bind(target);
      const point = after[String(prop)];
      return point ? (...args: unknown[]) => { const r = bound(...args); failpoint(fp, point); return r; } : bound;
    },
  });
}
