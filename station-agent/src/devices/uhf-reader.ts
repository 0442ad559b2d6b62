/**
 * A UHF lane reader (R2000 module, PROTOCOLS.md "UHF lane readers") on a byte
 * link. It asks for a real-time inventory round on a timer; each tag report
 * becomes `card.presented` with uid = EPC in lower-case hex. A windshield tag
 * is reported many times a second while the truck stands in the field, so a
 * tag is announced again only after it was out of sight for `dedupeMs`.
 */
import { R2000Decoder, encodeRealtimeInventory, type R2000Message } from '@haulproof/hardware/uhf/r2000';
import type { EventBus } from '../event-bus.js';
import type { Clock } from '../types.js';
import type { BackoffOptions } from './backoff.js';
import type { ByteLink, OpenLink, SerialSettings } from './byte-link.js';
import { errorMessage } from './errors.js';
import { LinkSupervisor } from './link-supervisor.js';
import { silentLogger, type DeviceLogger } from './log.js';
import { serialLink } from './serial-link.js';
import type { ReaderStateName } from './states.js';
import { realTimers, type Timers } from './timers.js';

export type { ReaderStateName };

export interface UhfReaderOptions {
  /** The reader's id in AgentEvents (e.g. "L1-uhf"). */
  reader: string;
  open: OpenLink;
  device: string;
  bus: EventBus;
  clock?: Clock;
  timers?: Timers;
  backoff?: BackoffOptions;
  log?: DeviceLogger;
  /** Module address (default 0xFF, which every module answers). */
  address?: number;
  /** Start an inventory round this often (default 300 ms). */
  inventoryEveryMs?: number;
  /** A tag seen again within this long after its last sighting is the same presentation (default 5000 ms). */
  dedupeMs?: number;
  /** Ignore tags weaker than this (dBm): a truck in the next lane. */
  minRssi?: number;
  /** Only these antennas (1–4) count. */
  antennas?: number[];
  /** Report `error` after this long without any reply (default 3000 ms). */
  silenceMs?: number;
}

export class UhfReader {
  readonly reader: string;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly log: DeviceLogger;
  private readonly dedupeMs: number;
  private readonly lastSeen = new Map<string, number>();
  private decoder = new R2000Decoder();
  private supervisor: LinkSupervisor | null = null;
  private pollTimer: unknown = null;
  private reported: ReaderStateName | 'stopped' = 'stopped';
  private lastReplyAt = 0;

  constructor(private readonly o: UhfReaderOptions) {
    this.reader = o.reader;
    this.clock = o.clock ?? Date.now;
    this.timers = o.timers ?? realTimers;
    this.log = o.log ?? silentLogger;
    this.dedupeMs = o.dedupeMs ?? 5000;
  }

  get state(): ReaderStateName | 'stopped' {
    return this.reported;
  }

  get stats(): R2000Decoder['stats'] {
    return this.decoder.stats;
  }

  async start(): Promise<void> {
    if (this.supervisor) return;
    this.supervisor = new LinkSupervisor({
      device: this.o.device,
      open: this.o.open,
      timers: this.timers,
      backoff: this.o.backoff,
      events: {
        up: (link) => this.onUp(link),
        data: (chunk) => this.onData(chunk),
        down: (err) => this.report('absent', err.message),
      },
      onHandlerError: (err) => this.log.error('uhf reader handler failed', { reader: this.reader, err: errorMessage(err) }),
    });
    this.pollTimer = this.timers.setInterval(() => this.poll(), this.o.inventoryEveryMs ?? 300);
    await this.supervisor.start();
  }

  async stop(): Promise<void> {
    const sup = this.supervisor;
    if (!sup) return;
    this.supervisor = null;
    if (this.pollTimer !== null) this.timers.clearInterval(this.pollTimer);
    this.pollTimer = null;
    await sup.stop();
    this.report('absent', 'stopped');
    this.reported = 'stopped';
  }

  private onUp(link: ByteLink): void {
    this.decoder.reset();
    this.lastReplyAt = this.clock();
    this.report('ready', `${link.name} open`);
    this.poll();
  }

  private poll(): void {
    const link = this.supervisor?.current;
    if (!link) return;
    const now = this.clock();
    const silenceMs = this.o.silenceMs ?? 3000;
    if (now - this.lastReplyAt > silenceMs) this.report('error', `no reply for ${((now - this.lastReplyAt) / 1000).toFixed(1)} s`);
    for (const [epc, at] of this.lastSeen) if (now - at > this.dedupeMs) this.lastSeen.delete(epc);
    link
      .write(encodeRealtimeInventory(this.o.address ?? 0xff, 1))
      .catch((err: unknown) => this.log.warn('uhf inventory write failed', { reader: this.reader, err: errorMessage(err) }));
  }

  private onData(chunk: Uint8Array): void {
    let messages: R2000Message[];
    try {
      messages = this.decoder.push(chunk);
    } catch (err) {
      this.log.error('uhf decoder failed', { reader: this.reader, err: errorMessage(err) });
      this.decoder = new R2000Decoder();
      return;
    }
    const now = this.clock();
    for (const m of messages) {
      this.lastReplyAt = now;
      if (m.kind === 'tag') this.onTag(m.epc, m.rssi, m.antenna, now);
      else if (m.kind === 'inventory-end') this.report('ready', 'inventory running');
      else if (m.kind === 'error') this.report('error', `reader error 0x${m.code.toString(16).padStart(2, '0')}`);
    }
  }

  private onTag(epc: string, rssi: number, antenna: number, now: number): void {
    if (this.o.minRssi !== undefined && rssi < this.o.minRssi) return;
    if (this.o.antennas && !this.o.antennas.includes(antenna)) return;
    if (this.reported === 'error') this.report('ready', 'inventory running');
    const last = this.lastSeen.get(epc);
    this.lastSeen.set(epc, now);
    if (last !== undefined && now - last <= this.dedupeMs) return;
    this.o.bus.emit({ type: 'card.presented', reader: this.reader, uid: epc, at: now });
  }

  private report(state: ReaderStateName, detail: string): void {
    if (state === this.reported) return;
    this.reported = state;
    this.o.bus.emit({ type: 'reader.state', reader: this.reader, state, detail, at: this.clock() });
  }
}

export type SerialUhfReaderOptions = Omit<UhfReaderOptions, 'open' | 'device'> & Omit<SerialSettings, 'baudRate'> & { baudRate?: number };

/** An R2000 reader on a serial port; 115200 8-N-1 unless told otherwise. */
export function createSerialUhfReader(o: SerialUhfReaderOptions): UhfReader {
  const { path, baudRate, dataBits, parity, stopBits, ...rest } = o;
  return new UhfReader({ ...rest, device: path, open: serialLink({ path, baudRate: baudRate ?? 115_200, dataBits, parity, stopBits }) });
}
