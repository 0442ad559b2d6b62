/**
 * Watches that a serial device path still names the device that was opened.
 *
 * Why: when a tty hangs up (USB adapter unplugged, the far end of a pty
 * closed) while a read is in flight, the read returns 0 bytes, and
 * @serialport/bindings-cpp (unix-read.js) retries a 0-byte read at once,
 * forever: the port never reports the disconnect and spins a CPU. The device
 * node, though, is gone (ENOENT) or replaced (a new inode), which a stat sees.
 */
import { stat } from 'node:fs/promises';

interface NodeId {
  ino: number;
  rdev: number;
}

async function identify(path: string): Promise<NodeId | null> {
  try {
    const s = await stat(path); // follows links: /dev/serial/by-id/…, a pty link
    return { ino: s.ino, rdev: s.rdev };
  } catch {
    return null;
  }
}

/**
 * Calls `onGone` once when `path` stops resolving to the node it resolved to at
 * the start. Returns a function that stops watching.
 */
export function watchDeviceNode(path: string, onGone: (why: string) => void, everyMs = 1000): () => void {
  let stopped = false;
  let first: NodeId | null | undefined;
  let busy = false;
  const check = async (): Promise<void> => {
    if (busy || stopped) return;
    busy = true;
    try {
      const now = await identify(path);
      if (stopped) return;
      if (first === undefined) {
        first = now;
        return;
      }
      if (first === null) return; // could not identify it at open: nothing to compare
      if (now === null) fire(`${path} no longer exists`);
      else if (now.ino !== first.ino || now.rdev !== first.rdev) fire(`${path} is now a different device`);
    } finally {
      busy = false;
    }
  };
  const fire = (why: string): void => {
    stop();
    onGone(why);
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  void check();
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
  };
  return stop;
}
