/**
 * An in-memory OpenLink for unit tests: the test plays the device. It decides
 * whether the next open succeeds, feeds bytes, sees what the adapter writes,
 * and can pull the plug.
 */
import type { ByteLink, ByteLinkHandlers, OpenLink } from './byte-link.js';
import { DeviceDisconnectedError } from './errors.js';

export class MemoryDevice {
  /** What the adapter wrote, in order. */
  readonly written: Uint8Array[] = [];
  opens = 0;
  /** While false, opens fail as if the port did not exist. */
  present = true;
  private handlers: ByteLinkHandlers | null = null;

  constructor(readonly name = '/dev/memory') {}

  get isOpen(): boolean {
    return this.handlers !== null;
  }

  readonly open: OpenLink = async (handlers, signal) => {
    this.opens++;
    if (!this.present) throw new DeviceDisconnectedError(this.name, `cannot open ${this.name}: No such file or directory`);
    if (signal.aborted) throw new DeviceDisconnectedError(this.name, 'aborted while opening');
    this.handlers = handlers;
    const link: ByteLink = {
      name: this.name,
      write: async (data) => {
        if (this.handlers !== handlers) throw new Error('port is not open');
        this.written.push(Uint8Array.from(data));
      },
      close: async () => {
        if (this.handlers === handlers) this.handlers = null;
      },
    };
    return link;
  };

  /** The device sends bytes. */
  send(data: Uint8Array | string): void {
    if (!this.handlers) throw new Error('not open');
    this.handlers.onData(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** The cable is pulled: the open link closes, and opens fail until `plugIn()`. */
  unplug(): void {
    this.present = false;
    const h = this.handlers;
    this.handlers = null;
    h?.onClose(new DeviceDisconnectedError(this.name, `${this.name} disconnected: device unplugged`));
  }

  plugIn(): void {
    this.present = true;
  }

  writtenText(): string {
    return this.written.map((w) => Buffer.from(w).toString('latin1')).join('');
  }
}
