// Plausible weighbridge traffic for the demo city. Each call to next() is one
// new trip: a compactor off its collection route, a muck truck under its permit,
// a food-service truck… Transfer stations collect what compactors tip and send
// it on in transfer trailers (15–30 t) that arrive at the plant later, so mass
// balance and custody hold up when inspectors look.
import type { StreamCode, TicketBody, TicketFlag } from '@haulproof/contracts';
import { DISTRICTS, SIM_SOFTWARE, siteByCode, type SitePlan } from './city.js';
import { PERMITS, ROUTES, VEHICLE_KINDS, VEHICLES, type RoutePlan, type VehiclePlan } from './fleet.js';
import { between, pick, weighted, type Rand } from './random.js';

export interface Trip {
  device: string;
  ticket: TicketBody;
}

export interface TrafficOptions {
  rand?: Rand;
  now?: () => number;
  /** Minutes a transfer trailer takes from station to plant. */
  arrivalDelayMinutes?: [number, number];
  /** Share of trailer loads that never arrive (偷倒乱倒), for the inspectors to find. */
  lostLoadRate?: number;
}

export const deviceOf = (siteCode: string) => `STN-${siteCode}`;

/** Device times carry the station's offset; the demo city is on China Standard Time (UTC+8, no DST). */
export function chinaTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
}

type Mode = 'stored' | 'two-pass';
interface Weighing {
  site: SitePlan;
  vehicle: VehiclePlan;
  stream: StreamCode;
  direction: 'IN' | 'OUT';
  netKg: number;
  mode: Mode;
  route?: string;
  permit?: string;
  origin?: string;
}

// Ticket shares of new trips. By tonnage this gives other ≫ kitchen > recyclable ≫ hazardous (DOMAIN.md).
const FLOWS: { stream: StreamCode; weight: number }[] = [
  { stream: 'OTHER', weight: 54 },
  { stream: 'KITCHEN', weight: 15 },
  { stream: 'FOOD_SERVICE', weight: 4 },
  { stream: 'RECYCLABLE', weight: 6 },
  { stream: 'HAZARDOUS', weight: 1 },
  { stream: 'BULKY', weight: 2 },
  { stream: 'CONSTRUCTION', weight: 7 },
  { stream: 'RENOVATION', weight: 1 },
];
const population = new Map(DISTRICTS.map((d) => [d.code, d.population]));
const vehicleByPlate = new Map(VEHICLES.map((v) => [v.plate, v]));
const activePermits = PERMITS.filter((p) => p.validForDays > p.validFromDaysAgo);

export class CityTraffic {
  private readonly rand: Rand;
  private readonly now: () => number;
  private readonly delay: [number, number];
  private readonly lostLoadRate: number;
  private readonly waiting = new Map<string, number>(); // `${station}|${stream}` → kg tipped, not yet hauled on
  private readonly loadSize = new Map<string, number>(); // the next trailer load for that pile
  private readonly onTheRoad = new Set<string>(); // trailer plates
  private arrivals: { at: number; arrive: () => Trip | null }[] = [];
  private readonly lastWeighed = new Map<string, number>(); // plate → ms

  constructor(opts: TrafficOptions = {}) {
    this.rand = opts.rand ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.delay = opts.arrivalDelayMinutes ?? [15, 35];
    this.lostLoadRate = opts.lostLoadRate ?? 0.005;
  }

  /** One new trip somewhere in the city, and the trailer departure it may set off. */
  next(): Trip[] {
    const { stream } = weighted(this.rand, FLOWS, (f) => f.weight);
    switch (stream) {
      case 'OTHER':
      case 'KITCHEN':
      case 'RECYCLABLE':
      case 'HAZARDOUS':
        return this.collection(stream);
      case 'FOOD_SERVICE':
        return [this.weigh({ site: siteByCode('KP-QZS'), vehicle: this.vehicle(VEHICLES.filter((v) => v.kind === 'food-service-truck')), stream, direction: 'IN', netKg: 0, mode: this.mode(0.6) })];
      case 'BULKY':
        return [this.weigh({ site: siteByCode('BS-GUSU'), vehicle: this.vehicle(VEHICLES.filter((v) => v.kind === 'bulky-truck')), stream, direction: 'IN', netKg: 0, mode: this.mode(0.5) })];
      case 'CONSTRUCTION':
      case 'RENOVATION': {
        const permit = pick(this.rand, activePermits.filter((p) => p.stream === stream));
        const vehicle = this.vehicle(permit.vehicles.map((p) => vehicleByPlate.get(p)!));
        return [this.weigh({ site: siteByCode(permit.disposal), vehicle, stream, direction: 'IN', netKg: 0, mode: this.mode(0.6), permit: permit.permitNo, origin: permit.origin })];
      }
      default:
        return [];
    }
  }

  /** Trailer loads whose time to arrive has come. */
  due(): Trip[] {
    const now = this.now();
    const ready = this.arrivals.filter((a) => a.at <= now);
    this.arrivals = this.arrivals.filter((a) => a.at > now);
    return ready.map((a) => a.arrive()).filter((t): t is Trip => t !== null);
  }

  get pendingArrivals(): number {
    return this.arrivals.length;
  }

  private collection(stream: StreamCode): Trip[] {
    const route: RoutePlan = weighted(this.rand, ROUTES.filter((r) => r.stream === stream), (r) => population.get(r.district)!);
    const vehicle = this.vehicle(route.vehicles.map((p) => vehicleByPlate.get(p)!));
    const site = siteByCode(route.destination);
    const trip = this.weigh({ site, vehicle, stream, direction: 'IN', netKg: 0, mode: this.mode(0.7), route: route.code });
    if (site.kind !== 'TRANSFER_STATION') return [trip];
    return [trip, ...this.haulOn(site, stream, trip.ticket.netKg)];
  }

  /** A transfer station sends a trailer on once a trailer load has piled up. */
  private haulOn(station: SitePlan, stream: StreamCode, tippedKg: number): Trip[] {
    const key = `${station.code}|${stream}`;
    const pile = (this.waiting.get(key) ?? 0) + tippedKg;
    const load = this.loadSize.get(key) ?? between(this.rand, 15_000, 30_000);
    this.loadSize.set(key, load);
    const free = VEHICLES.filter((v) => v.kind === 'transfer-trailer' && !this.onTheRoad.has(v.plate));
    if (pile < load || free.length === 0) {
      this.waiting.set(key, pile);
      return [];
    }
    this.waiting.set(key, pile - load);
    this.loadSize.delete(key);
    const trailer = this.vehicle(free);
    const departure = this.weigh({ site: station, vehicle: trailer, stream, direction: 'OUT', netKg: load, mode: 'two-pass' });
    this.onTheRoad.add(trailer.plate);
    const destination = siteByCode(stream === 'KITCHEN' ? 'KP-QZS' : this.rand() < 0.9 ? 'INC-QZS' : 'LF-QZS');
    const lost = this.rand() < this.lostLoadRate;
    this.arrivals.push({
      at: this.now() + between(this.rand, this.delay[0], this.delay[1], 1) * 60_000,
      arrive: () => {
        this.onTheRoad.delete(trailer.plate);
        if (lost) return null;
        // Kitchen waste drains leachate on the way (1–3 %); other waste weighs the same within a few e on another scale.
        const netKg = stream === 'KITCHEN' ? Math.round((load * (0.97 + this.rand() * 0.02)) / 20) * 20 : load + between(this.rand, -40, 40);
        return this.weigh({ site: destination, vehicle: trailer, stream, direction: 'IN', netKg, mode: this.mode(0.5), origin: station.code });
      },
    });
    return [departure];
  }

  /** The truck of the pool that has been away longest: a fleet takes turns, one truck does not loop. */
  private vehicle(pool: readonly VehiclePlan[]): VehiclePlan {
    const oldest = Math.min(...pool.map((v) => this.lastWeighed.get(v.plate) ?? 0));
    return pick(this.rand, pool.filter((v) => (this.lastWeighed.get(v.plate) ?? 0) === oldest));
  }

  private mode(storedShare: number): Mode {
    return this.rand() < storedShare ? 'stored' : 'two-pass';
  }

  private weigh(w: Weighing): Trip {
    const kind = VEHICLE_KINDS[w.vehicle.kind];
    const now = this.now();
    this.lastWeighed.set(w.vehicle.plate, now);
    const tareKg = w.mode === 'stored' ? w.vehicle.storedTareKg : w.vehicle.storedTareKg + between(this.rand, -60, 60);
    const wanted = w.netKg || between(this.rand, kind.net[0], kind.net[1]);
    const netKg = Math.min(wanted, Math.floor((kind.maxGross - tareKg) / 20) * 20);
    const keyed = w.mode === 'two-pass' && this.rand() < 0.004; // indicator fault: the operator typed the tare in
    const flags: TicketFlag[] = w.mode === 'stored' ? ['STORED_TARE'] : keyed ? ['KEYED'] : [];
    const lanes = w.site.scales;
    // Two passes: in on the first lane, out over the last. A loaded trailer leaving is weighed empty first.
    const dwellMin = w.direction === 'OUT' ? between(this.rand, 20, 45, 1) : between(this.rand, 5, 15, 1);
    const firstAt = w.mode === 'stored' ? now : now - dwellMin * 60_000 - Math.floor(this.rand() * 60_000);
    return {
      device: deviceOf(w.site.code),
      ticket: {
        site: w.site.code,
        lane: (w.mode === 'stored' ? lanes[0] : lanes[lanes.length - 1])!.code,
        plate: w.vehicle.plate,
        plateSeen: this.rand() < 0.97 ? w.vehicle.plate : null, // the camera misses a few
        card: w.vehicle.cardUid,
        stream: w.stream,
        direction: w.direction,
        grossKg: tareKg + netKg,
        tareKg,
        netKg,
        grossSource: 'WEIGHED',
        tareSource: w.mode === 'stored' ? 'STORED' : keyed ? 'KEYED' : 'WEIGHED',
        firstAt: chinaTime(firstAt),
        secondAt: w.mode === 'stored' ? null : chinaTime(now),
        route: w.route ?? null,
        permit: w.permit ?? null,
        origin: w.origin ?? null,
        operator: w.mode === 'stored' ? null : pick(this.rand, w.site.operators), // one-pass lanes are unattended (无人值守)
        flags,
        software: SIM_SOFTWARE,
      },
    };
  }
}
