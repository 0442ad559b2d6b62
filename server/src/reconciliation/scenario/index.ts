// A deterministic city-month with known truth, for tests and benchmarks:
//
//   const s = generateScenario({ seed: 7, from: '2026-03-01', days: 31, faults: { DUMPING: 2 } });
//   await writeScenario(ownerClient, s);        // registry, signed records, tickets, voids, corrections, station events
//   s.faults                                     // what was injected, with the anomaly keys it must raise
//   s.truth                                      // collected and disposed kg by district, as generated
import { mulberry32 } from '../../demo/random.js';
import { addDays, daysBetween } from '../calendar.js';
import { buildCity, type ScenarioCity } from './city.js';
import { planFaults, type FaultKind, type InjectedFault } from './faults.js';
import { IdSource } from './ids.js';
import { LaneEvents } from './lane-events.js';
import { RecordSigner, signItems, type SignedScenario, type SignItem } from './records.js';
import { trafficByDay } from './traffic.js';
import { TruthLedger, type ScenarioTruth } from './truth.js';
import { writeCity, writeEvents, writeStationEvents, writeTickets } from './writer.js';
import type pg from 'pg';

export interface ScenarioSpec {
  seed: number;
  from: string; // first service day, YYYY-MM-DD
  days: number;
  districts?: number; // 1…12, default 6
  populationScale?: number; // default 1: the Suzhou districts' census populations
  faults?: Partial<Record<FaultKind, number>>;
  voids?: number;
  corrections?: number;
  /** Benign lane refusals over the month (unknown cards; a deck not at zero, driven off and on again): station events that must raise nothing. */
  refusals?: number;
}

export interface Scenario extends SignedScenario {
  spec: ScenarioSpec;
  city: ScenarioCity;
  days: string[];
  faults: InjectedFault[];
  /** District figures as generated, for checking attribution (truth.ts). */
  truth: ScenarioTruth;
  /** Signs corrections; an ADMIN row written with the city. */
  corrector: { id: string; username: string };
}

export function generateScenario(spec: ScenarioSpec): Scenario {
  const chunks = scenarioChunks(spec);
  const all: SignedScenario = { records: [], tickets: [], events: [], stationEvents: [] };
  for (;;) {
    const next = chunks.next();
    if (next.done) return { ...next.value, ...all };
    for (const k of ['records', 'tickets', 'events', 'stationEvents'] as const) for (const x of next.value[k]) (all[k] as unknown[]).push(x);
  }
}

export interface ScenarioChunk extends SignedScenario {
  /** Service days generated so far. */
  through: string;
}

/**
 * The same scenario, signed and handed out a day at a time (for months too large to hold):
 * each chunk holds the records completed before 05:00 the next morning, when that day's
 * night work is done and the next day's has not begun. Returns the scenario's truth at the end.
 */
export function* scenarioChunks(spec: ScenarioSpec): Generator<ScenarioChunk, Omit<Scenario, keyof SignedScenario>> {
  const ids = new IdSource(spec.seed);
  const days = daysBetween(spec.from, addDays(spec.from, spec.days - 1));
  const { city, corrector } = cityOf(spec, ids);
  const targets = planFaults(city, days, spec.faults ?? {}, mulberry32(spec.seed ^ 0x5eed));
  const signer = new RecordSigner(city, ids, corrector.id);
  const faults: InjectedFault[] = [];
  const truth = new TruthLedger(city);
  const lane = new LaneEvents(targets, city, ids, mulberry32(spec.seed ^ 0x1a4e), { total: spec.refusals ?? 0, days: days.length });
  let pending: SignItem[] = [];
  for (const { day, weighings, faults: found } of trafficByDay(city, spec.from, spec.days, targets, { voids: spec.voids ?? 0, corrections: spec.corrections ?? 0 }, ids, mulberry32(spec.seed + 1))) {
    faults.push(...found);
    const events = lane.apply(day, days.indexOf(day), weighings); // before the truth: a repeated weighing is in the ledger
    faults.push(...events.faults);
    for (const w of weighings) truth.add(w);
    pending.push(...signItems(weighings), ...events.items);
    const cutoff = Date.parse(`${addDays(day, 1)}T05:00:00+08:00`);
    const last = day === days[days.length - 1];
    if (last && pending.some((i) => i.at >= Date.parse(`${addDays(day, 1)}T00:00:00+08:00`))) throw new Error(`scenario: a weighing falls after ${day}`);
    const ready = last ? pending : pending.filter((i) => i.at < cutoff);
    pending = last ? [] : pending.filter((i) => i.at >= cutoff);
    yield { through: day, ...signer.sign(ready) };
  }
  const injected = new Map<string, number>();
  for (const f of faults) injected.set(f.kind, (injected.get(f.kind) ?? 0) + 1);
  for (const [kind, n] of Object.entries(spec.faults ?? {})) {
    if ((injected.get(kind) ?? 0) !== n) throw new Error(`scenario: asked for ${n} ${kind} fault(s), injected ${injected.get(kind) ?? 0}; try another seed`);
  }
  return { spec, city, days, faults, truth: truth.result(), corrector };
}

/** The scenario's registry (and the user who signs corrections): what to write before any ticket. */
export function scenarioCity(spec: ScenarioSpec): { city: ScenarioCity; corrector: { id: string; username: string } } {
  return cityOf(spec, new IdSource(spec.seed));
}

function cityOf(spec: ScenarioSpec, ids: IdSource) {
  const city = buildCity({ districts: spec.districts ?? 6, populationScale: spec.populationScale ?? 1, from: spec.from, days: spec.days }, ids, mulberry32(spec.seed));
  return { city, corrector: { id: ids.uuid('user'), username: 'scenario.corrector' } };
}

/** Everything at once, as the database owner (the application role may not write the registry's users this way). */
export async function writeScenario(c: Pick<pg.ClientBase, 'query'>, s: Scenario): Promise<void> {
  await writeCity(c, s.city, [s.corrector]);
  await writeTickets(c, s.records.filter((r) => r.kind === 'ticket'), s.tickets);
  await writeEvents(c, s.records.filter((r) => r.kind === 'void'), s.events);
  await writeStationEvents(c, s.records.filter((r) => r.kind === 'event'), s.stationEvents);
}

export type { InjectedFault, FaultKind } from './faults.js';
export type { ScenarioCity } from './city.js';
export type { ScenarioTruth } from './truth.js';
export { writeCity, writeEvents, writeStationEvents, writeTickets } from './writer.js';
