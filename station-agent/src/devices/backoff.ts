/** Exponential reconnect backoff: initial, ×factor per failed attempt, capped. */
export interface BackoffOptions {
  /** First retry delay (default 250 ms). */
  initialMs?: number;
  /** Longest delay (default 5 s: an indicator plugged back in is seen within that). */
  maxMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Spread each delay by up to ±this share, so many lanes do not retry in step (default 0). */
  jitter?: number;
  /** Source of randomness for the jitter (default Math.random). */
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(o: BackoffOptions = {}) {
    this.initialMs = o.initialMs ?? 250;
    this.maxMs = o.maxMs ?? 5000;
    this.factor = o.factor ?? 2;
    this.jitter = o.jitter ?? 0;
    this.random = o.random ?? Math.random;
    if (!(this.initialMs > 0 && this.maxMs >= this.initialMs && this.factor >= 1 && this.jitter >= 0 && this.jitter < 1)) {
      throw new RangeError(`invalid backoff ${JSON.stringify(o)}`);
    }
  }

  /** Failed attempts since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt++;
    if (this.jitter === 0) return base;
    return Math.round(base * (1 + this.jitter * (2 * this.random() - 1)));
  }

  reset(): void {
    this.attempt = 0;
  }
}
