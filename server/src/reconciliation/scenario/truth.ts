// What a generated month really holds, district by district: the figures the engine's
// attribution (docs/attribution.md) must reproduce, kept from the weighings as the
// generator made them, not from tickets or the engine's rules.
//   collected  — each collection ticket (a route's weighing), by its route's district,
//                stream as finally recorded (after corrections) and service day; voided
//                duplicates do not count. A manipulated tare counts as weighed: COLLECTED
//                is what the ledger says, the fault is found separately.
//   disposed   — each load received at a final site (not a transfer station or project site),
//                by the district whose waste it is ('' = no district's: a stray load, muck
//                without a permit) and stream, over the whole month;
//   departures — station loads delivered to final sites, by district: attribution shares
//                each out in whole kilograms, so a district's DISPOSED may be off by up to
//                1 kg per such load.
import type { ScenarioCity } from './city.js';
import { completedAt, type Weighing } from './weighing.js';

export interface ScenarioTruth {
  /** `${serviceDay}|${districtId}|${stream}` → kg */
  collected: Record<string, number>;
  /** `${districtId or ''}|${stream}` → kg */
  disposed: Record<string, number>;
  /** districtId → station loads received at final sites */
  departures: Record<string, number>;
}

const CHINA_OFFSET_MS = 8 * 3_600_000; // the generated city is on China Standard Time

export class TruthLedger {
  private readonly truth: ScenarioTruth = { collected: {}, disposed: {}, departures: {} };
  private readonly kind: (siteId: string) => string;

  constructor(city: ScenarioCity) {
    const kinds = new Map(city.sites.map((s) => [s.id, s.kind as string]));
    this.kind = (id) => kinds.get(id)!;
  }

  add(w: Weighing): void {
    if (w.voidAt !== undefined) return;
    const stream = w.correction?.stream ?? w.stream;
    const district = w.fromDistrictId ?? '';
    if (w.routeId) {
      if (!w.fromDistrictId) throw new Error(`scenario: collection ticket ${w.id} has no district`);
      const day = new Date(completedAt(w) + CHINA_OFFSET_MS).toISOString().slice(0, 10);
      bump(this.truth.collected, `${day}|${district}|${stream}`, w.netKg);
    }
    const kind = this.kind(w.siteId);
    if (w.direction !== 'IN' || kind === 'TRANSFER_STATION' || kind === 'PROJECT_SITE') return;
    bump(this.truth.disposed, `${district}|${stream}`, w.netKg);
    if (w.originSiteId && this.kind(w.originSiteId) === 'TRANSFER_STATION') bump(this.truth.departures, district, 1);
  }

  result(): ScenarioTruth {
    return this.truth;
  }
}

function bump(m: Record<string, number>, key: string, by: number): void {
  m[key] = (m[key] ?? 0) + by;
}
