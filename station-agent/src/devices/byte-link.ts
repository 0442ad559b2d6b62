/**
 * The small interface serial device adapters depend on (STYLE.md item 3): a
 * byte pipe that can be opened, written and closed, and that says when it
 * went away. `serial-link.ts` implements it with serialport; `memory-link.ts`
 * in memory for unit tests.
 */
import type { DeviceDisconnectedError } from './errors.js';

export interface ByteLinkHandlers {
  onData(chunk: Uint8Array): void;
  /** The link closed on its own (unplugged, port gone). Not called after `close()`. */
  onClose(err: DeviceDisconnectedError): void;
}

export interface ByteLink {
  /** Human-readable name (the port path). */
  readonly name: string;
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the device. Rejects (preferably with a DeviceDisconnectedError) when
 * it cannot: missing (ENOENT), busy, no permission. If `signal` aborts while
 * opening, the link is closed again and the promise rejects.
 */
export type OpenLink = (handlers: ByteLinkHandlers, signal: AbortSignal) => Promise<ByteLink>;

export interface SerialSettings {
  path: string;
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits?: 1 | 1.5 | 2;
}
