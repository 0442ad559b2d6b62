// One weighing as a station would record it, before it is signed: the two-pass
// and one-pass (stored tare) shapes of DOMAIN.md, with keyed tares now and then.
import type { StreamCode, TicketFlag } from '@haulproof/contracts';
import { between, pick, type Rand } from '../../demo/random.js';
import type { ScenarioSite, ScenarioVehicle } from './city.js';
import type { IdSource } from './ids.js';

export interface Weighing {
  id: string;
  siteId: string;
  lane: string;
  vehicleId: string;
  stream: StreamCode;
  direction: 'IN' | 'OUT';
  grossKg: number;
  tareKg: number;
  netKg: number;
  grossSource: 'WEIGHED' | 'KEYED';
  tareSource: 'WEIGHED' | 'STORED' | 'KEYED';
  firstAt: number;
  secondAt: number | null;
  routeId: string | null;
  permitId: string | null;
  originSiteId: string | null;
  operator: string | null;
  flags: TicketFlag[];
  /** Whose waste the load is, as the generator made it (the attribution truth); null: no district's (e.g. muck without a permit). */
  fromDistrictId: string | null;
  /** A device void of this (duplicate) weighing follows at this time. */
  voidAt?: number;
  /** An operator corrects the stream later. */
  correction?: { stream: StreamCode; at: number; reason: string };
}

export const MIN = 60_000;
const KEYED_SHARE = 0.004; // indicator faults: the operator types the tare in

export interface WeighOptions {
  stored: boolean;
  routeId?: string | null;
  permitId?: string | null;
  originSiteId?: string | null;
  /** Whose waste it is (scenario truth, never written to the ticket). */
  fromDistrictId?: string | null;
  /** A tare to record instead of the vehicle's (tare manipulation); forces a weighed tare. */
  tareKg?: number;
}

/** A weighing that completes at `at` (the second pass, or the only pass with a stored tare). */
export function weigh(ids: IdSource, rand: Rand, site: ScenarioSite, vehicle: ScenarioVehicle, stream: StreamCode, direction: 'IN' | 'OUT', netKg: number, at: number, o: WeighOptions): Weighing {
  const stored = o.stored && o.tareKg === undefined;
  const keyed = !stored && o.tareKg === undefined && rand() < KEYED_SHARE;
  const tareKg = o.tareKg ?? (stored ? vehicle.storedTareKg : vehicle.storedTareKg + between(rand, -60, 60));
  const grossKg = tareKg + netKg;
  const flags: TicketFlag[] = stored ? ['STORED_TARE'] : keyed ? ['KEYED'] : [];
  if (grossKg > vehicle.maxGrossKg) flags.push('OVERWEIGHT');
  const dwell = direction === 'OUT' ? between(rand, 20, 40, 1) : between(rand, 5, 15, 1);
  return {
    id: ids.uuid('ticket'),
    siteId: site.id,
    lane: (stored ? site.scales[0] : site.scales[site.scales.length - 1])!.code,
    vehicleId: vehicle.id,
    stream,
    direction,
    grossKg,
    tareKg,
    netKg,
    grossSource: 'WEIGHED',
    tareSource: stored ? 'STORED' : keyed ? 'KEYED' : 'WEIGHED',
    firstAt: stored ? at : at - dwell * MIN,
    secondAt: stored ? null : at,
    routeId: o.routeId ?? null,
    permitId: o.permitId ?? null,
    originSiteId: o.originSiteId ?? null,
    operator: stored ? null : pick(rand, site.operators),
    flags,
    fromDistrictId: o.fromDistrictId ?? null,
  };
}

export const completedAt = (w: Weighing): number => w.secondAt ?? w.firstAt;
