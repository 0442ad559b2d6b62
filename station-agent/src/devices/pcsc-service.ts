/**
 * Is pcscd reachable? Asked before every `new NFC()`, because
 * @pokusew/pcsclite's constructor retries SCardEstablishContext in a busy loop
 * while the service is down (src/pcsclite.cpp, `while (result ==
 * SCARD_E_NO_SERVICE …)`), which would freeze the whole agent until pcscd
 * returns. A connect to pcscd's socket answers the question without blocking.
 */
import { createConnection } from 'node:net';

/** pcsc-lite's client socket; libpcsclite honours the same variable. */
export const PCSCD_SOCKET = process.env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm';

export function pcscdReachable(socketPath = PCSCD_SOCKET, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ path: socketPath });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false)); // ENOENT: not running; ECONNREFUSED: a stale socket file
  });
}
