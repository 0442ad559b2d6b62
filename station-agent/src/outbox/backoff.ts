/** Timer functions, injected so tests can drive them with fake timers. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.(); // a pending retry never keeps the process alive on its own
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface BackoffPolicy {
  /** First retry delay. */
  baseMs: number;
  /** Ceiling of the delay. */
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the capped delay is fixed and
 * half is random, so a city's stations that lost the server together do not
 * come back in lockstep, and no retry comes immediately.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const capped = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(capped / 2 + random() * (capped / 2));
}
