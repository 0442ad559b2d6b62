// A real PC/SC stack for tests: pcscd in the foreground with vsmartcard's vpcd
// driver (Debian's /etc/reader.conf.d/vpcd), whose readers "Virtual PCD 00 00"
// and "… 00 01" take cards from hardware/src/pcsc/virtual-card.ts over TCP.
// Needs root (pcscd's socket lives in /run/pcscd) and no other pcscd running.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';

export const PCSCD_DIR = '/run/pcscd';
export const PCSCD_SOCKET = `${PCSCD_DIR}/pcscd.comm`;
const PCSCD_PIDFILE = `${PCSCD_DIR}/pcscd.pid`;
export const VPCD_READER = 'Virtual PCD 00 00';

export interface Pcscd {
  readonly running: boolean;
  /** What pcscd printed (info level), for failure messages. */
  readonly log: string;
  /** Stops pcscd (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
  /** stop() then a fresh pcscd; resolves when the vpcd reader is up again. */
  restart(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A pcscd left behind by an earlier, crashed run holds the socket; a dead one
 * leaves the socket file, which makes a new pcscd refuse to start. Ends the
 * former by the pid in its own pidfile (after checking it is pcscd) and
 * removes the latter.
 */
async function clearStale(): Promise<void> {
  const pid = Number((await readFile(PCSCD_PIDFILE, 'utf8').catch(() => '')).trim());
  if (pid > 0 && alive(pid)) {
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    if (comm === 'pcscd') {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 40 && alive(pid); i++) await sleep(50);
    }
  }
  await rm(PCSCD_SOCKET, { force: true });
  await rm(PCSCD_PIDFILE, { force: true });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startPcscd(opts: { timeoutMs?: number; debug?: boolean } = {}): Promise<Pcscd> {
  if (process.getuid?.() !== 0) throw new Error('the PC/SC tests start pcscd and need root');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let child: ChildProcess | null = null;
  let log = '';

  const launch = async (): Promise<void> => {
    await clearStale();
    log = '';
    // -f: foreground, logs to stdout; -i: info level, which names each reader as it starts.
    // -d (debug) and -a (APDU log) help when a test fails.
    const c = spawn('pcscd', ['-f', opts.debug ? '-d' : '-i', ...(opts.debug ? ['-a'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (d: Buffer): void => {
      log += d.toString();
      if (log.length > 200_000) log = log.slice(-100_000);
    };
    c.stdout!.on('data', take);
    c.stderr!.on('data', take);
    c.on('error', (err) => (log += `spawn error: ${err.message}\n`));
    child = c;
    const deadline = Date.now() + timeoutMs;
    // "daemon ready" comes after the readers from reader.conf.d were started.
    while (!(log.includes('daemon ready') && log.includes(`startup of ${VPCD_READER}`) && existsSync(PCSCD_SOCKET))) {
      if (c.exitCode !== null || Date.now() > deadline) {
        c.kill('SIGKILL');
        await exited(c);
        throw new Error(`pcscd did not come up with ${VPCD_READER} within ${timeoutMs} ms:\n${log}`);
      }
      await sleep(25);
    }
  };

  const stop = async (): Promise<void> => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGTERM');
    const killer = setTimeout(() => c.kill('SIGKILL'), 5000);
    await exited(c);
    clearTimeout(killer);
  };

  await launch();
  return {
    get running() {
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    get log() {
      return log;
    },
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
  };
}
