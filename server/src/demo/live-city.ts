// The live part of the demo city: its station agents, and the trucks that drive
// over their simulated weighbridges. npm start runs it beside the server; the
// compose `station` service runs it on its own (stations-main.ts).
import type { PassTiming } from '../../../station-agent/src/sim/index.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { VEHICLES } from './fleet.js';
import { CityDriver, type CityDriverOptions } from './city-driver.js';
import type { Rand } from './random.js';
import { DemoStations, type DemoStationsOptions, type RunningStation } from './stations.js';

/** Demo time: a demo minute lasts this many real ms (an hour of the city's traffic goes by in a minute). */
export const DEMO_MINUTE_MS = 1000;
/** OIML-style truck curves shortened for the demo: drive on in 1.5 s, ring for 1 s, settle in 0.5 s. */
export const DEMO_CURVE = { rampS: 1.5, oscillationS: 1, settleS: 0.5 };
const REPEAT_WITHIN_DEMO_MINUTES = 10;

export interface LiveCityOptions extends Omit<DemoStationsOptions, 'repeatWithinMinutes'> {
  ticketsPerMinute: number;
  minuteMs?: number;
  rand?: Rand;
  anomalyRate?: number;
  timing?: PassTiming;
  onVisit?: CityDriverOptions['onVisit'];
  /** Aborts the agents' start-up (a stop while starting). */
  signal?: AbortSignal;
}

export interface LiveCity {
  stations: DemoStations;
  traffic: CityDriver;
  /** Traffic first, then the agents (they flush their journals). */
  stop(): Promise<void>;
}

export async function startLiveCity(o: LiveCityOptions): Promise<LiveCity> {
  const minuteMs = o.minuteMs ?? DEMO_MINUTE_MS;
  const stations = new DemoStations({ curve: DEMO_CURVE, ...o, repeatWithinMinutes: (REPEAT_WITHIN_DEMO_MINUTES * minuteMs) / 60_000 });
  await stations.start(o.signal);
  if (o.signal?.aborted) {
    await stations.stop();
    throw new Error('start-up aborted');
  }
  for (const s of stations.running) {
    const voided = voidLeftovers(s);
    if (voided.length) o.log.info({ device: s.code, plates: voided }, 'the operator voided first passes left open when the demo last stopped');
  }
  const traffic = new CityDriver({
    stations: stations.running,
    ticketsPerMinute: o.ticketsPerMinute,
    log: o.log,
    minuteMs,
    repeatWithinMinutes: REPEAT_WITHIN_DEMO_MINUTES,
    ...(o.rand ? { rand: o.rand } : {}),
    ...(o.anomalyRate !== undefined ? { anomalyRate: o.anomalyRate } : {}),
    ...(o.timing ? { timing: o.timing } : {}),
    ...(o.onVisit ? { onVisit: o.onVisit } : {}),
  });
  traffic.start();
  return {
    stations,
    traffic,
    async stop() {
      await traffic.stop();
      await stations.stop();
    },
  };
}

/**
 * A first pass left open when the demo last stopped belongs to a truck that is long gone:
 * the station's operator voids it, as the agent's 12 h timeout would much later.
 */
function voidLeftovers(s: RunningStation): string[] {
  const lane = s.agent.laneByCode(Object.keys(s.config.lanes)[0]!);
  if (!lane || s.agent.status().lastSeq === 0) return [];
  // the agent does not list its open tickets, so each of the city's vehicles is tried (most have none)
  return VEHICLES.filter((v) => lane.voidOpenTicket(v.plate, s.operator, '演示重启，车辆已离场 / demo restarted: the vehicle has left').ok).map((v) => v.plate);
}

/** How many records the ledger holds for a device (its chain's last seq). */
export function databaseChainLength(prisma: PrismaClient): (code: string) => Promise<number> {
  return async (code) => (await prisma.deviceRecord.findFirst({ where: { device: { code } }, orderBy: { seq: 'desc' }, select: { seq: true } }))?.seq ?? 0;
}
