// A pseudo-terminal pair from socat, standing in for a serial cable: bytes
// written to `a` come out of `b` and back. Killing socat is pulling the cable;
// `restart()` plugs a new one in at the same link paths.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, lstat, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PtyPair {
  /** Link paths, e.g. /tmp/hp-pty-xxxx/a and …/b. */
  readonly a: string;
  readonly b: string;
  readonly running: boolean;
  /** Ends socat (SIGTERM by default) and waits for it to exit; its links go with it. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** A new socat at the same link paths. Kills the old one first if it still runs. */
  restart(): Promise<void>;
  /** kill() and remove the directory. */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    await realpath(p); // a dangling link (socat killed with SIGKILL) does not count
    return true;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startPtyPair(opts: { timeoutMs?: number } = {}): Promise<PtyPair> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hp-pty-'));
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  const timeoutMs = opts.timeoutMs ?? 5000;
  let child: ChildProcess | null = null;
  let log = '';

  const launch = async (): Promise<void> => {
    // Remove links a SIGKILLed socat left behind, or socat refuses to create them.
    await rm(a, { force: true });
    await rm(b, { force: true });
    log = '';
    const c = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    c.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    c.on('error', (err) => (log += `spawn error: ${err.message}\n`));
    child = c;
    const deadline = Date.now() + timeoutMs;
    // socat prints "starting data transfer loop" once both ptys exist and are linked.
    while (!(log.includes('starting data transfer loop') && (await exists(a)) && (await exists(b)))) {
      if (c.exitCode !== null || Date.now() > deadline) {
        c.kill('SIGKILL');
        throw new Error(`socat did not create ${a} and ${b} within ${timeoutMs} ms:\n${log}`);
      }
      await sleep(20);
    }
  };

  const kill = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const c = child;
    child = null;
    if (!c) return;
    c.kill(signal);
    await exited(c);
  };

  await launch();
  return {
    a,
    b,
    get running() {
      return child !== null && child.exitCode === null;
    },
    kill,
    restart: async () => {
      await kill();
      await launch();
    },
    close: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
