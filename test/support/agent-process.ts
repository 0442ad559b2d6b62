// Runs the real station agent CLI as a child process, as a station PC would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readJournalStatus, type JournalStatus } from '../../station-agent/src/status.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'station-agent/src/cli.ts');
// `node --import tsx` keeps the agent one process: a signal reaches the agent itself, never a wrapper.
const NODE_ARGS = ['--import', 'tsx', CLI];

export interface AgentProcess {
  readonly dataDir: string;
  readonly configFile: string;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  status(): JournalStatus;
}

/** Writes an agent config file in a fresh temp dir; `dataDir` defaults to a folder beside it. */
export function writeAgentConfig(config: Record<string, unknown>, dir = mkdtempSync(path.join(tmpdir(), 'hp-agent-'))): { file: string; dataDir: string } {
  const dataDir = (config.dataDir as string | undefined) ?? path.join(dir, 'data');
  const file = path.join(dir, 'agent.json');
  writeFileSync(file, JSON.stringify({ ...config, dataDir }, null, 2));
  return { file, dataDir };
}

/** One CLI command to completion. Asynchronous on purpose: the test's own server runs in this process. */
export function agentCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function runAgent(configFile: string, dataDir: string, env: NodeJS.ProcessEnv = {}): AgentProcess {
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [...NODE_ARGS, 'run', '--config', configFile], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    dataDir,
    configFile,
    output: () => output,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    status: () => readJournalStatus(dataDir),
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
