// Plausible weighbridge traffic for the demo city. Each call to next() plans one
// new trip: a compactor off its collection route, a muck truck under its permit,
// a food-service truck… Transfer stations collect what compactors tip and send
// it on in transfer trailers (15–30 t) that reach the plant later, so mass balance
// and custody hold up when inspectors look. A trip says what happens on the deck
// (weights, one pass or two); the station agents make the tickets (city-driver.ts).
import type { StreamCode } from '@haulproof/contracts';
import { DISTRICTS, laneWeighing, siteByCode, type SitePlan } from './city.js';
import { PERMITS, ROUTES, VEHICLE_KINDS, VEHICLES, type RoutePlan, type VehiclePlan } from './fleet.js';
import { between, pick, weighted, type Rand } from './random.js';

/** A deliberate irregularity, so operator screens and inspectors have something to look at. */
export type Anomaly = 'UNKNOWN_CARD' | 'STREAM_NOT_ACCEPTED' | 'TARE_DEVIATION';

export interface Trip {
  device: string;
  site: SitePlan;
  vehicle: VehiclePlan;
  /** The card the driver shows: the vehicle's own, or an unregistered one (UNKNOWN_CARD). */
  card: string;
  stream: StreamCode;
  /** one-pass: weighed full against the stored tare; two-pass: full and empty, in `direction` order. */
  kind: 'one-pass' | 'two-pass';
  /** IN: arrives full, leaves empty; OUT: arrives empty, leaves loaded. */
  direction: 'IN' | 'OUT';
  tareKg: number; // what the deck shows with the vehicle empty
  grossKg: number; // …and loaded
  /** Time between the passes (tipping, loading), in demo minutes. */
  dwellMinutes: number;
  permit?: string;
  anomaly?: Anomaly;
  /** A trailer leaving a transfer station: once it has left, it reaches the plant after this long, unless lost. */
  haul?: { afterMinutes: number; arrive: () => Trip | null; cancel: () => void };
}

export interface TrafficOptions {
  rand?: Rand;
  now?: () => number;
  /** May this vehicle start a trip at this station now? (not busy elsewhere, station running) */
  available?: (plate: string, device: string) => boolean;
  /** Demo minutes a transfer trailer takes from station to plant. */
  arrivalDelayMinutes?: [number, number];
  /** Share of trailer loads that never arrive (偷倒乱倒), for the inspectors to find. */
  lostLoadRate?: number;
  /** Share of trips with an irregularity (unknown card, wrong stream, tare deviation). */
  anomalyRate?: number;
  /** A vehicle is not sent back to the same station within this many real ms (the lanes refuse repeats). */
  repeatWindowMs?: number;
}

export const deviceOf = (siteCode: string) => `STN-${siteCode}`;

/** Device times carry the station's offset; the demo city is on China Standard Time (UTC+8, no DST). */
export function chinaTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
}

// Trip shares. By tonnage this gives other ≫ kitchen > recyclable ≫ hazardous (DOMAIN.md).
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
const hasStoredTareLane = (site: SitePlan) => site.scales.some((s) => laneWeighing(site, s) === 'STORED_TARE');

export class CityTraffic {
  private readonly rand: Rand;
  private readonly now: () => number;
  private readonly available: (plate: string, device: string) => boolean;
  private readonly delay: [number, number];
  private readonly lostLoadRate: number;
  private readonly anomalyRate: number;
  private readonly repeatWindowMs: number;
  private readonly waiting = new Map<string, number>(); // `${station}|${stream}` → kg tipped, not yet hauled on
  private readonly loadSize = new Map<string, number>(); // the next trailer load for that pile
  private readonly onTheRoad = new Set<string>(); // trailer plates between stations
  private readonly lastWeighed = new Map<string, number>(); // plate → ms
  private readonly lastAt = new Map<string, number>(); // `${plate}|${device}` → ms

  constructor(opts: TrafficOptions = {}) {
    this.rand = opts.rand ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.available = opts.available ?? (() => true);
    this.delay = opts.arrivalDelayMinutes ?? [15, 35];
    this.lostLoadRate = opts.lostLoadRate ?? 0.005;
    this.anomalyRate = opts.anomalyRate ?? 0.03;
    this.repeatWindowMs = opts.repeatWindowMs ?? 0;
  }

  /** One new trip somewhere in the city, and the trailer departure it may set off. Empty when no vehicle is free. */
  next(): Trip[] {
    if (this.rand() < this.anomalyRate) return this.irregular();
    const { stream } = weighted(this.rand, FLOWS, (f) => f.weight);
    switch (stream) {
      case 'OTHER':
      case 'KITCHEN':
      case 'RECYCLABLE':
      case 'HAZARDOUS':
        return this.collection(stream);
      case 'FOOD_SERVICE':
        return this.one({ site: siteByCode('KP-QZS'), pool: VEHICLES.filter((v) => v.kind === 'food-service-truck'), stream });
      case 'BULKY':
        return this.one({ site: siteByCode('BS-GUSU'), pool: VEHICLES.filter((v) => v.kind === 'bulky-truck'), stream });
      case 'CONSTRUCTION':
      case 'RENOVATION': {
        const permit = pick(this.rand, activePermits.filter((p) => p.stream === stream));
        return this.one({ site: siteByCode(permit.disposal), pool: permit.vehicles.map((p) => vehicleByPlate.get(p)!), stream, permit: permit.permitNo });
      }
      default:
        return [];
    }
  }

  /** The vehicle has just been weighed there: the repeat window runs from now. */
  weighed(plate: string, device: string): void {
    this.lastAt.set(`${plate}|${device}`, this.now());
  }

  private collection(stream: StreamCode): Trip[] {
    const route: RoutePlan = weighted(this.rand, ROUTES.filter((r) => r.stream === stream), (r) => population.get(r.district)!);
    const site = siteByCode(route.destination);
    const trips = this.one({ site, pool: route.vehicles.map((p) => vehicleByPlate.get(p)!), stream });
    if (site.kind !== 'TRANSFER_STATION' || trips.length === 0) return trips;
    return [...trips, ...this.haulOn(site, stream, trips[0]!.grossKg - trips[0]!.tareKg)];
  }

  /** A transfer station sends a trailer on once a trailer load has piled up. */
  private haulOn(station: SitePlan, stream: StreamCode, tippedKg: number): Trip[] {
    const key = `${station.code}|${stream}`;
    const pile = (this.waiting.get(key) ?? 0) + tippedKg;
    const load = this.loadSize.get(key) ?? between(this.rand, 15_000, 30_000);
    this.loadSize.set(key, load);
    this.waiting.set(key, pile);
    if (pile < load) return [];
    const trailer = this.vehicle(VEHICLES.filter((v) => v.kind === 'transfer-trailer' && !this.onTheRoad.has(v.plate)), deviceOf(station.code));
    if (!trailer) return []; // every trailer is out: the pile grows
    this.waiting.set(key, pile - load);
    this.loadSize.delete(key);
    // A loaded trailer leaves: weighed empty on arrival, full on departure (OUT).
    const departure = this.trip({ site: station, vehicle: trailer, stream, direction: 'OUT', netKg: load, dwellMinutes: between(this.rand, 20, 45, 1) });
    this.onTheRoad.add(trailer.plate);
    const destination = siteByCode(stream === 'KITCHEN' ? 'KP-QZS' : this.rand() < 0.9 ? 'INC-QZS' : 'LF-QZS');
    const lost = this.rand() < this.lostLoadRate;
    departure.haul = {
      afterMinutes: between(this.rand, this.delay[0], this.delay[1], 1),
      arrive: () => {
        this.onTheRoad.delete(trailer.plate);
        if (lost) return null;
        // Kitchen waste drains leachate on the way (1–3 %); other waste weighs the same within a few e on another scale.
        const netKg = stream === 'KITCHEN' ? Math.round((load * (0.97 + this.rand() * 0.02)) / 20) * 20 : load + between(this.rand, -40, 40);
        return this.trip({ site: destination, vehicle: trailer, stream, direction: 'IN', netKg, dwellMinutes: between(this.rand, 3, 8, 1) });
      },
      cancel: () => {
        // it never left: the load is still on the station's floor
        this.onTheRoad.delete(trailer.plate);
        this.waiting.set(key, (this.waiting.get(key) ?? 0) + load);
      },
    };
    return [departure];
  }

  /** Some trips go wrong on purpose: a card nobody issued, a truck at a plant that does not take its load, a tare off by 5 %. */
  private irregular(): Trip[] {
    const r = this.rand();
    if (r < 0.5) {
      const site = pick(this.rand, [siteByCode('INC-QZS'), siteByCode('TS-GUSU'), siteByCode('KP-QZS'), siteByCode('CWP-HUQIU')]);
      const pool = VEHICLES.filter((v) => v.streams.some((s) => site.streams.includes(s)));
      const trips = this.one({ site, pool, stream: pool[0]!.streams[0]! });
      for (const t of trips) Object.assign(t, { card: Array.from({ length: 8 }, () => Math.floor(this.rand() * 16).toString(16)).join(''), anomaly: 'UNKNOWN_CARD' });
      return trips;
    }
    if (r < 0.8) {
      // a recyclables truck turns up at the incinerator
      const trips = this.one({ site: siteByCode('INC-QZS'), pool: VEHICLES.filter((v) => v.kind === 'recyclables-truck'), stream: 'RECYCLABLE' });
      for (const t of trips) t.anomaly = 'STREAM_NOT_ACCEPTED';
      return trips;
    }
    // a compactor straight to a plant, whose empty weight comes out 5 % above its stored tare (TARE_DEVIATION)
    const route = pick(this.rand, ROUTES.filter((x) => x.stream === 'OTHER' && siteByCode(x.destination).kind !== 'TRANSFER_STATION'));
    const trips = this.one({ site: siteByCode(route.destination), pool: route.vehicles.map((p) => vehicleByPlate.get(p)!), stream: route.stream });
    for (const t of trips) {
      t.tareKg = Math.round((t.vehicle.storedTareKg * 1.05) / 20) * 20;
      t.grossKg = Math.max(t.grossKg, t.tareKg + 1000);
      t.anomaly = 'TARE_DEVIATION';
    }
    return trips;
  }

  private one(o: { site: SitePlan; pool: readonly VehiclePlan[]; stream: StreamCode; permit?: string }): Trip[] {
    const vehicle = this.vehicle(o.pool, deviceOf(o.site.code));
    if (!vehicle) return [];
    return [this.trip({ site: o.site, vehicle, stream: o.stream, direction: 'IN', netKg: 0, dwellMinutes: between(this.rand, 3, 8, 1), ...(o.permit ? { permit: o.permit } : {}) })];
  }

  /** The free truck of the pool that has been away longest: a fleet takes turns, one truck does not loop. */
  private vehicle(pool: readonly VehiclePlan[], device: string): VehiclePlan | null {
    const now = this.now();
    const free = pool.filter((v) => this.available(v.plate, device) && now - (this.lastAt.get(`${v.plate}|${device}`) ?? -Infinity) > this.repeatWindowMs);
    if (free.length === 0) return null;
    const oldest = Math.min(...free.map((v) => this.lastWeighed.get(v.plate) ?? 0));
    return pick(this.rand, free.filter((v) => (this.lastWeighed.get(v.plate) ?? 0) === oldest));
  }

  private trip(w: { site: SitePlan; vehicle: VehiclePlan; stream: StreamCode; direction: 'IN' | 'OUT'; netKg: number; dwellMinutes: number; permit?: string }): Trip {
    const kind = VEHICLE_KINDS[w.vehicle.kind];
    const device = deviceOf(w.site.code);
    const now = this.now();
    this.lastWeighed.set(w.vehicle.plate, now);
    this.lastAt.set(`${w.vehicle.plate}|${device}`, now);
    // Inbound at a transfer station: one pass against the stored tare. Elsewhere the empty truck is weighed too (±3 e).
    const onePass = w.direction === 'IN' && hasStoredTareLane(w.site);
    const tareKg = onePass ? w.vehicle.storedTareKg : w.vehicle.storedTareKg + between(this.rand, -60, 60);
    const wanted = w.netKg || between(this.rand, kind.net[0], kind.net[1]);
    const netKg = Math.min(wanted, Math.floor((kind.maxGross - tareKg) / 20) * 20);
    return {
      device,
      site: w.site,
      vehicle: w.vehicle,
      card: w.vehicle.cardUid,
      stream: w.stream,
      kind: onePass ? 'one-pass' : 'two-pass',
      direction: w.direction,
      tareKg,
      grossKg: tareKg + netKg,
      dwellMinutes: w.dwellMinutes,
      ...(w.permit ? { permit: w.permit } : {}),
    };
  }
}
