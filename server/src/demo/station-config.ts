// The configuration of each demo station's agent, made in code from the demo city:
// one lane per seeded scale, one simulated IC-card reader per lane, and how each
// lane weighs (city.ts laneWeighing). Validated by the agent's own schema.
import path from 'node:path';
import { AgentConfig } from '../../../station-agent/src/config.js';
import { DEVICES, laneWeighing, siteByCode, type SitePlan } from './city.js';

export const agentsDir = (dataDir: string) => path.join(dataDir, 'agents');
export const agentDir = (dataDir: string, code: string) => path.join(agentsDir(dataDir), code);

export interface StationTuning {
  /** Indicator frames per second (default 10). */
  frameRateHz?: number;
  /** The stable-weight window T (default 2000 ms, the agent's own default). */
  stabilityWindowMs?: number;
  /** The lanes refuse a vehicle weighed again within this (default 10 min; the demo compresses it with its clock). */
  repeatWithinMinutes?: number;
  /** Print every ticket to PDF (default true). */
  print?: boolean;
}

export const readerOf = (lane: string) => `${lane}-ic`;

export function demoAgentConfig(code: string, o: { serverUrl: string; dataDir: string } & StationTuning): AgentConfig {
  const site = siteOf(code);
  const lanes = Object.fromEntries(
    site.scales.map((s) => [
      s.code,
      {
        port: `sim:${code}/${s.code}`, // an in-memory line to an IndicatorSimulator, not a serial port
        weighing: laneWeighing(site, s),
        readers: [readerOf(s.code)],
        frameRateHz: o.frameRateHz ?? 10,
      },
    ]),
  );
  return AgentConfig.parse({
    device: code,
    server: o.serverUrl,
    dataDir: agentDir(o.dataDir, code),
    lanes,
    readers: site.scales.map((s) => ({ id: readerOf(s.code), kind: 'pcsc' })),
    policy: { repeatWithinMinutes: o.repeatWithinMinutes ?? 10 },
    stability: { windowMs: o.stabilityWindowMs ?? 2000 },
    print: { enabled: o.print ?? true },
  });
}

export function siteOf(code: string): SitePlan {
  const device = DEVICES.find((d) => d.code === code);
  if (!device) throw new Error(`the demo city has no station device ${code}`);
  return siteByCode(device.site);
}
