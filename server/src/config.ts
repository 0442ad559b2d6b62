import { z } from 'zod';
import path from 'node:path';
import { rulesFromEnv } from './reconciliation/rules-env.js';
import type { ReconRules } from './reconciliation/rules.js';

// Every setting the server reads, validated once at boot. README lists them all.
const Env = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgresql:// URL').optional(),
  HAULPROOF_DATA_DIR: z.string().default(path.resolve(process.cwd(), 'data')),
  PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  BODY_LIMIT_KB: z.coerce.number().int().min(16).max(65536).default(256),
  INGEST_BODY_LIMIT_KB: z.coerce.number().int().min(64).max(65536).default(8192),
  DEVICE_CLOCK_SKEW_S: z.coerce.number().int().min(5).max(86_400).default(300),
  DEVICE_STATUS_WRITE_S: z.coerce.number().int().min(1).max(3600).default(60),
  TICKET_MAX_FUTURE_S: z.coerce.number().int().min(0).max(86_400 * 7).default(3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO_TICKETS_PER_MINUTE: z.coerce.number().min(0).max(6000).default(30),
});
export type Config = z.infer<typeof Env> & {
  /** Reconciliation rules the deployment overrides (HAULPROOF_RECON_*, see reconciliation/rules-env.ts); the rest keep their defaults. */
  reconRules: Partial<ReconRules>;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  const recon = rulesFromEnv(env);
  const lines = [...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)), ...recon.issues].map((l) => `  ${l}`);
  if (!parsed.success || lines.length) throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  return { ...parsed.data, reconRules: recon.overrides };
}
