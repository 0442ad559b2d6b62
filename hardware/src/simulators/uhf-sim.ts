/**
 * An R2000-module UHF reader (PROTOCOLS.md, "UHF lane readers"): answers each
 * real-time inventory command (0x89) with one tag report per tag in its field
 * and an end-of-round frame. `tagEnters` / `tagLeaves` steer it.
 */
import { R2000FrameStream, R2000_CMD, encodeInventoryEnd, encodeTagReport, type TagReportInput } from '../uhf/r2000.js';
import { SerialSimPort, type SerialSimPortOptions, type SimPort } from './sim-port.js';

export interface UhfSimOptions {
  port: SerialSimPortOptions | SimPort;
  /** The module's address in its replies (default 1). */
  address?: number;
  onError?: (err: Error) => void;
}

export class UhfReaderSimulator {
  private readonly port: SimPort;
  private readonly frames = new R2000FrameStream();
  private readonly field = new Map<string, Omit<TagReportInput, 'epc'>>();
  rounds = 0;

  constructor(private readonly o: UhfSimOptions) {
    this.port = 'path' in o.port ? new SerialSimPort({ baudRate: 115_200, onError: o.onError, ...o.port }) : o.port;
  }

  async start(): Promise<void> {
    await this.port.open((chunk) => this.onHostData(chunk));
  }

  async stop(): Promise<void> {
    await this.port.close();
  }

  /** A windshield tag comes into range (EPC as hex). */
  tagEnters(epc: string, how: { rssi?: number; antenna?: number } = {}): void {
    encodeTagReport({ epc, ...how }); // throws now on a bad EPC, not later inside a round
    this.field.set(epc, how);
  }

  tagLeaves(epc: string): void {
    this.field.delete(epc);
  }

  async writeRaw(bytes: Uint8Array): Promise<void> {
    this.port.write(bytes);
    await this.port.drain();
  }

  private onHostData(chunk: Uint8Array): void {
    for (const f of this.frames.push(chunk)) {
      if (f.command !== R2000_CMD.realTimeInventory) continue;
      this.rounds++;
      const address = this.o.address ?? 1;
      for (const [epc, how] of this.field) this.port.write(encodeTagReport({ epc, address, ...how }));
      this.port.write(encodeInventoryEnd({ address, antenna: 1, readRate: this.field.size * 10, totalRead: this.field.size }));
    }
  }
}
