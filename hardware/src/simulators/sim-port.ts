/**
 * Where a device simulator writes: a serial port (a pseudo-terminal end in
 * tests and demos) that it reopens by itself when the port goes away and comes
 * back, or an in-memory port for unit tests.
 */
import { statSync } from 'node:fs';
import { SerialPort } from 'serialport';

export interface SimPort {
  /** Opens (or keeps trying to open) the port; `onData` gets what the host sends. */
  open(onData: (chunk: Uint8Array) => void): Promise<void>;
  /** False when the port is not open right now: the bytes are dropped, as a real line would. */
  write(data: Uint8Array): boolean;
  /** Resolves once written bytes have left. */
  drain(): Promise<void>;
  close(): Promise<void>;
  readonly isOpen: boolean;
}

export interface SerialSimPortOptions {
  path: string;
  baudRate?: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
  /** Retry opening this often while the port is missing (default 200 ms). */
  reopenMs?: number;
  onError?: (err: Error) => void;
}

export class SerialSimPort implements SimPort {
  private port: SerialPort | null = null;
  private running = false;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private watch: ReturnType<typeof setInterval> | null = null;
  private onData: (chunk: Uint8Array) => void = () => undefined;

  constructor(private readonly o: SerialSimPortOptions) {}

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  /** Resolves after the first attempt; if the port is missing it keeps trying in the background. */
  async open(onData: (chunk: Uint8Array) => void): Promise<void> {
    this.onData = onData;
    this.running = true;
    await this.attempt();
  }

  write(data: Uint8Array): boolean {
    const port = this.port;
    if (!port?.isOpen) return false;
    port.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    return true;
  }

  drain(): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.drain(() => resolve()));
  }

  async close(): Promise<void> {
    this.running = false;
    this.stopWatch();
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private async attempt(): Promise<void> {
    this.retry = null;
    if (!this.running) return;
    // Bad settings throw here, at the first attempt, to the caller of open().
    const port = new SerialPort({
      path: this.o.path,
      baudRate: this.o.baudRate ?? 9600,
      dataBits: this.o.dataBits ?? 8,
      parity: this.o.parity ?? 'none',
      stopBits: this.o.stopBits ?? 1,
      autoOpen: false,
    });
    port.on('error', (err) => this.o.onError?.(err));
    return new Promise((resolve) => {
      port.open((err) => {
        if (err || !this.running) {
          if (!err) port.close();
          this.scheduleRetry();
          return resolve();
        }
        this.port = port;
        port.on('data', (chunk: Buffer) => this.onData(chunk));
        const gone = (): void => {
          if (this.port !== port) return;
          this.port = null;
          this.stopWatch();
          if (port.isOpen) port.close(() => undefined);
          this.scheduleRetry(); // the other end went away: wait for it to come back
        };
        port.on('close', gone);
        // A hung-up pty reads as end-of-file, which ends the stream without closing the port.
        port.on('end', gone);
        // …or, if a read was in flight at the hang-up, serialport retries 0-byte reads forever
        // and reports nothing; the link path then names no device, or another one.
        const opened = nodeId(this.o.path);
        this.watch = setInterval(() => {
          const now = nodeId(this.o.path);
          if (opened && (!now || now !== opened)) gone();
        }, this.o.reopenMs ?? 200);
        this.watch.unref();
        resolve();
      });
    });
  }

  private stopWatch(): void {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
  }

  private scheduleRetry(): void {
    if (!this.running || this.retry) return;
    this.retry = setTimeout(() => {
      this.attempt().catch((err: unknown) => this.o.onError?.(err as Error));
    }, this.o.reopenMs ?? 200);
  }
}

/** Which device node `path` resolves to now ("ino:rdev"), or null. */
function nodeId(path: string): string | null {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.rdev}`;
  } catch {
    return null;
  }
}

/** In-memory port: records every write; `hostSends` plays the host. */
export class MemorySimPort implements SimPort {
  readonly written: Uint8Array[] = [];
  isOpen = false;
  private onData: (chunk: Uint8Array) => void = () => undefined;

  async open(onData: (chunk: Uint8Array) => void): Promise<void> {
    this.onData = onData;
    this.isOpen = true;
  }

  write(data: Uint8Array): boolean {
    if (!this.isOpen) return false;
    this.written.push(Uint8Array.from(data));
    return true;
  }

  async drain(): Promise<void> {}

  async close(): Promise<void> {
    this.isOpen = false;
  }

  hostSends(text: string): void {
    this.onData(Buffer.from(text, 'latin1'));
  }
}
