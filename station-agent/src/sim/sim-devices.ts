/**
 * Simulated devices for an in-process StationAgent (its third constructor argument):
 * each lane's indicator is a real IndicatorPort fed by an IndicatorSimulator over an
 * in-memory line, each card reader a SimulatedCardReader. The devices are made when
 * the agent starts; afterwards `lane(code)` hands a driver the deck and the reader.
 */
import type { DeviceFactories } from '../device-factory.js';
import type { DeviceLogger } from '../devices/log.js';
import { SimulatedCardReader } from './sim-card-reader.js';
import { SimulatedIndicator, type SimCurve } from './sim-indicator.js';

export interface SimulatedDevicesOptions {
  /** Which readers serve which lane (the agent config's lanes[code].readers). */
  readersByLane: Record<string, string[]>;
  /** The scale interval e and Max of each lane, for the displayed weights (default e = 20 kg). */
  scales?: Record<string, { divisionKg: number; maxKg: number }>;
  rateHz?: number;
  /** Truck curve timing (ramp, ringing, settling); e comes from `scales`. */
  curve?: Omit<SimCurve, 'divisionKg' | 'seed'>;
  /** Seeds each lane's curve noise (default 1). */
  seed?: number;
  /** Share of device writes the line splits into two reads (default 0.3). */
  splitShare?: number;
  log?: DeviceLogger;
}

/** What a driver steers at one lane. */
export interface SimLane {
  code: string;
  indicator: SimulatedIndicator;
  /** The lane's first reader, where the driver presents the card. */
  reader: SimulatedCardReader | null;
}

export class SimulatedDevices {
  private readonly indicators = new Map<string, SimulatedIndicator>();
  private readonly readers = new Map<string, SimulatedCardReader>();
  private laneSeed: number;

  constructor(private readonly o: SimulatedDevicesOptions) {
    this.laneSeed = o.seed ?? 1;
  }

  /** Pass these to `new StationAgent(config, log, factories)`. */
  readonly factories: DeviceFactories = {
    indicator: (o) => {
      const scale = this.o.scales?.[o.lane];
      const indicator = new SimulatedIndicator({
        lane: o.lane,
        protocol: o.protocol,
        path: o.path,
        bus: o.bus,
        rateHz: this.o.rateHz ?? 10,
        curve: { ...this.o.curve, seed: this.laneSeed++, divisionKg: scale?.divisionKg ?? 20 },
        ...(scale ? { maxKg: scale.maxKg } : {}),
        ...(this.o.splitShare !== undefined ? { splitShare: this.o.splitShare } : {}),
        ...(this.o.log ? { log: this.o.log } : {}),
      });
      this.indicators.set(o.lane, indicator);
      return indicator;
    },
    pcsc: (o) => this.reader(o.reader, o.bus),
    uhf: (o) => this.reader(o.reader, o.bus),
  };

  /** The lane's devices; throws before the agent has made them. */
  lane(code: string): SimLane {
    const indicator = this.indicators.get(code);
    if (!indicator) throw new Error(`lane ${code} has no simulated indicator (has the agent started?)`);
    const readerId = this.o.readersByLane[code]?.[0];
    return { code, indicator, reader: (readerId && this.readers.get(readerId)) || null };
  }

  get laneCodes(): string[] {
    return [...this.indicators.keys()];
  }

  private reader(id: string, bus: Parameters<DeviceFactories['pcsc']>[0]['bus']): SimulatedCardReader {
    const r = new SimulatedCardReader(id, bus);
    this.readers.set(id, r);
    return r;
  }
}
