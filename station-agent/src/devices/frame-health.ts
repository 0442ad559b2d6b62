/**
 * Frame statistics for one indicator line, and the rule that turns them into a
 * fault. PROTOCOLS.md ("When a weight is stable"): a weight is only good while
 * "frames arrive at the expected rate with valid checksums", and anti-cheat
 * practice says to "watch checksum-error and frame-rate faults".
 */
export interface FrameHealthOptions {
  /** Fault when no good frame for this long (default 2000 ms; an indicator streams at 5–20 Hz). */
  maxSilenceMs?: number;
  /** Sliding window for rates and shares (default 5000 ms). */
  windowMs?: number;
  /** Fault when bad frames are more than this share of all frames in the window (default 0.2). */
  maxBadShare?: number;
  /** …and at least this many bad frames are in the window, so one glitch is not a fault (default 5). */
  minBadFrames?: number;
  /** Fault when fewer good frames per second than this arrive over a full window (default: off). */
  minFramesPerSecond?: number;
}

export interface FrameStats {
  /** Good frames per second over the window. */
  framesPerSecond: number;
  /** Totals since start. */
  frames: number;
  badChecksum: number;
  badLayout: number;
  bytesDiscarded: number;
  /** Bad frames / all frames, over the window. */
  badShare: number;
  lastFrameAt: number | null;
}

export type HealthVerdict = { ok: true } | { ok: false; reason: 'silent' | 'slow' | 'bad-frames'; detail: string };

interface Tick {
  at: number;
  good: number;
  bad: number;
}

export interface FrameCounts {
  frames: number;
  badChecksum: number;
  badLayout: number;
  bytesDiscarded: number;
}

export class FrameHealth {
  private readonly maxSilenceMs: number;
  private readonly windowMs: number;
  private readonly maxBadShare: number;
  private readonly minBadFrames: number;
  private readonly minFps: number | undefined;
  private ticks: Tick[] = [];
  private totals: FrameCounts = { frames: 0, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 };
  private lastFrameAt: number | null = null;
  /** Silence is measured from the later of the last frame and the moment the line came up. */
  private since = 0;

  constructor(o: FrameHealthOptions = {}) {
    this.maxSilenceMs = o.maxSilenceMs ?? 2000;
    this.windowMs = o.windowMs ?? 5000;
    this.maxBadShare = o.maxBadShare ?? 0.2;
    this.minBadFrames = o.minBadFrames ?? 5;
    this.minFps = o.minFramesPerSecond;
  }

  /** The line (re)connected at `now`: forget the window, keep the totals. */
  restart(now: number): void {
    this.ticks = [];
    this.since = now;
  }

  /** Counter increments since the last call, as decoders report them. */
  record(now: number, delta: FrameCounts): void {
    this.totals = {
      frames: this.totals.frames + delta.frames,
      badChecksum: this.totals.badChecksum + delta.badChecksum,
      badLayout: this.totals.badLayout + delta.badLayout,
      bytesDiscarded: this.totals.bytesDiscarded + delta.bytesDiscarded,
    };
    const bad = delta.badChecksum + delta.badLayout;
    if (delta.frames > 0) this.lastFrameAt = now;
    if (delta.frames > 0 || bad > 0) this.ticks.push({ at: now, good: delta.frames, bad });
    this.prune(now);
  }

  verdict(now: number): HealthVerdict {
    this.prune(now);
    const quietSince = Math.max(this.since, this.lastFrameAt ?? -Infinity);
    const silentMs = now - quietSince;
    if (silentMs > this.maxSilenceMs) {
      const what = this.lastFrameAt === null || this.lastFrameAt < this.since ? 'no frame since connecting' : 'no frame';
      return { ok: false, reason: 'silent', detail: `${what} for ${(silentMs / 1000).toFixed(1)} s` };
    }
    const { good, bad } = this.window();
    if (bad >= this.minBadFrames && bad / (good + bad) > this.maxBadShare) {
      return { ok: false, reason: 'bad-frames', detail: `${bad} bad of ${good + bad} frames in ${this.windowMs / 1000} s` };
    }
    // Judged over a full window only, so the first frames after connecting are not "slow".
    if (this.minFps !== undefined && now - this.since >= this.windowMs) {
      const fps = (good * 1000) / this.windowMs;
      if (fps < this.minFps) return { ok: false, reason: 'slow', detail: `${fps.toFixed(1)} frames/s, expected at least ${this.minFps}` };
    }
    return { ok: true };
  }

  stats(now: number): FrameStats {
    this.prune(now);
    const { good, bad } = this.window();
    const span = Math.min(this.windowMs, Math.max(1, now - this.since));
    return {
      framesPerSecond: Math.round((good / span) * 1000 * 10) / 10,
      ...this.totals,
      badShare: good + bad === 0 ? 0 : bad / (good + bad),
      lastFrameAt: this.lastFrameAt,
    };
  }

  private window(): { good: number; bad: number } {
    let good = 0;
    let bad = 0;
    for (const t of this.ticks) {
      good += t.good;
      bad += t.bad;
    }
    return { good, bad };
  }

  private prune(now: number): void {
    const from = now - this.windowMs;
    let i = 0;
    while (i < this.ticks.length && this.ticks[i]!.at <= from) i++;
    if (i > 0) this.ticks.splice(0, i);
  }
}
