/** ByteLink over node-serialport: a real RS-232/USB port, or a pseudo-terminal in tests. */
import { SerialPort } from 'serialport';
import type { ByteLink, ByteLinkHandlers, OpenLink, SerialSettings } from './byte-link.js';
import { watchDeviceNode } from './device-node.js';
import { DeviceDisconnectedError, errorMessage } from './errors.js';

export interface SerialLinkOptions {
  /** How often to check that the device node is still the one opened (default 1000 ms; see device-node.ts). */
  watchMs?: number;
}

export function serialLink(settings: SerialSettings, options: SerialLinkOptions = {}): OpenLink {
  const { path } = settings;
  return (handlers: ByteLinkHandlers, signal: AbortSignal) =>
    new Promise<ByteLink>((resolve, reject) => {
      let port: SerialPort;
      try {
        port = new SerialPort({
          path,
          baudRate: settings.baudRate,
          dataBits: settings.dataBits ?? 8,
          parity: settings.parity ?? 'none',
          stopBits: settings.stopBits ?? 1,
          autoOpen: false,
        });
      } catch (err) {
        reject(err); // bad settings: a configuration error, not a disconnect
        return;
      }
      let closedByUs = false;
      let gone = false;
      let unwatch = (): void => undefined;
      // Without an 'error' listener a failed write would throw from the emitter.
      port.on('error', () => undefined);
      const release = (): void => {
        if (port.isOpen) port.close(() => undefined);
      };
      const lost = (why: string, cause?: unknown): void => {
        unwatch();
        if (closedByUs || gone) return;
        gone = true;
        handlers.onClose(new DeviceDisconnectedError(path, `${path} disconnected: ${why}`, { cause }));
      };
      port.open((err) => {
        if (err) {
          // ENOENT (no such port), EACCES, EBUSY…: the device is not there for us.
          reject(new DeviceDisconnectedError(path, `cannot open ${path}: ${err.message}`, { cause: err }));
          return;
        }
        if (signal.aborted) {
          closedByUs = true;
          port.close(() => reject(new DeviceDisconnectedError(path, 'aborted while opening')));
          return;
        }
        port.on('data', (chunk: Buffer) => handlers.onData(chunk));
        port.on('close', (closeErr: Error | null) => lost(closeErr ? errorMessage(closeErr) : 'port closed', closeErr ?? undefined));
        // A hung-up tty reads as end of file. Should serialport end the stream on it, no
        // 'close' follows: treat EOF as the disconnect it is and release the descriptor.
        port.on('end', () => {
          lost('end of file (line hung up)');
          release();
        });
        unwatch = watchDeviceNode(
          path,
          (why) => {
            lost(why);
            release(); // also ends serialport's endless 0-byte read loop on a hung-up tty
          },
          options.watchMs,
        );
        resolve({
          name: path,
          write: (data) =>
            new Promise<void>((res, rej) => {
              port.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength), (e) => (e ? rej(e) : res()));
            }),
          close: () =>
            new Promise<void>((res) => {
              closedByUs = true;
              unwatch();
              if (!port.isOpen) return res();
              port.close(() => res());
            }),
        });
      });
    });
}
