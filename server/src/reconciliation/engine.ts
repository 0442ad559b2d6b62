// Recomputes service days and stores them. Two entry points, one computation:
//   recompute(days)    — the incremental path: the days tickets and station events touched, ascending;
//                        a day whose hand-over state (station stock and mix) changed
//                        pulls the next computed day in after it (the cascade);
//   recomputeRange()   — the full path: every day from scratch, in order.
// Both call computeDay() with the same inputs, so they store the same rows.
import type { AnomalyChanges } from '../repositories/reconciliation/anomaly-sync.js';
import type { ReconInputRepository } from '../repositories/reconciliation/recon-input.repository.js';
import type { ReconOutputRepository } from '../repositories/reconciliation/recon-output.repository.js';
import { addDays, daysBetween, localDay } from './calendar.js';
import { computeDay, stateHash } from './day.js';
import { daysToRecompute, type TicketTouch } from './dirty.js';
import { StationEventWindow } from './event-window.js';
import type { ReconRules } from './rules.js';
import type { Day, DayResult, ReconTicket, Registry, StationState } from './types.js';

export interface DayOutcome {
  day: Day;
  tickets: number;
  anomalies: number;
  changes: AnomalyChanges;
  stateChanged: boolean;
}

const EMPTY_HASH = stateHash([]);

export class ReconciliationEngine {
  constructor(
    private readonly input: ReconInputRepository,
    private readonly output: ReconOutputRepository,
    private readonly rules: ReconRules,
  ) {}

  /** Recomputes these days and whatever their changes cascade into. Returns what was done, in order. */
  async recompute(days: Iterable<Day>, asOf: number): Promise<DayOutcome[]> {
    return (await this.recomputeAtMost(days, asOf, Infinity)).done;
  }

  /**
   * recompute(), stopping after `max` days so a long backlog (a registry edit) can go in
   * chunks with ticket runs in between. `left`: what is still owed, cascade included.
   */
  async recomputeAtMost(days: Iterable<Day>, asOf: number, max: number): Promise<{ done: DayOutcome[]; left: Day[] }> {
    const pending = new Set(days);
    const done: DayOutcome[] = [];
    const registry = await this.input.registry();
    const window = new TicketWindow(this.input);
    const events = new StationEventWindow((from, to) => this.input.stationEvents(from, to));
    while (pending.size > 0 && done.length < max) {
      const day = [...pending].sort()[0]!;
      pending.delete(day);
      const [tickets, previous, stationEvents] = await Promise.all([window.around(day, [...pending]), this.output.states(addDays(day, -1)), events.around(day)]);
      const outcome = await this.store(computeDay({ day, tickets, stationEvents, previous, registry, rules: this.rules, asOf }), asOf);
      done.push(outcome);
      if (outcome.stateChanged) {
        const next = addDays(day, 1);
        if ((await this.output.storedDays([next])).has(next)) pending.add(next);
      }
    }
    return { done, left: [...pending].sort() };
  }

  /** The incremental path for changed tickets: the days they touch (dirty.ts), then the cascade. */
  async recomputeTouched(touches: readonly TicketTouch[], asOf: number): Promise<DayOutcome[]> {
    const candidates = new Set<Day>();
    for (const t of touches) {
      const d = localDay(t.weighedAt, t.timezone);
      candidates.add(addDays(d, -1)).add(d).add(addDays(d, 1));
    }
    const stored = await this.output.storedDays([...candidates]);
    return this.recompute(daysToRecompute(touches, this.rules, (d) => stored.has(d)), asOf);
  }

  /** Every day from `from` to `to` from scratch, in order; the ledger is read once, a day at a time. */
  async recomputeRange(from: Day, to: Day, asOf: number, onDay?: (o: DayOutcome) => void): Promise<DayOutcome[]> {
    const registry = await this.input.registry();
    const window = new TicketWindow(this.input);
    const events = new StationEventWindow((f, t) => this.input.stationEvents(f, t));
    let previous: StationState[] = await this.output.states(addDays(from, -1));
    const done: DayOutcome[] = [];
    for (const day of daysBetween(from, to)) {
      const [tickets, stationEvents] = await Promise.all([window.around(day, [addDays(day, 1)]), events.around(day)]);
      const result = computeDay({ day, tickets, stationEvents, previous, registry, rules: this.rules, asOf });
      const outcome = await this.store(result, asOf);
      done.push(outcome);
      onDay?.(outcome);
      previous = result.states;
    }
    return done;
  }

  /** The days the ledger's tickets fall on, in any site's zone. */
  async ledgerDays(): Promise<{ from: Day; to: Day } | null> {
    const [span, registry] = await Promise.all([this.input.ticketSpan(), this.input.registry()]);
    if (!span) return null;
    const zones = [...new Set([...registry.sites.values()].map((s) => s.timezone))];
    const firsts = zones.map((z) => localDay(span.first, z)).sort();
    const lasts = zones.map((z) => localDay(span.last, z)).sort();
    return { from: firsts[0]!, to: lasts[lasts.length - 1]! };
  }

  /** Registry used for scoping events; exposed so the worker need not load it twice. */
  registry(): Promise<Registry> {
    return this.input.registry();
  }

  private async store(result: DayResult, asOf: number): Promise<DayOutcome> {
    const hash = stateHash(result.states);
    const before = (await this.output.storedDays([result.day])).get(result.day)?.stateHash ?? EMPTY_HASH;
    const changes = await this.output.writeDay(result, hash, asOf);
    return { day: result.day, tickets: result.ticketCount, anomalies: result.anomalies.length, changes, stateChanged: hash !== before };
  }
}

/**
 * The tickets of the days being recomputed, read once per run: consecutive days share two
 * of their three window days. Days the run has moved past are dropped.
 */
class TicketWindow {
  private readonly byDay = new Map<Day, ReconTicket[]>();
  constructor(private readonly input: ReconInputRepository) {}

  /** Tickets of day − 1, day and day + 1; `upcoming` days are read in the same query, while contiguous. */
  async around(day: Day, upcoming: Day[]): Promise<ReconTicket[]> {
    for (const d of [...this.byDay.keys()]) if (d < addDays(day, -1)) this.byDay.delete(d);
    const wanted = [addDays(day, -1), day, addDays(day, 1)];
    let last = addDays(day, 1);
    for (const d of [...upcoming].sort()) {
      if (d > addDays(last, 1)) break; // a gap: read that later
      if (addDays(d, 1) > last) last = addDays(d, 1);
    }
    const missing = daysBetween(addDays(day, -1), last).filter((d) => !this.byDay.has(d));
    if (missing.length > 0) {
      const from = missing[0]!;
      const to = missing[missing.length - 1]!;
      for (const d of daysBetween(from, to)) this.byDay.set(d, []);
      for (const t of await this.input.tickets(from, to)) this.byDay.get(t.serviceDay)?.push(t);
    }
    return wanted.flatMap((d) => this.byDay.get(d) ?? []);
  }
}
