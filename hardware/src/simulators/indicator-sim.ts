/**
 * A weighing indicator that streams frames of any supported protocol to a
 * serial port at a steady rate, showing seeded truck weight curves
 * (truck-curve.ts). Scriptable (`play`) and steerable (`arrive`, `depart`).
 * MT-SICS answers `SI` and starts streaming on `SIR`, as the real protocol does.
 *
 * CLI: npx tsx hardware/src/simulators/indicator-sim.ts --port /tmp/x/a --protocol XK3190_TF0
 *      (see indicator-sim-cli.ts for the options)
 */
import { pathToFileURL } from 'node:url';
import { encodeFrame, type EncodeOptions, type FrameInput, type ProtocolName } from '../indicators/index.js';
import { SerialSimPort, type SerialSimPortOptions, type SimPort } from './sim-port.js';
import { TruckCurve, type CurvePoint, type CurveStep, type TruckCurveOptions } from './truck-curve.js';

export interface IndicatorSimOptions {
  protocol: ProtocolName;
  /** Where to write: a serial port / pty path (with line settings), or any SimPort. */
  port: SerialSimPortOptions | SimPort;
  /** Frames per second (default 10; indicators stream at 5–20 Hz). */
  rateHz?: number;
  curve?: Omit<TruckCurveOptions, 'rateHz'>;
  /** Played from the start; with `loop`, again whenever it ends. */
  script?: CurveStep[];
  loop?: boolean;
  /** How the indicator displays weight (default kg, 0 decimals; t defaults to 2 decimals). */
  unit?: 'kg' | 't' | 'lb';
  decimals?: number;
  /** Above this the display shows overload, where the format can say so. */
  maxKg?: number;
  encode?: EncodeOptions;
  onFrame?: (frame: Uint8Array, point: CurvePoint) => void;
  onError?: (err: Error) => void;
}

const KG_PER = { kg: 1, t: 1000, lb: 0.45359237 } as const;

export class IndicatorSimulator {
  private readonly port: SimPort;
  private readonly curve: TruckCurve;
  private readonly rateHz: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private paused = false;
  private sicsRepeat = false;
  private sicsLine = '';
  private last: CurvePoint | null = null;
  framesWritten = 0;
  framesDropped = 0;

  constructor(private readonly o: IndicatorSimOptions) {
    this.port = 'path' in o.port ? new SerialSimPort({ onError: o.onError, ...o.port }) : o.port;
    this.rateHz = o.rateHz ?? 10;
    this.curve = new TruckCurve({ ...o.curve, rateHz: this.rateHz });
  }

  /** The last weight written, in kg. */
  get currentKg(): number {
    return this.last?.kg ?? 0;
  }

  get lastPoint(): CurvePoint | null {
    return this.last;
  }

  async start(): Promise<void> {
    if (this.timer) return;
    if (this.o.script) this.curve.enqueue(...this.o.script);
    await this.port.open((chunk) => this.onHostData(chunk));
    this.timer = setInterval(() => this.tick(), 1000 / this.rateHz);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.port.close();
  }

  /** A truck of `kg` drives on now and stays until `depart()`. */
  arrive(kg: number): void {
    this.curve.goTo(kg, 0);
  }

  /** The truck on the deck drives off now. */
  depart(): void {
    this.curve.goTo(0, 0);
  }

  /** Queues steps after the current ones, e.g. `[{ kg: 26_000, holdS: 6 }, { kg: 0, holdS: 3 }]`. */
  play(steps: CurveStep[]): void {
    this.curve.enqueue(...steps);
  }

  /** Frames stop (the indicator hangs) until `resume()`; the curve stands still too. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** True when no scripted or commanded movement is pending. */
  get idle(): boolean {
    return this.curve.idle;
  }

  /**
   * Resolves once the deck is steady at its target (every step played). A
   * departure takes the drive-off ramp (2 s + 1 s per 10 t), the ringing and
   * the settle time before the display is steady at zero: wait for this
   * rather than for a fixed time.
   */
  async settled(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.curve.idle || this.last?.phase !== 'idle') {
      if (Date.now() > deadline) throw new Error(`indicator simulator not settled within ${timeoutMs} ms (at ${this.currentKg} kg)`);
      await new Promise((r) => setTimeout(r, 1000 / this.rateHz));
    }
  }

  /** Raw bytes on the line (noise, a foreign device); resolves once they are written. */
  async writeRaw(bytes: Uint8Array): Promise<void> {
    this.port.write(bytes);
    await this.port.drain();
  }

  /** The frame the indicator sends for a weight shown in kg. */
  frameFor(point: Pick<CurvePoint, 'kg' | 'motion'>): Uint8Array {
    const unit = this.o.unit ?? 'kg';
    const decimals = this.o.decimals ?? (unit === 't' ? 2 : 0);
    const value = Math.round((point.kg / KG_PER[unit]) * 10 ** decimals) / 10 ** decimals;
    const input: FrameInput = { value, decimals, unit, stable: !point.motion };
    if (this.o.maxKg !== undefined && point.kg > this.o.maxKg) {
      try {
        return encodeFrame(this.o.protocol, { ...input, overload: true }, this.o.encode);
      } catch {
        // The format has no overload flag (XK3190 tf=0): it shows the number.
      }
    }
    return encodeFrame(this.o.protocol, input, this.o.encode);
  }

  private tick(): void {
    if (this.paused) return;
    if (this.o.loop && this.o.script && this.curve.idle) this.curve.enqueue(...this.o.script);
    const point = this.curve.next();
    this.last = point;
    if (this.o.protocol === 'MT_SICS' && !this.sicsRepeat) return; // speaks only when asked
    this.send(point);
  }

  private send(point: CurvePoint): void {
    let frame: Uint8Array;
    try {
      frame = this.frameFor(point);
    } catch (err) {
      this.o.onError?.(err as Error);
      return;
    }
    if (this.port.write(frame)) this.framesWritten++;
    else this.framesDropped++;
    this.o.onFrame?.(frame, point);
  }

  private onHostData(chunk: Uint8Array): void {
    if (this.o.protocol !== 'MT_SICS') return;
    this.sicsLine += Buffer.from(chunk).toString('latin1');
    let nl: number;
    while ((nl = this.sicsLine.indexOf('\n')) >= 0) {
      const cmd = this.sicsLine.slice(0, nl).trim();
      this.sicsLine = this.sicsLine.slice(nl + 1);
      if (cmd === 'SIR') this.sicsRepeat = true;
      else if (cmd === 'SI') this.send(this.last ?? { tMs: 0, kg: 0, motion: false, phase: 'idle' });
      else if (cmd === '@') this.sicsRepeat = false; // MT-SICS reset cancels SIR
      else if (cmd !== '') this.port.write(Buffer.from('ES\r\n', 'latin1')); // syntax error
    }
    if (this.sicsLine.length > 64) this.sicsLine = '';
  }
}

// Run as a script: hand over to the CLI once this module has finished loading
// (the CLI imports it back, so a top-level await here would wait on itself).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  import('./indicator-sim-cli.js')
    .then(({ main }) => main(process.argv.slice(2)))
    .catch((err: unknown) => {
      console.error(`indicator-sim: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    });
}
