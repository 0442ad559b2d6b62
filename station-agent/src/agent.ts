import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { AgentConfig } from './config.js';
import { createCardSources, createIndicators, type DeviceFactories, type StartStop } from './device-factory.js';
import { EventBus } from './event-bus.js';
import { failpoint } from './failpoints.js';
import { withFailpoints } from './failpoint-journal.js';
import { SqliteJournal } from './journal/journal.js';
import type { IntegrityReport } from './journal/integrity.js';
import { loadDeviceKey } from './keys.js';
import { heartbeatOpenTickets } from './live/heartbeat.js';
import { Uplink } from './live/uplink.js';
import { Forwarder } from './outbox/forwarder.js';
import { HttpIngestTransport } from './outbox/ingest-client.js';
import { TicketPrinter } from './print/printer.js';
import { RegistryCache } from './registry/cache.js';
import { HttpRegistrySource } from './registry/registry-client.js';
import type { AgentEvent, Clock, RegistrySnapshot } from './types.js';
import { SOFTWARE_VERSION } from './version.js';
import { CardRegistry, Lane } from './weighing/index.js';

export interface AgentLogger {
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
}

export interface AgentStatus {
  device: string;
  softwareVersion: string;
  lanes: Record<string, { state: string; plate: string | null; message: string | null }>;
  readers: Record<string, 'ready' | 'absent' | 'error'>;
  queueDepth: number;
  lastSeq: number;
  forwarder: ReturnType<Forwarder['status']>;
  registry: ReturnType<RegistryCache['status']>;
  alarms: Record<string, string>;
  clockOffsetMs: number | null;
}

export class RegistryUnavailableError extends Error {
  override name = 'RegistryUnavailableError';
}

/**
 * One station agent: devices → lanes → journal → forwarder, plus printing and
 * the live uplink. The constructor only assigns; start() builds and starts the
 * parts in dependency order and stop() stops them in reverse (STYLE.md 5).
 */
export class StationAgent {
  readonly bus: EventBus;
  private readonly clock: Clock;
  private journal: SqliteJournal | null = null;
  private registry: RegistryCache | null = null;
  private forwarder: Forwarder | null = null;
  private uplink: Uplink | null = null;
  private lanes: Lane[] = [];
  private devices: StartStop[] = [];
  private readonly readerStates: AgentStatus['readers'] = {};
  private readonly alarms: AgentStatus['alarms'] = {};
  private stops: (() => void | Promise<void>)[] = [];
  integrity: IntegrityReport | null = null;

  constructor(
    private readonly config: AgentConfig,
    private readonly log: AgentLogger,
    private readonly factories: Partial<DeviceFactories> = {},
    clock?: Clock,
  ) {
    this.clock = clock ?? Date.now;
    this.bus = new EventBus((err, e) => this.log.error('an event listener failed', { err: String(err), event: e.type }));
  }

  async start(signal?: AbortSignal): Promise<void> {
    const { config } = this;
    const fp = config.failpoint;
    mkdirSync(config.dataDir, { recursive: true });
    const key = loadDeviceKey(config.dataDir);
    const device = { code: config.device, privateKey: key.privateKey };
    this.stops.push(this.bus.on((e) => this.track(e)));

    // 1. The journal first: nothing is weighed unless it can be written.
    const journal = new SqliteJournal({ dataDir: config.dataDir, deviceCode: config.device, key, bus: this.bus, clock: this.clock });
    this.integrity = journal.start();
    this.journal = journal;
    this.stops.push(() => journal.stop());
    if (this.integrity.quarantined.length) this.log.warn('damaged journal records were quarantined', { seqs: this.integrity.quarantined.map((q) => q.seq) });

    // 2. The registry: the cached copy at once, the server's when it answers.
    this.registry = new RegistryCache({ store: journal, source: new HttpRegistrySource({ serverUrl: config.server, device }), bus: this.bus, clock: this.clock });
    this.registry.start();
    this.stops.push(() => this.registry?.stop());
    const snapshot = this.registry.snapshot() ?? ((await this.registry.refresh()) === 'updated' ? this.registry.snapshot() : null);
    if (!snapshot) throw new RegistryUnavailableError(`no registry snapshot for ${config.device}: the server must be reachable once (enrol fetches it)`);
    if (signal?.aborted) return;

    // 3. Forwarding, printing and the live uplink listen to completed tickets.
    const transport = new HttpIngestTransport({ serverUrl: config.server, device });
    this.forwarder = new Forwarder({
      journal: withFailpoints(journal, fp),
      transport: { send: async (records) => { const answer = await transport.send(records); failpoint(fp, 'after-server-ack'); return answer; } },
      bus: this.bus,
      clock: this.clock,
    });
    const printer = config.print.enabled ? new TicketPrinter(path.join(config.dataDir, 'prints'), snapshot, config.print.font, this.log) : null;
    // A crash between journaling and printing leaves a ticket unprinted: print it now (existing files are skipped).
    if (printer) for (const e of journal.unacked(500)) if (e.kind === 'ticket') await printer.print(e);
    this.stops.push(
      this.bus.on((e) => {
        if (e.type === 'lane.state' && e.state === 'SETTLING') failpoint(fp, 'settling');
        if (e.type !== 'ticket.completed') return;
        failpoint(fp, 'after-journal');
        const printed = printer ? printer.print(e.entry) : Promise.resolve();
        void printed.finally(() => {
          failpoint(fp, 'after-print');
          this.forwarder?.kick();
        });
      }),
    );
    this.forwarder.start();
    this.stops.push(() => this.forwarder?.stop());

    // 4. Lanes, then the devices that feed them.
    const cards = new CardRegistry();
    for (const [code, laneConfig] of Object.entries(config.lanes)) {
      const spec = laneSpec(snapshot, code);
      const lane = new Lane(
        {
          code,
          scale: { maxKg: spec.maxKg, divisionKg: spec.divisionKg, minLoadKg: spec.minLoadKg },
          stability: { windowMs: config.stability.windowMs, toleranceE: config.stability.toleranceE, expectedHz: laneConfig.frameRateHz },
          policy: {
            weighing: laneConfig.weighing,
            defaultStream: laneConfig.defaultStream,
            openTicketTimeoutMs: config.policy.openTicketTimeoutHours * 3_600_000,
            repeatWithinMs: config.policy.repeatWithinMinutes * 60_000,
            tareDeviationShare: config.policy.tareDeviationPercent / 100,
            estimateSamples: config.policy.estimateSamples,
            estimateMinSamples: config.policy.estimateMinSamples,
            estimateRatedLoadShare: config.policy.estimateRatedLoadPercent === null ? null : config.policy.estimateRatedLoadPercent / 100,
          },
          readers: laneConfig.readers,
        },
        { journal: withFailpoints(journal, fp), registry: this.registry, bus: this.bus, cards, clock: this.clock, softwareVersion: SOFTWARE_VERSION },
      );
      lane.start();
      this.lanes.push(lane);
    }
    this.devices = [...createIndicators(config, snapshot, this.bus, this.factories), ...createCardSources(config, this.bus, this.factories)];
    // Stops run in reverse: the lanes stop listening before their devices go away, so a
    // shutdown is not journaled as a scale fault.
    this.stops.push(async () => {
      for (const d of [...this.devices].reverse()) await d.stop().catch(() => undefined);
    });
    this.stops.push(() => this.lanes.forEach((l) => l.stop()));
    for (const d of this.devices) {
      if (signal?.aborted) break;
      await d.start();
    }

    this.uplink = new Uplink({ serverUrl: config.server, deviceCode: config.device, privateKey: key.privateKey, clock: this.clock, status: () => this.heartbeat(), log: (m) => this.log.warn(m), onConnect: () => this.forwarder?.serverReachable() });
    this.uplink.start();
    this.stops.push(this.bus.on((e) => this.uplink?.handle(e)));
    this.stops.push(() => this.uplink?.stop());
    this.log.info('station agent running', { device: config.device, lanes: Object.keys(config.lanes), version: SOFTWARE_VERSION });
  }

  /** Stops in reverse order of start; safe to call twice or after a failed start. */
  async stop(): Promise<void> {
    const stops = this.stops.reverse();
    this.stops = [];
    for (const s of stops) {
      try {
        await s();
      } catch (err) {
        this.log.warn('stopping a part failed', { err: String(err) });
      }
    }
  }

  /** Forward now instead of waiting out a backoff (the server is known to be back). */
  forwardNow(): void {
    this.forwarder?.serverReachable();
  }

  laneByCode(code: string): Lane | undefined {
    return this.lanes.find((l) => l.code === code);
  }

  status(): AgentStatus {
    return {
      device: this.config.device,
      softwareVersion: SOFTWARE_VERSION,
      lanes: Object.fromEntries(this.lanes.map((l) => { const v = l.view(); return [l.code, { state: v.state, plate: v.plate, message: v.message }]; })),
      readers: { ...this.readerStates },
      queueDepth: this.journal?.queueDepth() ?? 0,
      lastSeq: this.journal?.lastSeq() ?? 0,
      forwarder: this.forwarder?.status() ?? { state: 'stopped', queueDepth: 0, lastAckAt: null, lastError: null, halt: null, nextAttemptAt: null },
      registry: this.registry?.status() ?? { fetchedAt: null, confirmedAt: null, etag: null, lastError: null },
      alarms: { ...this.alarms },
      clockOffsetMs: this.uplink?.clockOffsetMs ?? null,
    };
  }

  private heartbeat() {
    const s = this.status();
    return {
      softwareVersion: s.softwareVersion,
      queueDepth: s.queueDepth,
      lastSeq: s.lastSeq,
      lastFrameAt: Object.fromEntries(this.lanes.map((l) => [l.code, this.lastFrameAt.get(l.code) ?? null])),
      readers: s.readers,
      alarms: Object.keys(s.alarms),
      openTickets: heartbeatOpenTickets(this.journal),
    };
  }

  private readonly lastFrameAt = new Map<string, string>();

  private track(e: AgentEvent): void {
    switch (e.type) {
      case 'weight.sample':
        this.lastFrameAt.set(e.sample.lane, new Date(e.sample.at).toISOString());
        break;
      case 'reader.state':
        this.readerStates[e.reader] = e.state;
        this.log.info(`reader ${e.reader}: ${e.state}`, e.detail ? { detail: e.detail } : {});
        break;
      case 'lane.state':
        this.log.info(`lane ${e.lane}: ${e.state}`, { plate: e.plate, message: e.message });
        break;
      case 'card.presented':
        this.log.info(`card ${e.uid} at ${e.reader}`);
        break;
      case 'alarm':
        this.alarms[e.code] = e.message;
        this.log.warn(`alarm ${e.code}: ${e.message}`);
        break;
      case 'alarm.cleared':
        delete this.alarms[e.code];
        break;
      default:
        break;
    }
  }
}

function laneSpec(snapshot: RegistrySnapshot, code: string): RegistrySnapshot['lanes'][number] {
  const lane = snapshot.lanes.find((l) => l.code === code);
  if (!lane) throw new RegistryUnavailableError(`lane ${code} is configured here but is not a lane of device ${snapshot.device.code} in the registry (lanes: ${snapshot.lanes.map((l) => l.code).join(', ') || 'none'})`);
  return lane;
}
