// The faults a scenario can inject, and where. Targets are chosen before any
// traffic is generated, each on its own service day, so one fault never masks
// or compounds another; the generator applies them as it meets them and records
// the natural keys of the anomalies each must produce (the truth).
import { isoWeekday } from '../calendar.js';
import { pick, type Rand } from '../../demo/random.js';
import type { ScenarioCity } from './city.js';
import { isLaneFault, LANE_FAULT_KINDS, type LaneFaultKind } from './lane-events.js';

export const FAULT_KINDS = ['DUMPING', 'WRONG_STREAM', 'TARE_MANIPULATION', 'MISSED_TRIP', 'STATION_IMBALANCE', 'EXPIRED_PERMIT', 'OVERWEIGHT', 'NO_PERMIT', 'WRONG_DISPOSAL_SITE', ...LANE_FAULT_KINDS] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultTarget =
  | { kind: LaneFaultKind; day: string; variant: number } // station events (lane-events.ts)
  | { kind: 'DUMPING'; day: string; variant: 'station'; stationId: string; haul: number }
  | { kind: 'DUMPING'; day: string; variant: 'project'; permitId: string; trip: number }
  | { kind: 'WRONG_STREAM'; day: string; variant: 'site'; stationId: string; haul: number }
  | { kind: 'WRONG_STREAM'; day: string; variant: 'vehicle'; vehicleId: string }
  | { kind: 'TARE_MANIPULATION'; day: string; routeId: string; trip: number }
  | { kind: 'OVERWEIGHT'; day: string; routeId: string; trip: number }
  | { kind: 'MISSED_TRIP'; day: string; routeId: string }
  | { kind: 'STATION_IMBALANCE'; day: string; stationId: string }
  | { kind: 'EXPIRED_PERMIT'; day: string; permitId: string }
  | { kind: 'NO_PERMIT'; day: string; vehicleId: string }
  // the permit's trip `trip` tips at `siteId` instead of the named site
  | { kind: 'WRONG_DISPOSAL_SITE'; day: string; permitId: string; trip: number; siteId: string };

/** What was injected and which anomalies it must raise — nothing more, nothing less. */
export interface InjectedFault {
  kind: FaultKind;
  day: string;
  description: string;
  expectedKeys: string[];
  ticketIds: string[];
}

export function planFaults(city: ScenarioCity, days: string[], counts: Partial<Record<FaultKind, number>>, rand: Rand): FaultTarget[] {
  const free = [...days];
  // shuffle deterministically, keep the first and last day clear (legs and stock cross them)
  for (let i = free.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [free[i], free[j]] = [free[j]!, free[i]!];
  }
  const usable = free.filter((d) => d !== days[0] && d !== days[days.length - 1]);
  const take = (ok: (d: string) => boolean = () => true): string => {
    const i = usable.findIndex(ok);
    if (i < 0) throw new Error('scenario: more faults than service days to put them on');
    return usable.splice(i, 1)[0]!;
  };
  const stations = city.sites.filter((s) => s.kind === 'TRANSFER_STATION');
  const metro = city.permits.find((p) => p.permitNo.endsWith('0101'))!;
  const expired = city.permits.find((p) => p.expired)!;
  const scheduled = (routeId: string) => (d: string) => city.routes.find((r) => r.id === routeId)!.scheduleDays.includes(isoWeekday(d));
  const multiTrip = city.routes.filter((r) => r.plannedTrips >= 2);
  const recyclers = city.vehicles.filter((v) => v.kind === 'recyclables-truck');
  // muck trucks that work by day (their origins have no weighbridge), so a stray trip at night meets no other weighing
  const dayPermits = city.permits.filter((p) => !p.expired && p.tripsPerDay > 0 && city.sites.find((s) => s.id === p.originSiteId)!.scales.length === 0);
  const housing = city.permits.find((p) => p.permitNo.endsWith('0102'))!;
  const otherSite = (stream: string, named: string) => {
    const s = city.sites.find((x) => x.kind !== 'TRANSFER_STATION' && x.kind !== 'PROJECT_SITE' && x.id !== named && x.streams.includes(stream as never));
    if (!s) throw new Error(`scenario: no second site takes ${stream}, so no load can go to the wrong one`);
    return s.id;
  };

  const out: FaultTarget[] = [];
  // station-event faults go last: adding them never moves the others
  for (const kind of [...Object.keys(counts)].sort((a, b) => Number(isLaneFault(a)) - Number(isLaneFault(b)) || (a < b ? -1 : 1)) as FaultKind[]) {
    for (let i = 0; i < (counts[kind] ?? 0); i++) {
      const alt = i % 2 === 1;
      switch (kind) {
        case 'SCALE_TAMPERING':
        case 'CARD_CLONE':
        case 'DOUBLE_WEIGHING':
        case 'INDICATOR_FAULT':
          out.push({ kind, day: take(), variant: i });
          break;
        case 'DUMPING':
          out.push(alt || stations.length === 0 ? { kind, day: take(), variant: 'project', permitId: metro.id, trip: 0 } : { kind, day: take(), variant: 'station', stationId: pick(rand, stations).id, haul: 0 });
          break;
        case 'WRONG_STREAM':
          out.push(alt || stations.length === 0 ? { kind, day: take((d) => ![1, 3, 5].includes(isoWeekday(d))), variant: 'vehicle', vehicleId: pick(rand, recyclers).id } : { kind, day: take(), variant: 'site', stationId: pick(rand, stations).id, haul: 0 });
          break;
        case 'TARE_MANIPULATION':
        case 'OVERWEIGHT': {
          const route = pick(rand, city.routes.filter((r) => r.stream === 'OTHER' || r.stream === 'KITCHEN'));
          out.push({ kind, day: take(scheduled(route.id)), routeId: route.id, trip: Math.floor(rand() * route.plannedTrips) });
          break;
        }
        case 'MISSED_TRIP': {
          const route = pick(rand, multiTrip);
          out.push({ kind, day: take(scheduled(route.id)), routeId: route.id });
          break;
        }
        case 'STATION_IMBALANCE':
          if (stations.length > 0) out.push({ kind, day: take(), stationId: pick(rand, stations).id });
          break;
        case 'EXPIRED_PERMIT':
          out.push({ kind, day: take(), permitId: expired.id });
          break;
        case 'NO_PERMIT':
          out.push({ kind, day: take(), vehicleId: pick(rand, dayPermits.flatMap((p) => p.vehicleIds)) });
          break;
        case 'WRONG_DISPOSAL_SITE': {
          // alternately a load weighed out at the metro works (a custody leg) and one weighed only on arrival
          const permit = alt ? metro : housing;
          out.push({ kind, day: take(), permitId: permit.id, trip: Math.floor(rand() * permit.tripsPerDay), siteId: otherSite(permit.stream, permit.disposalSiteId) });
          break;
        }
      }
    }
  }
  return out;
}
