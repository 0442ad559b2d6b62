import type { AgentConfig } from './config.js';
import { CardReader } from './devices/card-reader.js';
import { createSerialIndicator } from './devices/indicator-port.js';
import { createSerialUhfReader } from './devices/uhf-reader.js';
import type { EventBus } from './event-bus.js';
import type { RegistrySnapshot } from './types.js';

export interface StartStop {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** How the agent makes its devices; tests and the demo swap in simulators (STYLE.md 3). */
export interface DeviceFactories {
  indicator(o: { lane: string; protocol: RegistrySnapshot['lanes'][number]['protocol']; path: string; baudRate: number; dataBits: 7 | 8; parity: 'none' | 'even' | 'odd'; stopBits: 1 | 2; bus: EventBus }): StartStop;
  pcsc(o: { reader: string; match: string | undefined; bus: EventBus }): StartStop;
  uhf(o: { reader: string; path: string; baudRate: number; minRssi: number | undefined; dedupeMs: number; bus: EventBus }): StartStop;
}

const real: DeviceFactories = {
  indicator: (o) => createSerialIndicator(o),
  pcsc: (o) => new CardReader({ reader: o.reader, bus: o.bus, ...(o.match ? { match: o.match } : {}) }),
  uhf: (o) => createSerialUhfReader({ reader: o.reader, path: o.path, baudRate: o.baudRate, bus: o.bus, dedupeMs: o.dedupeMs, ...(o.minRssi !== undefined ? { minRssi: o.minRssi } : {}) }),
};

export class DeviceConfigError extends Error {
  override name = 'DeviceConfigError';
}

/** One indicator per configured lane, at the registry's line settings and the local port. */
export function createIndicators(config: AgentConfig, snapshot: RegistrySnapshot, bus: EventBus, f: Partial<DeviceFactories> = {}): StartStop[] {
  const make = f.indicator ?? real.indicator;
  return Object.entries(config.lanes).map(([code, lane]) => {
    const spec = snapshot.lanes.find((l) => l.code === code);
    if (!spec) throw new DeviceConfigError(`lane ${code} is not in the registry snapshot`);
    const path = lane.port ?? spec.portPath;
    if (!path) throw new DeviceConfigError(`lane ${code}: no serial port — set lanes.${code}.port in the config or the scale's port path in the registry`);
    return make({ lane: code, protocol: spec.protocol, path, baudRate: spec.baudRate, dataBits: spec.dataBits === 7 ? 7 : 8, parity: spec.parity, stopBits: spec.stopBits === 2 ? 2 : 1, bus });
  });
}

export function createCardSources(config: AgentConfig, bus: EventBus, f: Partial<DeviceFactories> = {}): StartStop[] {
  return config.readers.map((r) =>
    r.kind === 'pcsc' ? (f.pcsc ?? real.pcsc)({ reader: r.id, match: r.match, bus }) : (f.uhf ?? real.uhf)({ reader: r.id, path: r.port, baudRate: r.baudRate, minRssi: r.minRssi, dedupeMs: r.dedupeMs, bus }),
  );
}
