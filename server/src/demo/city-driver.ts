// The demo city's traffic, at DEMO_TICKETS_PER_MINUTE city-wide: trips planned by
// traffic.ts become truck visits at the stations' simulated lanes (the agents make
// the tickets). Demo time is compressed: a demo minute (tipping, loading, a
// trailer's journey to the plant) lasts `minuteMs` of real time.
import { TrafficDriver, type PassTiming, type SimStation, type VisitPass, type VisitPlan, type VisitResult } from '../../../station-agent/src/sim/index.js';
import type { Logger } from '../lib/logger.js';
import { laneWeighing } from './city.js';
import type { Rand } from './random.js';
import { CityTraffic, type Trip } from './traffic.js';

export interface CityDriverOptions {
  stations: SimStation[];
  ticketsPerMinute: number;
  log: Logger;
  /** Real ms a demo minute lasts (default 1000: an hour of trips goes by in a minute). */
  minuteMs?: number;
  /** The lanes' repeat-weighing window in demo minutes (what the agents were configured with). */
  repeatWithinMinutes?: number;
  rand?: Rand;
  anomalyRate?: number;
  tickMs?: number;
  timing?: PassTiming;
  maxWaiting?: number;
  onVisit?: (trip: Trip, result: VisitResult) => void;
}

const SUMMARY_MS = 60_000;

export class CityDriver {
  readonly driver: TrafficDriver;
  readonly traffic: CityTraffic;
  private readonly log: Logger;
  private readonly minuteMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private budget = 0;
  private lastTick = 0;
  private lastSummary = 0;
  private stopped = true;

  constructor(private readonly o: CityDriverOptions) {
    this.log = o.log.child({ module: 'city-traffic' });
    this.minuteMs = o.minuteMs ?? 1000;
    const maxWaiting = o.maxWaiting ?? 6;
    this.driver = new TrafficDriver(o.stations, {
      maxWaiting,
      log: { info: (m, c) => this.log.debug(c ?? {}, m), warn: (m, c) => this.log.warn(c ?? {}, m), error: (m, c) => this.log.error(c ?? {}, m) },
      ...(o.timing ? { timing: o.timing } : {}),
    });
    this.traffic = new CityTraffic({
      ...(o.rand ? { rand: o.rand } : {}),
      available: (plate, device) => this.driver.hasStation(device) && !this.driver.isBusy(plate) && this.driver.waiting(device) < maxWaiting,
      anomalyRate: o.anomalyRate ?? 0.03,
      repeatWindowMs: (o.repeatWithinMinutes ?? 10) * this.minuteMs + 2000,
    });
  }

  start(): void {
    this.stopped = false;
    this.driver.start();
    this.lastTick = this.lastSummary = Date.now();
    if (this.o.ticketsPerMinute > 0) this.later(0, () => this.tick());
    this.log.info({ ticketsPerMinute: this.o.ticketsPerMinute, stations: this.o.stations.length, demoMinuteMs: this.minuteMs }, 'city traffic started');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.driver.stop();
    this.log.info(this.driver.stats, 'city traffic stopped');
  }

  /** Sends one planned trip to its station now (and its trailer on to the plant once it has left). Never rejects. */
  submit(trip: Trip): Promise<VisitResult> | null {
    const run = this.driver.submit(this.visitOf(trip));
    if (!run) {
      trip.haul?.cancel();
      return null;
    }
    return run.then((result) => {
      try {
        if (result.ticket) this.traffic.weighed(trip.vehicle.plate, trip.device);
        if (trip.haul) this.haul(trip, result);
        this.o.onVisit?.(trip, result);
      } catch (err) {
        this.log.error({ err }, 'after a visit');
      }
      return result;
    });
  }

  private tick(): void {
    const now = Date.now();
    // at most ten seconds' worth at once: a stalled process does not come back with a burst
    this.budget = Math.min(this.budget + (this.o.ticketsPerMinute * (now - this.lastTick)) / 60_000, Math.max(1, this.o.ticketsPerMinute / 6));
    this.lastTick = now;
    for (let tries = 0; this.budget >= 1 && tries < 50; tries++) {
      const trips = this.traffic.next();
      this.budget -= Math.max(1, trips.length);
      for (const t of trips) void this.submit(t);
    }
    if (now - this.lastSummary >= SUMMARY_MS) {
      this.lastSummary = now;
      this.log.info(this.driver.stats, 'city traffic');
    }
    this.later(this.o.tickMs ?? 1000, () => this.tick());
  }

  /** A trailer that left its transfer station reaches the plant `afterMinutes` later, unless it is lost on the way. */
  private haul(trip: Trip, departed: VisitResult): void {
    const haul = trip.haul!;
    if (!departed.ticket) return haul.cancel();
    this.later(haul.afterMinutes * this.minuteMs, () => {
      const arrival = haul.arrive();
      if (!arrival) return; // 偷倒乱倒: the load never arrives, for the inspectors to find
      this.budget -= 1; // counts toward the city's rate like any trip
      const attempt = (left: number) => {
        // the plant's yard is full: the trailer waits at the gate and tries again
        if (!this.submit(arrival) && left > 0) this.later(5_000, () => attempt(left - 1));
      };
      attempt(12);
    });
  }

  private visitOf(trip: Trip): VisitPlan {
    const lanes = trip.site.scales;
    const stored = lanes.filter((s) => laneWeighing(trip.site, s) === 'STORED_TARE').map((s) => s.code);
    const twoPass = lanes.filter((s) => laneWeighing(trip.site, s) === 'TWO_PASS').map((s) => s.code);
    const base = { device: trip.device, plate: trip.vehicle.plate, card: trip.card, stream: trip.stream };
    if (trip.anomaly === 'UNKNOWN_CARD' || trip.anomaly === 'STREAM_NOT_ACCEPTED') {
      // the lane refuses it at the card: one attempt, then the truck turns round
      return { ...base, passes: [{ kg: trip.grossKg, lanes: lanes.map((s) => s.code) }] };
    }
    if (trip.kind === 'one-pass') return { ...base, passes: [{ kg: trip.grossKg, lanes: stored }] };
    const full: VisitPass = { kg: trip.grossKg, lanes: twoPass };
    const empty: VisitPass = { kg: trip.tareKg, lanes: twoPass };
    return { ...base, passes: trip.direction === 'IN' ? [full, empty] : [empty, full], dwellMs: trip.dwellMinutes * this.minuteMs };
  }

  private later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.stopped) return;
      try {
        fn();
      } catch (err) {
        this.log.error({ err }, 'city traffic step failed');
      }
    }, ms);
    this.timers.add(t);
  }
}
