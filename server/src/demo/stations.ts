// The demo city's weighbridge stations: one real StationAgent per seeded device,
// in this process, each on simulated indicators and card readers and with its
// own data folder <data>/agents/<code>/ (journal.db, prints/, device-key.pem).
// The agents fetch their registry from the server and post their journals to it
// through the device API, exactly as a station PC does.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { StationAgent, type AgentLogger } from '../../../station-agent/src/agent.js';
import type { AgentConfig } from '../../../station-agent/src/config.js';
import { JOURNAL_FILE } from '../../../station-agent/src/journal/journal.js';
import { keyPath, loadDeviceKey, storeDeviceKey } from '../../../station-agent/src/keys.js';
import { FORWARD_ALARMS } from '../../../station-agent/src/outbox/forwarder.js';
import { SimulatedDevices, type SimCurve, type SimStation } from '../../../station-agent/src/sim/index.js';
import { readJournalStatus } from '../../../station-agent/src/status.js';
import type { Logger } from '../lib/logger.js';
import { DEVICES, laneWeighing } from './city.js';
import { keyFile, readDeviceKey } from './device-files.js';
import { demoAgentConfig, siteOf, type StationTuning } from './station-config.js';

export interface DemoStationsOptions extends StationTuning {
  serverUrl: string;
  /** HAULPROOF_DATA_DIR: the seeded keys are in devices/<code>.key; the agents live in agents/<code>/. */
  dataDir: string;
  log: Logger;
  /** How many records the server holds for a device; null when it cannot be known (no database at hand). */
  serverChainLength?: (code: string) => Promise<number | null>;
  /** Which devices to run (default: every seeded one). */
  devices?: readonly string[];
  /** Truck curve timing of the simulated indicators. */
  curve?: Omit<SimCurve, 'divisionKg' | 'seed'>;
}

export interface RunningStation extends SimStation {
  agent: StationAgent;
  config: AgentConfig;
}

export const FRESH_START = 'stop the demo and delete the data folder to start afresh';

export class DemoStations {
  readonly running: RunningStation[] = [];
  readonly skipped: { code: string; reason: string }[] = [];
  private readonly log: Logger;

  constructor(private readonly o: DemoStationsOptions) {
    this.log = o.log.child({ module: 'demo-stations' });
  }

  /** Starts every station that can join its chain on the server; the others are skipped with the reason logged. */
  async start(signal?: AbortSignal): Promise<void> {
    const codes = this.o.devices ?? DEVICES.map((d) => d.code);
    await Promise.all(codes.map((code) => this.startOne(code, signal)));
    this.running.sort((a, b) => a.code.localeCompare(b.code));
    if (this.skipped.length) this.log.warn({ skipped: this.skipped.map((s) => s.code) }, `${this.skipped.length} station(s) not started; ${FRESH_START}`);
  }

  /** Stops the agents (each flushes its journal and closes its devices). */
  async stop(): Promise<void> {
    const all = this.running.splice(0);
    await Promise.all(all.map((s) => s.agent.stop().catch((err: unknown) => this.log.error({ err, device: s.code }, 'stopping a station agent failed'))));
  }

  private async startOne(code: string, signal?: AbortSignal): Promise<void> {
    const { serverUrl, dataDir, frameRateHz, stabilityWindowMs, repeatWithinMinutes, print } = this.o;
    const config = demoAgentConfig(code, { serverUrl, dataDir, frameRateHz, stabilityWindowMs, repeatWithinMinutes, print });
    const problem = await this.cannotStart(code, config.dataDir);
    if (problem) {
      this.skipped.push({ code, reason: problem });
      this.log.error({ device: code }, `station ${code} not started: ${problem}`);
      return;
    }
    const site = siteOf(code);
    const devices = new SimulatedDevices({
      readersByLane: Object.fromEntries(Object.entries(config.lanes).map(([lane, l]) => [lane, l.readers])),
      scales: Object.fromEntries(site.scales.map((s) => [s.code, { divisionKg: s.divisionKg, maxKg: s.maxKg }])),
      rateHz: this.o.frameRateHz ?? 10,
      seed: [...code].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7),
      ...(this.o.curve ? { curve: this.o.curve } : {}),
    });
    const log = agentLogger(this.o.log.child({ module: 'agent', device: code }));
    const agent = new StationAgent(config, log, devices.factories);
    try {
      await agent.start(signal);
    } catch (err) {
      await agent.stop();
      this.skipped.push({ code, reason: `the agent did not start: ${(err as Error).message}` });
      this.log.error({ err, device: code }, `station ${code} did not start`);
      return;
    }
    // An attended lane (two passes) names its operator on the ticket; the stored-tare lane is unattended (无人值守).
    for (const s of site.scales) agent.laneByCode(s.code)?.setOperator(laneWeighing(site, s) === 'TWO_PASS' ? (site.operators[0] ?? null) : null);
    agent.bus.on((e) => {
      if (e.type === 'alarm' && e.code === FORWARD_ALARMS.halted) {
        this.log.error({ device: code, alarm: e.message }, `station ${code}: the server's chain for this device does not continue this agent's journal (${config.dataDir}); its tickets stay in the journal and are not sent. The data folder holds records from an older demo: ${FRESH_START}.`);
      }
    });
    this.running.push({ code, agent, devices, config, operator: site.operators[0] ?? '值班员' });
  }

  /**
   * Why this station cannot join its chain on the server, or null. A fresh agent starts its
   * chain at seq 1; if the server already holds records for the device (an older demo wrote
   * them) the two would collide (SEQ_CONFLICT), so a fresh agent folder is only made while the
   * server's chain is empty.
   */
  private async cannotStart(code: string, dir: string): Promise<string | null> {
    const seeded = await readDeviceKey(this.o.dataDir, code);
    if (!seeded) return `no device key at ${keyFile(this.o.dataDir, code)} (the demo city is seeded by npm start)`;
    const journal = existsSync(path.join(dir, JOURNAL_FILE)) ? readJournalStatus(dir) : null;
    const onServer = (await this.o.serverChainLength?.(code)) ?? null;
    const local = journal?.lastSeq ?? 0;
    if (onServer !== null && onServer > local) {
      return `the server already holds ${onServer} record(s) of ${code} but this agent's journal has ${local} (${journal ? journal.file : 'none yet'}); they come from an older demo data folder, and the agent's next record would collide with them`;
    }
    if (onServer === 0 && journal?.lastAckAt) return `the server holds no records of ${code}, but its journal ${journal.file} has records the server once acknowledged (was the database replaced?)`;
    if (existsSync(keyPath(dir))) {
      const installed = loadDeviceKey(dir).publicKeyBase64;
      if (installed !== seeded.publicKey) return `${keyPath(dir)} is not the key registered for ${code} (${keyFile(this.o.dataDir, code)})`;
      return null;
    }
    storeDeviceKey(dir, readFileSync(keyFile(this.o.dataDir, code), 'utf8')); // mode 0600, never overwrites
    return null;
  }
}

/**
 * The agent's logger interface on pino; the child logger already names the device (STYLE.md 11).
 * Eleven agents' lane-by-lane info would drown the demo's own log: it is debug here.
 */
export function agentLogger(log: Logger): AgentLogger {
  const fields = (ctx: Record<string, unknown> | undefined) => {
    const { device: _device, ...rest } = ctx ?? {};
    return rest;
  };
  return {
    info: (msg, ctx) => log.debug(fields(ctx), msg),
    warn: (msg, ctx) => log.warn(fields(ctx), msg),
    error: (msg, ctx) => log.error(fields(ctx), msg),
  };
}
