/**
 * Weight curves a weighbridge indicator shows as trucks drive on and off.
 * Pure and seeded: the same steps and seed give the same samples.
 *
 * One step (to a target weight, then hold) runs through phases:
 *  - ramp: the axles roll on one group at a time (steer axle, then the rear
 *    group), with road vibration of ±1 e;
 *  - oscillate: the deck overshoots and rings down (damped sine);
 *  - settle: noise within ±1 e, motion flag off;
 *  - steady: exactly the target, for `holdS`.
 * With no step queued the curve idles: an empty deck flickers by ±1 e now and
 * then, a loaded one stays steady.
 * Displayed values are whole multiples of the division e (OIML R76: the
 * indicator shows scale intervals, nothing finer).
 */
import { mulberry32 } from './prng.js';

export interface CurveStep {
  kg: number;
  /** Seconds at the steady target before the next step (default 5). */
  holdS?: number;
}

export type CurvePhase = 'ramp' | 'oscillate' | 'settle' | 'steady' | 'idle';

export interface CurvePoint {
  /** Milliseconds since the curve started. */
  tMs: number;
  kg: number;
  /** What an indicator's motion detector would say. */
  motion: boolean;
  phase: CurvePhase;
}

export interface TruckCurveOptions {
  seed?: number;
  /** Samples per second (default 10). */
  rateHz?: number;
  /** Scale interval e in kg (default 20: a 60 t × 20 kg truck scale). */
  divisionKg?: number;
  startKg?: number;
  /** Seconds to drive on or off (default: 2 s plus 1 s per 10 t of change, at most 8 s). */
  rampS?: number;
  /** Overshoot as a share of the change when loading (default 0.03). */
  overshoot?: number;
  /** The same when unloading: a deck that loses its load rings less (default 0.01). */
  departureOvershoot?: number;
  /** Seconds of ringing after the ramp (default 2). */
  oscillationS?: number;
  /** Period of the ringing (default 0.7 s). */
  oscillationPeriodS?: number;
  /** Seconds of ±1 e noise before the display is steady (default 1.5). */
  settleS?: number;
  /** Chance per idle sample that an empty deck shows ±1 e (default 0.03). */
  emptyFlicker?: number;
}

interface Segment {
  phase: Exclude<CurvePhase, 'idle'>;
  samples: number;
  value: (i: number) => number;
  motion: boolean;
}

const DEFAULT_HOLD_S = 5;

export class TruckCurve {
  private readonly rand: () => number;
  private readonly rateHz: number;
  private readonly e: number;
  private readonly o: TruckCurveOptions;
  private readonly queue: CurveStep[] = [];
  private segments: Segment[] = [];
  private index = 0;
  private cursor = 0;
  private sample = 0;
  private target: number;
  private shown: number;

  constructor(o: TruckCurveOptions = {}) {
    this.o = o;
    this.rand = mulberry32(o.seed ?? 1);
    this.rateHz = o.rateHz ?? 10;
    this.e = o.divisionKg ?? 20;
    if (!(this.rateHz > 0 && this.e > 0)) throw new RangeError('rateHz and divisionKg must be positive');
    this.target = this.quantise(o.startKg ?? 0);
    this.shown = this.target;
  }

  /** The weight the deck is heading for (the last step's target once all are done). */
  get targetKg(): number {
    return this.target;
  }

  /** True when no step is running or queued. */
  get idle(): boolean {
    return this.segments.length === 0 && this.queue.length === 0;
  }

  /** Queues steps after the ones already queued. */
  enqueue(...steps: CurveStep[]): void {
    for (const s of steps) {
      if (!Number.isFinite(s.kg) || (s.holdS !== undefined && !(s.holdS >= 0))) throw new RangeError(`bad step ${JSON.stringify(s)}`);
    }
    this.queue.push(...steps);
  }

  /** Drops whatever is queued or running and heads for `kg` from the weight shown now. */
  goTo(kg: number, holdS?: number): void {
    this.queue.length = 0;
    this.segments = [];
    this.enqueue({ kg, holdS });
    this.target = this.quantise(kg);
  }

  next(): CurvePoint {
    const tMs = Math.round((this.sample * 1000) / this.rateHz);
    this.sample++;
    if (this.segments.length === 0 && this.queue.length > 0) this.begin(this.queue.shift()!);
    const seg = this.segments[this.index];
    if (!seg) return { tMs, kg: (this.shown = this.idleValue()), motion: false, phase: 'idle' };
    const kg = this.quantise(seg.value(this.cursor));
    this.shown = kg;
    const point: CurvePoint = { tMs, kg, motion: seg.motion, phase: seg.phase };
    if (++this.cursor >= seg.samples) {
      this.cursor = 0;
      if (++this.index >= this.segments.length) {
        this.segments = [];
        this.index = 0;
      }
    }
    return point;
  }

  private begin(step: CurveStep): void {
    const from = this.shown;
    const to = this.quantise(step.kg);
    const delta = to - from;
    const hz = this.rateHz;
    const n = (s: number): number => Math.max(1, Math.round(s * hz));
    const rampS = this.o.rampS ?? Math.min(8, 2 + Math.abs(delta) / 10_000);
    const oscS = this.o.oscillationS ?? 2;
    const period = this.o.oscillationPeriodS ?? 0.7;
    const amp = (delta >= 0 ? (this.o.overshoot ?? 0.03) : (this.o.departureOvershoot ?? 0.01)) * delta;
    const rampN = n(rampS);
    const oscN = n(oscS);
    const jiggle = (): number => this.e * (Math.floor(this.rand() * 3) - 1);
    this.target = to;
    this.segments = [
      { phase: 'ramp', samples: rampN, motion: true, value: (i) => from + delta * axleShape((i + 1) / rampN) + jiggle() },
      {
        phase: 'oscillate',
        samples: oscN,
        motion: true,
        // Starts at the target and swings past it: no jump from the end of the ramp.
        value: (i) => {
          const t = (i + 1) / hz;
          return to + amp * Math.exp((-3 * t) / oscS) * Math.sin((2 * Math.PI * t) / period);
        },
      },
      { phase: 'settle', samples: n(this.o.settleS ?? 1.5), motion: false, value: () => to + jiggle() },
      { phase: 'steady', samples: Math.max(1, Math.round((step.holdS ?? DEFAULT_HOLD_S) * hz)), motion: false, value: () => to },
    ];
    this.index = 0;
    this.cursor = 0;
  }

  private idleValue(): number {
    if (Math.abs(this.target) >= this.e) return this.target;
    const r = this.rand();
    const p = this.o.emptyFlicker ?? 0.03;
    if (r < p / 2) return this.target - this.e;
    if (r < p) return this.target + this.e;
    return this.target;
  }

  private quantise(kg: number): number {
    const q = Math.round(kg / this.e) * this.e;
    return q === 0 ? 0 : q; // no -0
  }
}

/**
 * Share of the change reached at progress x ∈ (0, 1]: the steer axle (about a
 * third of the load) rolls on in the first 40 % of the time, the rear group in
 * the last 50 %; each is a smoothstep.
 */
export function axleShape(x: number): number {
  const smooth = (u: number): number => {
    const c = Math.min(1, Math.max(0, u));
    return c * c * (3 - 2 * c);
  };
  if (x <= 0.4) return 0.35 * smooth(x / 0.4);
  if (x <= 0.5) return 0.35;
  return 0.35 + 0.65 * smooth((x - 0.5) / 0.5);
}

/** Every sample of `steps` played from `startKg`, up to the end of the last hold. */
export function truckCurve(steps: readonly CurveStep[], o: TruckCurveOptions = {}): CurvePoint[] {
  const c = new TruckCurve(o);
  c.enqueue(...steps);
  const out: CurvePoint[] = [];
  do out.push(c.next());
  while (!c.idle);
  return out;
}
