/**
 * Drives vehicle visits through in-process station agents' simulated lanes. A visit
 * is one pass (stored tare: the truck is weighed once, full) or two (weighed, away
 * for a while — tipping, loading — then weighed again, on the same lane or another).
 * Trucks queue at each station (yard.ts); every lane serves one truck at a time.
 * What the lanes make of them — tickets, open first passes, refusals — is the agents'
 * doing; the driver only moves trucks and cards, and acts as the operator where a
 * lane needs one (choosing a stream, voiding a first pass whose truck will not return).
 */
import { setMaxListeners } from 'node:events';
import type { StreamCode } from '@haulproof/contracts';
import type { AgentLogger } from '../agent.js';
import type { EventBus } from '../event-bus.js';
import type { JournalEntry } from '../types.js';
import type { Lane } from '../weighing/index.js';
import { sleep, weighPass, type PassOutcome, type PassTiming } from './lane-pass.js';
import type { SimulatedDevices } from './sim-devices.js';
import { Yard } from './yard.js';

export interface SimStation {
  code: string;
  agent: { bus: EventBus; laneByCode(code: string): Lane | undefined };
  devices: SimulatedDevices;
  /** The operator who acts at this station's lanes (picks streams, voids). */
  operator: string;
}

export interface VisitPass {
  kg: number;
  /** Lanes this pass may use. */
  lanes: readonly string[];
}

export interface VisitPlan {
  device: string;
  plate: string;
  card: string;
  /** The stream the operator picks if the lane asks (a vehicle registered for several). */
  stream: StreamCode | null;
  passes: readonly [VisitPass] | readonly [VisitPass, VisitPass];
  /** Time away between the two passes. */
  dwellMs?: number;
}

export interface VisitResult {
  plan: VisitPlan;
  outcomes: PassOutcome[];
  /** The ticket the visit produced, if any. */
  ticket: JournalEntry | null;
}

export interface TrafficDriverOptions {
  log?: AgentLogger;
  timing?: PassTiming;
  /** Trucks that may wait at one station before new visits there are turned away (default 8). */
  maxWaiting?: number;
}

export type DriverStats = Record<'visits' | 'tickets' | 'opened' | 'refused' | 'failed' | 'turnedAway', number>;

export class TrafficDriver {
  private readonly stations = new Map<string, { station: SimStation; yard: Yard }>();
  private readonly busy = new Set<string>();
  private abort = new AbortController();
  private workers: Promise<void>[] = [];
  private visits = new Set<Promise<unknown>>();
  readonly stats: DriverStats = { visits: 0, tickets: 0, opened: 0, refused: 0, failed: 0, turnedAway: 0 };

  constructor(
    stations: SimStation[],
    private readonly o: TrafficDriverOptions = {},
  ) {
    for (const s of stations) this.stations.set(s.code, { station: s, yard: new Yard() });
  }

  /** Starts every lane's loop. */
  start(): void {
    this.abort = new AbortController();
    setMaxListeners(0, this.abort.signal); // every lane and every truck waits on it
    for (const { station, yard } of this.stations.values()) {
      for (const code of station.devices.laneCodes) {
        const lane = station.agent.laneByCode(code);
        if (lane) this.workers.push(this.work(station, yard, lane));
      }
    }
  }

  /** Stops at once: waiting trucks are turned away, trucks on a deck are abandoned. */
  async stop(): Promise<void> {
    this.abort.abort(new Error('traffic stopped'));
    for (const { yard } of this.stations.values()) yard.drain(new Error('traffic stopped'));
    await Promise.allSettled([...this.workers, ...this.visits]);
    this.workers = [];
  }

  /** Whether the vehicle is somewhere in a visit (queued, on a deck, tipping, loading). */
  isBusy(plate: string): boolean {
    return this.busy.has(plate);
  }

  waiting(device: string): number {
    return this.stations.get(device)?.yard.length ?? 0;
  }

  hasStation(device: string): boolean {
    return this.stations.has(device);
  }

  /** Starts a visit; null when the station is unknown or full or the vehicle is busy elsewhere. Never rejects. */
  submit(plan: VisitPlan): Promise<VisitResult> | null {
    const at = this.stations.get(plan.device);
    if (!at || this.abort.signal.aborted || this.busy.has(plan.plate) || at.yard.length >= (this.o.maxWaiting ?? 8)) {
      this.stats.turnedAway++;
      return null;
    }
    this.busy.add(plan.plate);
    this.stats.visits++;
    const run = this.visit(at.station, at.yard, plan)
      .catch((err: unknown): VisitResult => ({ plan, outcomes: [{ kind: 'failed', message: err instanceof Error ? err.message : String(err) }], ticket: null }))
      .finally(() => {
        this.busy.delete(plan.plate);
        this.visits.delete(run);
      });
    this.visits.add(run);
    return run;
  }

  private async visit(station: SimStation, yard: Yard, plan: VisitPlan): Promise<VisitResult> {
    const pass = (i: 0 | 1) => ({ plate: plan.plate, card: plan.card, kg: plan.passes[i]!.kg, stream: plan.stream, operator: station.operator });
    const result: VisitResult = { plan, outcomes: [], ticket: null };
    for (const i of plan.passes.length === 2 ? ([0, 1] as const) : ([0] as const)) {
      if (i === 1) await sleep(plan.dwellMs ?? 0, this.abort.signal);
      const { lane, outcome } = await yard.enqueue({ plan: pass(i), lanes: plan.passes[i]!.lanes });
      result.outcomes.push(outcome);
      this.count(outcome);
      if (outcome.kind === 'ticket') result.ticket = outcome.entry;
      if (outcome.kind === 'opened') {
        // a first pass nobody planned (no usable stored tare): the truck is gone, so the operator
        // voids the open ticket rather than leave it to the 12 h timeout
        if (i === plan.passes.length - 1) this.voidOpen(station, lane, plan.plate, 'unplanned first pass');
        continue;
      }
      if (i === 1 && outcome.kind !== 'ticket') this.voidOpen(station, lane, plan.plate, `second pass ${outcome.kind}`);
      break;
    }
    return result;
  }

  /** One lane's loop: weigh whichever waiting truck may use it, one at a time. */
  private async work(station: SimStation, yard: Yard, lane: Lane): Promise<void> {
    const signal = this.abort.signal;
    const devices = station.devices.lane(lane.code);
    while (!signal.aborted) {
      const job = yard.take(lane.code);
      if (!job) {
        await yard.changed(signal);
        continue;
      }
      try {
        const outcome = await weighPass(lane, devices, station.agent.bus, job.plan, this.o.timing, signal);
        if (outcome.kind === 'refused' || outcome.kind === 'failed') this.o.log?.info(`lane ${outcome.kind} ${job.plan.plate}: ${outcome.message}`, { device: station.code, lane: lane.code });
        job.settle({ lane: lane.code, outcome });
      } catch (err) {
        job.fail(err);
      }
    }
  }

  private voidOpen(station: SimStation, laneCode: string, plate: string, why: string): void {
    const r = station.agent.laneByCode(laneCode)?.voidOpenTicket(plate, station.operator, `车辆未完成第二次过磅 / ${why}`);
    if (r?.ok) this.o.log?.info('operator voided an open first pass', { device: station.code, lane: laneCode, plate, why });
  }

  private count(o: PassOutcome): void {
    if (o.kind === 'ticket') this.stats.tickets++;
    else this.stats[o.kind]++;
  }
}
