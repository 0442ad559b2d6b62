import type { AgentLogger } from './agent.js';

/** JSON lines on stderr, with the device code on every line (STYLE.md 11). */
export function jsonLogger(device: string, level: 'info' | 'warn' | 'error' = 'info'): AgentLogger {
  const rank = { info: 0, warn: 1, error: 2 };
  const line = (lvl: keyof typeof rank) => (msg: string, ctx: Record<string, unknown> = {}) => {
    if (rank[lvl] < rank[level]) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, device, msg, ...ctx })}\n`);
  };
  return { info: line('info'), warn: line('warn'), error: line('error') };
}
