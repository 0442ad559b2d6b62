/**
 * The agent's own judgement of a stable weight (PROTOCOLS.md, "When a weight is stable"):
 *  (a) the indicator shows no motion flag (where the format has one);
 *  (b) every reading over the last T seconds lies within ±1 e of the value, with at least N readings;
 *  (c) the value lies between Min and Max + 9 e;
 *  (d) frames arrive at the expected rate (no gap longer than maxGapMs).
 * Pure: readings carry their own time and the clock only ages the last one.
 */
import { maxDisplayableKg } from '@haulproof/contracts';
import type { Clock, WeightSample } from '../types.js';
import { findJump, median, type Reading, type WeightJump } from './jump.js';

export type { WeightJump } from './jump.js';

export interface ScaleSpec {
  maxKg: number; // Max
  divisionKg: number; // e
  minLoadKg: number; // Min (class III truck scales: 20 e)
}

export interface StabilityOptions extends ScaleSpec {
  windowMs?: number; // T, default 2000 (common practice: 2–3 s)
  expectedHz?: number; // the indicator's frame rate, default 10
  minSamples?: number; // N, default max(10, 80 % of the frames expected in T)
  maxGapMs?: number; // default max(250 ms, 3 frame periods)
  toleranceE?: number; // default 1: OIML R76 allows the stored weight to differ by at most 1 e
  jumpE?: number; // k, default 5
  zeroBandE?: number; // n; default: any reading below Min counts as "returned to zero"
}

export type UnstableReason = 'NO_DATA' | 'STALE' | 'NO_WEIGHT' | 'MOTION' | 'SHORT_WINDOW' | 'FEW_SAMPLES' | 'GAP' | 'BELOW_MIN' | 'ABOVE_MAX' | 'SPREAD';

export type StabilityVerdict =
  | { stable: true; kg: number; at: number; samples: number; spreadKg: number }
  | { stable: false; reason: UnstableReason; lastKg: number | null };

interface Held extends Reading {
  motion: boolean | null;
}

export class StabilityDetector {
  readonly windowMs: number;
  readonly minSamples: number;
  readonly maxGapMs: number;
  private readonly toleranceKg: number;
  private readonly jumpKg: number;
  private readonly zeroBandKg: number;
  private readonly maxShownKg: number;
  private held: Held[] = []; // the window, plus one older reading (the anchor) proving it spans T
  private last: { at: number; kg: number | null } | null = null;
  private lastUsableKg: number | null = null; // survives clearWindow: what the deck last held
  private lastJumpAt = -Infinity;
  private zeroSeen = true; // nothing captured yet, so nothing to return from

  constructor(
    private readonly opts: StabilityOptions,
    private readonly clock: Clock,
  ) {
    this.windowMs = opts.windowMs ?? 2000;
    const hz = opts.expectedHz ?? 10;
    this.minSamples = opts.minSamples ?? Math.max(10, Math.floor((0.8 * this.windowMs * hz) / 1000));
    this.maxGapMs = opts.maxGapMs ?? Math.max(250, Math.round(3000 / hz));
    this.toleranceKg = (opts.toleranceE ?? 1) * opts.divisionKg;
    this.jumpKg = (opts.jumpE ?? 5) * opts.divisionKg;
    this.zeroBandKg = opts.zeroBandE !== undefined ? opts.zeroBandE * opts.divisionKg : opts.minLoadKg - 1;
    this.maxShownKg = maxDisplayableKg(opts.maxKg, opts.divisionKg); // OIML R76: Max + 9 e
  }

  /** Feeds one reading; returns the verdict as of that reading and a jump first seen now. */
  push(s: WeightSample): { verdict: StabilityVerdict; jump: WeightJump | null } {
    const kg = s.kg === null || s.overload || s.underload ? null : s.negative ? -Math.abs(s.kg) : s.kg;
    this.last = { at: s.at, kg };
    if (kg === null) {
      this.held = []; // an unusable frame breaks the run
      return { verdict: this.verdict(s.at), jump: null };
    }
    this.lastUsableKg = kg;
    if (Math.abs(kg) <= this.zeroBandKg) this.zeroSeen = true;
    this.held.push({ at: s.at, kg, motion: s.motion });
    while (this.held.length > 1 && this.held[1]!.at <= s.at - this.windowMs) this.held.shift();
    return { verdict: this.verdict(s.at), jump: this.detectJump() };
  }

  verdict(now: number = this.clock()): StabilityVerdict {
    const last = this.last;
    if (!last) return { stable: false, reason: 'NO_DATA', lastKg: null };
    const no = (reason: UnstableReason): StabilityVerdict => ({ stable: false, reason, lastKg: last.kg });
    if (now - last.at > this.maxGapMs) return no('STALE');
    if (last.kg === null) return no('NO_WEIGHT');
    const held = this.held;
    if (held.some((r) => r.motion === true)) return no('MOTION'); // (a); null means no flag
    if (held[0]!.at > last.at - this.windowMs) return no('SHORT_WINDOW'); // (b) must span T
    if (held.length < this.minSamples) return no('FEW_SAMPLES'); // (b) N readings
    for (let i = 1; i < held.length; i++) if (held[i]!.at - held[i - 1]!.at > this.maxGapMs) return no('GAP'); // (d)
    const kgs = held.map((r) => r.kg);
    // OIML R76: the stored weight may differ from the final value by at most 1 e, so report the median on the e grid
    const kg = Math.round(median(kgs) / this.opts.divisionKg) * this.opts.divisionKg;
    if (kg < this.opts.minLoadKg) return no('BELOW_MIN'); // (c)
    if (kg > this.maxShownKg) return no('ABOVE_MAX'); // (c) the indicator must blank above Max + 9 e
    if (kgs.some((v) => Math.abs(v - kg) > this.toleranceKg)) return no('SPREAD'); // (b) ±1 e
    return { stable: true, kg, at: last.at, samples: held.length, spreadKg: Math.max(...kgs) - Math.min(...kgs) };
  }

  /** The last usable reading, or null (none yet, or the last frame carried no weight). */
  lastKg(): number | null {
    return this.last?.kg ?? null;
  }

  /** The last usable reading ever seen, even across a fault; null if none. */
  lastKnownKg(): number | null {
    return this.lastUsableKg;
  }

  lastSampleAt(): number | null {
    return this.last?.at ?? null;
  }

  /** Below minimum load: no vehicle on the deck. */
  deckEmpty(): boolean {
    const kg = this.lastKg();
    return kg !== null && kg < this.opts.minLoadKg;
  }

  /** PROTOCOLS.md: the scale must return to zero (±n e) between vehicles. Call on every capture. */
  markCaptured(): void {
    this.zeroSeen = false;
  }

  returnedToZero(): boolean {
    return this.zeroSeen;
  }

  /** Forget the window (after a fault): stability must be proven again from fresh frames. */
  clearWindow(): void {
    this.held = [];
    this.last = null;
  }

  private detectJump(): WeightJump | null {
    const held = this.held;
    if (held.length < this.minSamples || held[0]!.at > held[held.length - 1]!.at - this.windowMs) return null;
    const jump = findJump(held, {
      stepKg: this.jumpKg,
      flatKg: this.toleranceKg,
      plateauSamples: Math.max(3, Math.ceil(this.minSamples / 4)),
      minKg: this.opts.minLoadKg,
      maxKg: this.maxShownKg,
    });
    if (!jump || jump.at <= this.lastJumpAt) return null;
    this.lastJumpAt = jump.at;
    return jump;
  }
}
