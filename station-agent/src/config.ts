import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESTIMATE_MAX_SAMPLES, ESTIMATE_MIN_SAMPLES, StreamCode } from '@haulproof/contracts';
import { z } from 'zod';
import { FAILPOINTS } from './failpoints.js';

// The agent's configuration file (JSON). Scale parameters (Max, e, Min, protocol,
// line settings) come from the registry; this file says which local port and
// readers serve each lane, and how the site weighs.

const Reader = z.discriminatedUnion('kind', [
  z.object({ id: z.string().min(1).max(32), kind: z.literal('pcsc'), match: z.string().max(128).optional() }).strict(),
  z
    .object({
      id: z.string().min(1).max(32),
      kind: z.literal('uhf-r2000'),
      port: z.string().min(1),
      baudRate: z.int().default(115200),
      minRssi: z.int().min(-120).max(0).optional(),
      /** A tag seen again within this many ms is the same presentation (a truck lingering at the reader). */
      dedupeMs: z.int().min(100).max(600_000).default(5000),
    })
    .strict(),
]);

const Lane = z
  .object({
    /** Local serial device; overrides the registry's port path. */
    port: z.string().min(1).optional(),
    weighing: z.enum(['TWO_PASS', 'STORED_TARE']).default('TWO_PASS'),
    defaultStream: StreamCode.nullable().default(null),
    readers: z.array(z.string()).default([]),
    /** Indicator frames per second (the stability window and frame-rate fault depend on it). */
    frameRateHz: z.number().min(0.5).max(100).default(10),
  })
  .strict();

export const AgentConfig = z
  .object({
    device: z.string().regex(/^[A-Z0-9_-]{2,48}$/, 'the station device code registered at the server'),
    server: z.url({ protocol: /^https?$/, message: 'the server URL, e.g. https://haulproof.example.gov.cn' }),
    dataDir: z.string().min(1),
    lanes: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/), Lane).refine((l) => Object.keys(l).length > 0, 'at least one lane'),
    readers: z.array(Reader).default([]),
    policy: z
      .object({
        openTicketTimeoutHours: z.number().min(0.1).max(24 * 7).default(12),
        repeatWithinMinutes: z.number().min(0).max(24 * 60).default(10),
        tareDeviationPercent: z.number().min(0.1).max(50).default(3),
        /** 估重 while a scale cannot weigh: the median of the vehicle's newest weighed tickets… */
        estimateSamples: z.int().min(ESTIMATE_MIN_SAMPLES).max(ESTIMATE_MAX_SAMPLES).default(5),
        estimateMinSamples: z.int().min(ESTIMATE_MIN_SAMPLES).max(ESTIMATE_MAX_SAMPLES).default(ESTIMATE_MIN_SAMPLES),
        /** …else this share of its rated load (registered max gross − stored tare); null: refuse instead. */
        estimateRatedLoadPercent: z.number().min(1).max(100).nullable().default(null),
      })
      .strict()
      .refine((p) => p.estimateMinSamples <= p.estimateSamples, { path: ['estimateMinSamples'], message: 'cannot need more samples than are taken (estimateSamples)' })
      .default({ openTicketTimeoutHours: 12, repeatWithinMinutes: 10, tareDeviationPercent: 3, estimateSamples: 5, estimateMinSamples: ESTIMATE_MIN_SAMPLES, estimateRatedLoadPercent: null }),
    stability: z.object({ windowMs: z.int().min(500).max(10_000).default(2000), toleranceE: z.int().min(1).max(3).default(1) }).strict().default({ windowMs: 2000, toleranceE: 1 }),
    print: z.object({ enabled: z.boolean().default(true), font: z.string().nullable().default(null) }).strict().default({ enabled: true, font: null }),
    /** Test-only: the agent kills itself with SIGKILL at this step. */
    failpoint: z.enum(FAILPOINTS).nullable().default(null),
  })
  .strict()
  .superRefine((c, ctx) => {
    const ids = new Set(c.readers.map((r) => r.id));
    if (ids.size !== c.readers.length) ctx.addIssue({ code: 'custom', path: ['readers'], message: 'reader ids must be unique' });
    for (const [lane, l] of Object.entries(c.lanes)) {
      l.readers.forEach((r, i) => {
        if (!ids.has(r)) ctx.addIssue({ code: 'custom', path: ['lanes', lane, 'readers', i], message: `no reader with id ${r} in "readers"` });
      });
    }
  });
export type AgentConfig = z.infer<typeof AgentConfig>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the config file; the error names every bad field. Relative dataDir is relative to the file. */
export function loadAgentConfig(file: string): AgentConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config ${file}: ${(err as Error).message}`);
  }
  const parsed = AgentConfig.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new ConfigError(`invalid config ${file}:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, dataDir: path.resolve(path.dirname(file), parsed.data.dataDir) };
}
