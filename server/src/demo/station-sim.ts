// Simulated weighbridge stations for the demo city: each station device signs
// and chains plausible tickets with its real key and posts them through the
// real ingestion API, at DEMO_TICKETS_PER_MINUTE city-wide.
//
// In-process: `new StationSimulator(...).start()` (server/src/demo/main.ts does).
// Standalone: `npx tsx server/src/demo/station-sim.ts`
//   HAULPROOF_SERVER_URL  the server (default http://127.0.0.1:8080)
//   HAULPROOF_DATA_DIR    where devices/<code>.key and .state.json live
//   DATABASE_URL          optional: seeds the demo city (registering this data folder's keys)
//                         and lets the simulator find each chain's head after a reset
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GENESIS_HASH } from '@haulproof/contracts';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { connectDatabase } from '../db/database.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { DEVICES } from './city.js';
import { devicesDir } from './device-files.js';
import { seedDemoCity } from './seed.js';
import { SimDevice, type ChainHeadSource } from './sim-device.js';
import { CityTraffic, type Trip } from './traffic.js';

export interface SimulatorOptions {
  serverUrl: string;
  dataDir: string;
  ticketsPerMinute: number;
  log: Logger;
  heads?: ChainHeadSource;
  traffic?: CityTraffic;
  tickMs?: number;
}

const MAX_OUTBOX = 5_000; // a station that cannot reach the server for hours stops adding to its backlog here
const MAX_BACKOFF_MS = 60_000;

/** Chain heads read straight from the ledger (in-process, or standalone with DATABASE_URL). */
export function databaseHeads(prisma: PrismaClient): ChainHeadSource {
  return {
    async head(code) {
      const r = await prisma.deviceRecord.findFirst({ where: { device: { code } }, orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
      return r ?? { seq: 0, hash: GENESIS_HASH };
    },
  };
}

export class StationSimulator {
  private readonly devices = new Map<string, SimDevice>();
  private readonly traffic: CityTraffic;
  private readonly log: Logger;
  private readonly failures = new Map<string, { count: number; until: number }>();
  private budget = 0;
  private lastTick = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;
  readonly totals = { generated: 0, accepted: 0, duplicate: 0 };

  constructor(private readonly opts: SimulatorOptions) {
    this.traffic = opts.traffic ?? new CityTraffic();
    this.log = opts.log.child({ module: 'station-sim' });
  }

  /** Opens every device whose key is in the data folder, then ticks until stop(). A stop() during start-up wins. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.open();
    if (this.stopped) return;
    this.lastTick = Date.now();
    this.log.info({ devices: this.devices.size, ticketsPerMinute: this.opts.ticketsPerMinute, server: this.opts.serverUrl }, 'station simulator started');
    this.schedule(0);
  }

  async open(): Promise<void> {
    const missing: string[] = [];
    for (const d of DEVICES) {
      const device = await SimDevice.open(this.opts.dataDir, d.code);
      if (device) this.devices.set(d.code, device);
      else missing.push(d.code);
    }
    if (this.devices.size === 0) throw new Error(`no device keys in ${devicesDir(this.opts.dataDir)}: seed the demo city first (npm start does; standalone, give the simulator DATABASE_URL)`);
    if (missing.length) this.log.warn({ devices: missing }, 'no key in the data folder for these stations; they stay silent');
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.inFlight = this.tick()
        .catch((err: unknown) => this.log.error({ err }, 'simulator tick failed'))
        .finally(() => {
          this.inFlight = null;
          if (!this.stopped) this.schedule(this.opts.tickMs ?? 2000);
        });
    }, delayMs);
  }

  /** Generates what the elapsed time calls for, then sends every outbox. */
  async tick(): Promise<void> {
    const now = Date.now();
    this.budget += (this.opts.ticketsPerMinute * (now - this.lastTick)) / 60_000;
    this.lastTick = now;
    const n = Math.floor(this.budget);
    this.budget -= n;
    await this.generate(n);
    await this.flush();
  }

  /** n new trips (plus arrivals that are due), signed into each device's outbox. */
  async generate(n: number): Promise<number> {
    const trips = this.traffic.due();
    for (let i = 0; i < n; i++) trips.push(...this.traffic.next());
    const byDevice = new Map<string, Trip[]>();
    for (const t of trips) byDevice.set(t.device, [...(byDevice.get(t.device) ?? []), t]);
    let count = 0;
    for (const [code, list] of byDevice) {
      const device = this.devices.get(code);
      if (!device || device.outboxSize >= MAX_OUTBOX) continue;
      await device.record(list.map((t) => t.ticket));
      count += list.length;
    }
    this.totals.generated += count;
    return count;
  }

  /** Sends every outbox once; a device whose last send failed waits out its backoff. */
  async flush(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.devices.values()].map(async (device) => {
        const failing = this.failures.get(device.code);
        if (device.outboxSize === 0 || (failing && failing.until > now)) return;
        const r = await device.send(this.opts.serverUrl, this.opts.heads);
        this.totals.accepted += r.accepted;
        this.totals.duplicate += r.duplicate;
        if (r.ok) {
          if (failing) this.log.info({ device: device.code }, 'station is sending again');
          this.failures.delete(device.code);
          return;
        }
        const count = (failing?.count ?? 0) + 1;
        const wait = r.rechained ? 0 : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** count);
        this.failures.set(device.code, { count, until: Date.now() + wait });
        this.log.warn({ device: device.code, retryInMs: wait }, r.problem);
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
    this.log.info(this.totals, 'station simulator stopped');
  }
}

async function runStandalone(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const serverUrl = z.url({ protocol: /^https?$/ }).safeParse(process.env.HAULPROOF_SERVER_URL ?? 'http://127.0.0.1:8080');
  if (!serverUrl.success) throw new Error(`HAULPROOF_SERVER_URL must be an http(s) URL, got ${process.env.HAULPROOF_SERVER_URL}`);
  const db = config.DATABASE_URL ? connectDatabase(config.DATABASE_URL, { max: 2 }) : null;
  if (db) await seedDemoCity(db.prisma, { dataDir: config.HAULPROOF_DATA_DIR, log: (m) => log.warn(m) });
  const sim = new StationSimulator({ serverUrl: serverUrl.data, dataDir: config.HAULPROOF_DATA_DIR, ticketsPerMinute: config.DEMO_TICKETS_PER_MINUTE, log, ...(db ? { heads: databaseHeads(db.prisma) } : {}) });
  await sim.start();
  const shutdown = async () => {
    await sim.stop();
    await db?.close();
    log.flush();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await runStandalone().catch((err: unknown) => {
    process.stderr.write(`station simulator: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
