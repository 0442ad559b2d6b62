// One service day, computed from scratch: a pure function of the tickets of the
// day and its neighbours (custody legs cross midnight), the registry, what the day
// before handed over (station stock and mix), the rules and the time of asking.
// The incremental path and a full recomputation both call this, so they agree.
import { createHash } from 'node:crypto';
import { canonicalJson, type CanonicalValue } from '@haulproof/contracts';
import { attributeDay, collectedDistrict, mixKey } from './attribution.js';
import { stationBalancesForDay } from './balance.js';
import { dayEnd } from './calendar.js';
import { checksForDay } from './checks.js';
import { custodyForDay } from './custody.js';
import { integrityForDay } from './integrity.js';
import { routeRunsForDay } from './route-runs.js';
import type { ReconRules } from './rules.js';
import type { ReconStationEvent } from './station-events.js';
import { VehicleTimelines } from './timeline.js';
import type { Day, DayResult, Mix, ReconTicket, Registry, SiteDayRow, StationState } from './types.js';

export interface DayInput {
  day: Day;
  /** Tickets whose service day is day − 1, day or day + 1 (not voided, corrections applied). */
  tickets: readonly ReconTicket[];
  /** Integrity station events of day − 1, day and day + 1 (integrity.ts); none when left out. */
  stationEvents?: readonly ReconStationEvent[];
  /** The states day − 1 handed over (empty when it was never computed). */
  previous: readonly StationState[];
  registry: Registry;
  rules: ReconRules;
  asOf: number;
}

export function computeDay(input: DayInput): DayResult {
  const { day, tickets, registry, rules, asOf } = input;
  const graceMs = rules.closeGraceMinutes * 60_000;
  const isClosed = (siteId: string) => asOf >= dayEnd(day, registry.sites.get(siteId)?.timezone ?? 'Asia/Shanghai') + graceMs;
  const zones = new Set([...registry.sites.values()].map((s) => s.timezone));
  const closed = [...zones].every((tz) => asOf >= dayEnd(day, tz) + graceMs);
  const ofDay = tickets.filter((t) => t.serviceDay === day);

  const timelines = new VehicleTimelines(tickets);
  const custody = custodyForDay(day, ofDay, timelines, registry, rules, asOf);
  const runs = routeRunsForDay(day, ofDay, custody.arrivals, registry, rules, isClosed);
  const balance = stationBalancesForDay(day, ofDay, input.previous, (t) => collectedDistrict(t, runs.routeOf, custody.arrivals, registry), registry, rules, isClosed);
  const mixes = new Map<string, Mix>();
  for (const s of input.previous) mixes.set(mixKey(s, previousDay(day)), s.mix);
  for (const s of balance.states) mixes.set(mixKey(s, day), s.mix);
  const districtDays = attributeDay({ day, tickets: ofDay, arrivals: custody.arrivals, routeOf: runs.routeOf, mixes, registry });
  const checks = checksForDay(day, ofDay, custody.arrivals, registry, rules, isClosed);
  const integrity = integrityForDay(day, tickets, input.stationEvents ?? [], registry, rules.repeatWithinMinutes);

  return {
    day,
    closed,
    ticketCount: ofDay.length,
    siteDays: siteDays(day, ofDay, registry),
    routeRuns: runs.runs,
    runTickets: runs.runTickets,
    legs: custody.legs.sort((a, b) => (a.outTicketId < b.outTicketId ? -1 : 1)),
    balances: balance.rows,
    districtDays,
    permitDays: checks.permitDays,
    anomalies: [...custody.anomalies, ...runs.anomalies, ...balance.anomalies, ...checks.anomalies, ...integrity].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    states: balance.states,
  };
}

function previousDay(day: Day): Day {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function siteDays(day: Day, tickets: readonly ReconTicket[], registry: Registry): SiteDayRow[] {
  const rows = new Map<string, SiteDayRow>();
  for (const t of tickets) {
    const key = `${t.siteId}|${t.stream}|${t.direction}|${t.provenance}`;
    const row = rows.get(key);
    if (row) {
      row.tickets += 1;
      row.netKg += t.netKg;
    } else rows.set(key, { serviceDay: day, siteId: t.siteId, stream: t.stream, direction: t.direction, provenance: t.provenance, districtId: registry.sites.get(t.siteId)!.districtId, tickets: 1, netKg: t.netKg });
  }
  return [...rows].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
}

/** The hash of what the next day reads from this one. Equal hashes: the next day needs no recomputation. */
export function stateHash(states: readonly StationState[]): string {
  const sorted = [...states].sort((a, b) => (`${a.siteId}|${a.stream}` < `${b.siteId}|${b.stream}` ? -1 : 1));
  return createHash('sha256').update(canonicalJson(sorted as unknown as CanonicalValue)).digest('hex');
}
