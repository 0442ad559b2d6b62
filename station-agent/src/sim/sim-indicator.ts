/**
 * A lane's weighing indicator for in-process demos and tests: the hardware
 * IndicatorSimulator writes the lane's protocol frames onto an in-memory line and
 * the production IndicatorPort reads them, so every sample the lane sees went
 * through bytes → framing → decoder, as with a serial port. The driver steers the
 * deck: a truck of `kg` arrives, settles, and leaves.
 */
import type { ProtocolName } from '@haulproof/hardware';
import { IndicatorSimulator } from '@haulproof/hardware/simulators/indicator-sim';
import type { TruckCurveOptions } from '@haulproof/hardware/simulators/truck-curve';
import type { StartStop } from '../device-factory.js';
import { IndicatorPort } from '../devices/indicator-port.js';
import type { DeviceLogger } from '../devices/log.js';
import type { EventBus } from '../event-bus.js';
import { MemoryLine } from './memory-line.js';

export type SimCurve = Omit<TruckCurveOptions, 'rateHz' | 'startKg'>;

export interface SimulatedIndicatorOptions {
  lane: string;
  protocol: ProtocolName;
  /** The name the agent reports for the line (the configured port path). */
  path: string;
  bus: EventBus;
  /** Frames per second (default 10). */
  rateHz?: number;
  /** How trucks drive on and off (seed, e, ramp and settling times). */
  curve?: SimCurve;
  /** Above this the indicator shows overload where its protocol can. */
  maxKg?: number;
  splitShare?: number;
  rand?: () => number;
  log?: DeviceLogger;
}

export class SimulatedIndicator implements StartStop {
  readonly lane: string;
  readonly line: MemoryLine;
  readonly simulator: IndicatorSimulator;
  readonly port: IndicatorPort;

  constructor(o: SimulatedIndicatorOptions) {
    this.lane = o.lane;
    this.line = new MemoryLine({ name: o.path, ...(o.splitShare !== undefined ? { splitShare: o.splitShare } : {}), ...(o.rand ? { rand: o.rand } : {}) });
    this.simulator = new IndicatorSimulator({
      protocol: o.protocol,
      port: this.line.device,
      rateHz: o.rateHz ?? 10,
      ...(o.curve ? { curve: o.curve } : {}),
      ...(o.maxKg !== undefined ? { maxKg: o.maxKg } : {}),
      onError: (err) => o.log?.warn('indicator simulator error', { lane: o.lane, err: err.message }),
    });
    this.port = new IndicatorPort({ lane: o.lane, protocol: o.protocol, device: o.path, open: this.line.open, bus: o.bus, ...(o.log ? { log: o.log } : {}) });
  }

  /** The indicator powers up first, then the agent opens its port (MT-SICS must hear the host's SIR). */
  async start(): Promise<void> {
    await this.simulator.start();
    await this.port.start();
  }

  async stop(): Promise<void> {
    await this.port.stop();
    await this.simulator.stop();
  }

  /** A truck weighing `kg` drives onto the deck (ramp, ringing, settling, then steady). */
  arrive(kg: number): void {
    this.simulator.arrive(kg);
  }

  /** The truck drives off. */
  depart(): void {
    this.simulator.depart();
  }

  /** What the indicator shows now, in kg. */
  get shownKg(): number {
    return this.simulator.currentKg;
  }

  /** True while a truck is still rolling on or off (the driver has not stopped yet). */
  get rolling(): boolean {
    return this.simulator.lastPoint?.phase === 'ramp';
  }

  /** True once the deck shows what it was told to and nothing is pending. */
  get atRest(): boolean {
    const p = this.simulator.lastPoint;
    return this.simulator.idle && (p === null || p.phase === 'idle' || p.phase === 'steady');
  }
}
