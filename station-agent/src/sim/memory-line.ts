/**
 * An in-memory serial line with two ends: the device end is a hardware `SimPort`
 * (where IndicatorSimulator writes its frames), the host end an `OpenLink` (what
 * IndicatorPort opens instead of a serial port). Bytes cross asynchronously and,
 * like a real UART read, may arrive split into several chunks, so the agent's
 * framing and decoding run exactly as they do on a serial port (STYLE.md 3).
 */
import type { SimPort } from '@haulproof/hardware/simulators/sim-port';
import type { ByteLink, ByteLinkHandlers, OpenLink } from '../devices/byte-link.js';
import { DeviceDisconnectedError } from '../devices/errors.js';

export interface MemoryLineOptions {
  /** Name of the line in the agent's messages (stands for the port path). */
  name: string;
  /** Split each device write at a random point this often (0–1, default 0.3): reads do not follow frames. */
  splitShare?: number;
  rand?: () => number;
}

export class MemoryLine {
  readonly name: string;
  private host: ByteLinkHandlers | null = null;
  /** @internal what the device end hears from the host; null while the simulator is off. */
  onDeviceData: ((chunk: Uint8Array) => void) | null = null;
  private pending = 0;
  private drained: (() => void)[] = [];
  private readonly splitShare: number;
  private readonly rand: () => number;

  constructor(o: MemoryLineOptions) {
    this.name = o.name;
    this.splitShare = o.splitShare ?? 0.3;
    this.rand = o.rand ?? Math.random;
  }

  /** The device end, for a hardware simulator. */
  readonly device: SimPort = new DeviceEnd(this);

  /** The host end, for IndicatorPort. One host at a time, as with a serial port. */
  readonly open: OpenLink = async (handlers, signal) => {
    if (signal.aborted) throw new DeviceDisconnectedError(this.name, 'aborted while opening');
    if (this.host) throw new DeviceDisconnectedError(this.name, `${this.name} is busy`);
    this.host = handlers;
    const link: ByteLink = {
      name: this.name,
      write: async (data) => {
        if (this.host !== handlers) throw new DeviceDisconnectedError(this.name, 'port is not open');
        const bytes = Uint8Array.from(data);
        setImmediate(() => this.onDeviceData?.(bytes));
      },
      close: async () => {
        if (this.host === handlers) this.host = null;
      },
    };
    return link;
  };

  /** @internal The device wrote: split like a UART read may, and deliver later. */
  fromDevice(data: Uint8Array): void {
    const bytes = Uint8Array.from(data);
    const cut = bytes.length > 1 && this.rand() < this.splitShare ? 1 + Math.floor(this.rand() * (bytes.length - 1)) : bytes.length;
    this.toHost(bytes.subarray(0, cut));
    if (cut < bytes.length) this.toHost(bytes.subarray(cut));
  }

  /** @internal */
  drain(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.drained.push(resolve));
  }

  private toHost(chunk: Uint8Array): void {
    this.pending++;
    setImmediate(() => {
      this.pending--;
      this.host?.onData(chunk); // no host listening: the bytes are lost, as on a real line
      if (this.pending === 0) this.drained.splice(0).forEach((r) => r());
    });
  }
}

class DeviceEnd implements SimPort {
  constructor(private readonly line: MemoryLine) {}

  get isOpen(): boolean {
    return this.line.onDeviceData !== null;
  }

  async open(onData: (chunk: Uint8Array) => void): Promise<void> {
    this.line.onDeviceData = onData;
  }

  write(data: Uint8Array): boolean {
    if (!this.isOpen) return false; // the simulator is off: nothing goes on the wire
    this.line.fromDevice(data);
    return true;
  }

  drain(): Promise<void> {
    return this.line.drain();
  }

  async close(): Promise<void> {
    this.line.onDeviceData = null;
  }
}
