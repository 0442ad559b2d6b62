/**
 * A weighing indicator on a byte link (normally a serial port): bytes go into
 * the hardware decoder for the lane's protocol, readings come out as
 * `weight.sample` events, and the link's health as `scale.state` events.
 * A disconnect is reported and followed by reconnects with backoff, never a crash.
 */
import { createDecoder, type DecoderOptionsByProtocol, type IndicatorDecoder, type ProtocolName } from '@haulproof/hardware';
import type { EventBus } from '../event-bus.js';
import type { AgentEvent, Clock } from '../types.js';
import type { BackoffOptions } from './backoff.js';
import type { ByteLink, OpenLink, SerialSettings } from './byte-link.js';
import { ScaleDisconnectedError, errorMessage, type DeviceDisconnectedError } from './errors.js';
import { FrameHealth, type FrameCounts, type FrameHealthOptions } from './frame-health.js';
import type { IndicatorSource, IndicatorStats, ScaleStateName } from './indicator-source.js';
import { LinkSupervisor } from './link-supervisor.js';
import { silentLogger, type DeviceLogger } from './log.js';
import { serialLink } from './serial-link.js';
import { SicsPoller, type SicsMode } from './sics-poller.js';
import { realTimers, type Timers } from './timers.js';
import { toWeightSample } from './weight-sample.js';

export interface IndicatorPortOptions<P extends ProtocolName = ProtocolName> {
  lane: string;
  protocol: P;
  decoder?: DecoderOptionsByProtocol[P];
  /** Opens the byte link; see `serialLink()` and `MemoryDevice`. */
  open: OpenLink;
  /** Name of the link for messages (the port path). */
  device: string;
  bus: EventBus;
  clock?: Clock;
  timers?: Timers;
  backoff?: BackoffOptions;
  health?: FrameHealthOptions;
  /** How often the health rule is evaluated (default 250 ms). */
  healthCheckMs?: number;
  /** MT_SICS only: ask once with SIR (default) or poll with SI. */
  sics?: SicsMode;
  log?: DeviceLogger;
}

export class IndicatorPort implements IndicatorSource {
  readonly lane: string;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly log: DeviceLogger;
  private readonly health: FrameHealth;
  private readonly healthCheckMs: number;
  private decoder: IndicatorDecoder | null = null;
  private supervisor: LinkSupervisor | null = null;
  private poller: SicsPoller | null = null;
  private healthTimer: unknown = null;
  private reported: ScaleStateName | 'stopped' = 'stopped';
  private lastCounts: FrameCounts = { frames: 0, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 };
  private connects = 0;
  private lastNudgeAt = 0;

  constructor(private readonly o: IndicatorPortOptions) {
    this.lane = o.lane;
    this.clock = o.clock ?? Date.now;
    this.timers = o.timers ?? realTimers;
    this.log = o.log ?? silentLogger;
    this.health = new FrameHealth(o.health);
    this.healthCheckMs = o.healthCheckMs ?? 250;
  }

  get state(): ScaleStateName | 'stopped' {
    return this.reported;
  }

  async start(): Promise<void> {
    if (this.supervisor) return;
    // A bad protocol name is a configuration error: let it throw here, before anything runs.
    this.decoder = createDecoder(this.o.protocol, this.o.decoder as never);
    this.lastCounts = { ...this.decoder.stats };
    this.supervisor = new LinkSupervisor({
      device: this.o.device,
      open: this.o.open,
      timers: this.timers,
      backoff: this.o.backoff,
      events: {
        up: (link) => this.onUp(link),
        data: (chunk) => this.onData(chunk),
        down: (err, retryInMs, attempt) => this.onDown(err, retryInMs, attempt),
      },
      onHandlerError: (err) => this.log.error('indicator handler failed', { lane: this.lane, err: errorMessage(err) }),
    });
    if (this.o.protocol === 'MT_SICS') {
      this.poller = new SicsPoller(this.o.sics ?? { mode: 'repeat' }, this.timers, (data) => this.write(data));
    }
    this.healthTimer = this.timers.setInterval(() => this.checkHealth(), this.healthCheckMs);
    await this.supervisor.start();
  }

  async stop(): Promise<void> {
    const sup = this.supervisor;
    if (!sup) return;
    this.supervisor = null;
    if (this.healthTimer !== null) this.timers.clearInterval(this.healthTimer);
    this.healthTimer = null;
    this.poller?.end();
    this.poller = null;
    await sup.stop();
    this.report('disconnected', 'stopped');
    this.reported = 'stopped';
  }

  stats(): IndicatorStats {
    return {
      ...this.health.stats(this.clock()),
      state: this.reported,
      connects: this.connects,
      failures: this.supervisor?.failures ?? 0,
    };
  }

  private onUp(link: ByteLink): void {
    this.connects++;
    this.decoder?.reset(); // bytes from before the drop belong to no frame
    this.health.restart(this.clock());
    this.report('connected', `${link.name} open`);
    this.poller?.begin();
  }

  private onDown(err: DeviceDisconnectedError, retryInMs: number, attempt: number): void {
    this.poller?.end();
    const scaleErr = new ScaleDisconnectedError(this.lane, err.device, err.message, { cause: err });
    this.log.warn('indicator disconnected', { lane: this.lane, err: scaleErr.message, retryInMs, attempt });
    this.report('disconnected', scaleErr.message);
  }

  private onData(chunk: Uint8Array): void {
    const decoder = this.decoder;
    if (!decoder) return;
    const now = this.clock();
    let readings;
    try {
      readings = decoder.push(chunk);
    } catch (err) {
      // A decoder bug must not take the lane down: drop the buffer and carry on.
      this.log.error('indicator decoder failed', { lane: this.lane, err: errorMessage(err) });
      decoder.reset();
      return;
    }
    const counts = decoder.stats;
    const delta = {
      frames: counts.frames - this.lastCounts.frames,
      badChecksum: counts.badChecksum - this.lastCounts.badChecksum,
      badLayout: counts.badLayout - this.lastCounts.badLayout,
      bytesDiscarded: counts.bytesDiscarded - this.lastCounts.bytesDiscarded,
    };
    this.lastCounts = counts;
    this.health.record(now, delta);
    if (delta.frames > 0) this.supervisor?.markHealthy();
    for (const r of readings) this.emit({ type: 'weight.sample', sample: toWeightSample(this.lane, now, r) });
  }

  private checkHealth(): void {
    if (!this.supervisor?.current) return; // disconnected already says it all
    const now = this.clock();
    const v = this.health.verdict(now);
    if (v.ok) {
      if (this.reported === 'fault') this.report('connected', 'frames resumed');
      return;
    }
    if (this.reported !== 'fault') this.report('fault', v.detail);
    if (v.reason === 'silent' && this.poller && now - this.lastNudgeAt >= (this.o.health?.maxSilenceMs ?? 2000)) {
      this.lastNudgeAt = now;
      this.poller.nudge();
    }
  }

  private write(data: Uint8Array): void {
    const link = this.supervisor?.current;
    if (!link) return;
    link.write(data).catch((err: unknown) => this.log.warn('indicator write failed', { lane: this.lane, err: errorMessage(err) }));
  }

  private report(state: ScaleStateName, detail: string): void {
    if (state === this.reported) return;
    this.reported = state;
    this.emit({ type: 'scale.state', lane: this.lane, state, detail, at: this.clock() });
  }

  private emit(e: AgentEvent): void {
    this.o.bus.emit(e);
  }
}

export type SerialIndicatorOptions<P extends ProtocolName = ProtocolName> = Omit<IndicatorPortOptions<P>, 'open' | 'device'> & SerialSettings;

/** The production indicator: a serial port at the lane's line settings. */
export function createSerialIndicator<P extends ProtocolName>(o: SerialIndicatorOptions<P>): IndicatorPort {
  const { path, baudRate, dataBits, parity, stopBits, ...rest } = o;
  return new IndicatorPort({ ...rest, device: path, open: serialLink({ path, baudRate, dataBits, parity, stopBits }) } as IndicatorPortOptions);
}
