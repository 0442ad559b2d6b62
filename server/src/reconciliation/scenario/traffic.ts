// A city-month of weighings with known truth. Per day:
//   routes     — every scheduled run makes its planned trips, tonnes within ±15 % of plan;
//   stations   — tipped loads pile up (kitchen drains 3–6 % leachate on the floor); a
//                transfer trailer hauls a 15–30 t load whenever one has piled up, the rest
//                at 21:00 if it is 5 t or more (日产日清); trailers arrive 20–60 min later at
//                the incinerator or the kitchen plant (a station with a haul plan sends its
//                second OTHER load of HAUL_LANDFILL_WEEKDAY to the landfill, as the plan says;
//                one without, one load in ten),
//                the last one leaving after 22:30 and often arriving after midnight,
//                kitchen loads 1–3 % lighter, others within ±40 kg;
//   muck       — permit trucks from project sites to the construction plant; one project
//                has an exit weighbridge, so its loads are weighed out and in, at night;
//   餐厨       — district carriers' food-service trucks to the kitchen plant.
// Faults (faults.ts) are applied where their targets are met. Every weighing is labelled with
// the district whose waste it carries (the truth district attribution must reproduce, truth.ts).
import type { StreamCode } from '@haulproof/contracts';
import { addDays, isoWeekday } from '../calendar.js';
import { between, type Rand } from '../../demo/random.js';
import { HAUL_LANDFILL_WEEKDAY, TRAILER_LOAD_KG, type ScenarioCity, type ScenarioSite, type ScenarioVehicle } from './city.js';
import type { FaultTarget, InjectedFault } from './faults.js';
import type { IdSource } from './ids.js';
import { completedAt, MIN, weigh, type Weighing } from './weighing.js';

const HOUR = 60 * MIN;
const CHINA_OFFSET = 8 * HOUR;
const round20 = (kg: number) => Math.round(kg / 20) * 20;
const floor20 = (kg: number) => Math.floor(kg / 20) * 20;

export interface TrafficOptions {
  /** Duplicate weighings that the station voids a few minutes later. */
  voids: number;
  /** Kitchen loads keyed in as OTHER and corrected to KITCHEN by an operator. */
  corrections: number;
}

/** The month's weighings, a service day at a time (a day's night work may complete after midnight). */
export function* trafficByDay(city: ScenarioCity, from: string, days: number, targets: readonly FaultTarget[], opts: TrafficOptions, ids: IdSource, rand: Rand): Generator<{ day: string; weighings: Weighing[]; faults: InjectedFault[] }> {
  yield* new CityMonth(city, targets, opts, ids, rand).days(from, days);
}

interface Tip { at: number; kg: number; districtId: string }
interface Pile { kg: number; nextLoad: number; hauls: number; districts: Set<string> }

class CityMonth {
  private readonly out: Weighing[] = [];
  private readonly faults: InjectedFault[] = [];
  private readonly site: (id: string) => ScenarioSite;
  private readonly vehicle: (id: string) => ScenarioVehicle;
  private readonly piles = new Map<string, Pile>();
  private readonly freeAt = new Map<string, number>(); // trailer → when it is back at its station
  private readonly landfillTurn = new Map<string, number>();
  private voidsLeft: number;
  private correctionsLeft: number;

  constructor(
    private readonly city: ScenarioCity,
    private readonly targets: readonly FaultTarget[],
    opts: TrafficOptions,
    private readonly ids: IdSource,
    private readonly rand: Rand,
  ) {
    const sites = new Map(city.sites.map((s) => [s.id, s]));
    const vehicles = new Map(city.vehicles.map((v) => [v.id, v]));
    this.site = (id) => sites.get(id)!;
    this.vehicle = (id) => vehicles.get(id)!;
    this.voidsLeft = opts.voids;
    this.correctionsLeft = opts.corrections;
  }

  *days(from: string, days: number): Generator<{ day: string; weighings: Weighing[]; faults: InjectedFault[] }> {
    for (let i = 0; i < days; i++) {
      const day = addDays(from, i);
      const start = Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET;
      const tips = this.routes(day, start, i, days);
      // the month ends at its last midnight: no night work that evening
      const lastDay = i === days - 1;
      for (const station of this.city.sites.filter((s) => s.kind === 'TRANSFER_STATION')) {
        for (const stream of ['OTHER', 'KITCHEN'] as const) this.station(day, start, station, stream, tips.get(`${station.id}|${stream}`) ?? [], lastDay);
      }
      this.construction(day, start, lastDay);
      this.foodService(start);
      this.strayVehicle(day, start);
      yield { day, weighings: this.out.splice(0), faults: this.faults.splice(0) };
    }
  }

  private target<K extends FaultTarget['kind']>(kind: K, day: string, match: (t: Extract<FaultTarget, { kind: K }>) => boolean = () => true): Extract<FaultTarget, { kind: K }> | undefined {
    return this.targets.find((t): t is Extract<FaultTarget, { kind: K }> => t.kind === kind && t.day === day && match(t as Extract<FaultTarget, { kind: K }>));
  }

  private push(w: Weighing): Weighing {
    this.out.push(w);
    return w;
  }

  // ── collection routes ──
  private routes(day: string, start: number, index: number, days: number): Map<string, Tip[]> {
    const tips = new Map<string, Tip[]>();
    const weekday = isoWeekday(day);
    for (const route of this.city.routes) {
      if (!route.scheduleDays.includes(weekday)) continue;
      const missed = this.target('MISSED_TRIP', day, (t) => t.routeId === route.id);
      const trips = route.plannedTrips - (missed ? 1 : 0);
      const nominal = route.plannedKg / route.plannedTrips;
      const destination = this.site(route.destinationSiteId);
      const clock = route.vehicleIds.map((_, v) => start + route.shiftStartMin * MIN + v * 7 * MIN);
      const made: Weighing[] = [];
      for (let k = 0; k < trips; k++) {
        const v = k % route.vehicleIds.length;
        const vehicle = this.vehicle(route.vehicleIds[v]!);
        clock[v]! += between(this.rand, 80, 110, 1) * MIN;
        const capacity = vehicle.maxGrossKg - vehicle.storedTareKg - 60;
        let net = Math.min(capacity, round20(nominal * (0.85 + this.rand() * 0.3)));
        const over = this.target('OVERWEIGHT', day, (t) => t.routeId === route.id && t.trip === k);
        const tare = this.target('TARE_MANIPULATION', day, (t) => t.routeId === route.id && t.trip === k);
        if (over) net = vehicle.maxGrossKg - vehicle.storedTareKg + between(this.rand, 1_000, 3_000);
        const shown = tare ? vehicle.storedTareKg - between(this.rand, 800, 1_500) : undefined;
        const w = this.push(weigh(this.ids, this.rand, destination, vehicle, route.stream, 'IN', shown === undefined ? net : net + (vehicle.storedTareKg - shown), clock[v]!, { stored: !tare && this.rand() < 0.7, routeId: route.id, fromDistrictId: route.districtId, ...(shown === undefined ? {} : { tareKg: shown }) }));
        made.push(w);
        if (over) this.faults.push({ kind: 'OVERWEIGHT', day, description: `${vehicle.plate} on ${route.code} weighed ${w.grossKg} kg gross, max ${vehicle.maxGrossKg} kg`, expectedKeys: [`OVERWEIGHT:${w.id}`], ticketIds: [w.id] });
        if (tare) this.faults.push({ kind: 'TARE_MANIPULATION', day, description: `${vehicle.plate} on ${route.code} weighed its tare at ${shown} kg, registered ${vehicle.storedTareKg} kg (net inflated by ${vehicle.storedTareKg - shown!} kg)`, expectedKeys: [`TARE_DEVIATION:${w.id}`], ticketIds: [w.id] });
        // the floor gets what was really tipped, not what a manipulated tare claims
        if (destination.kind === 'TRANSFER_STATION') {
          const key = `${destination.id}|${route.stream}`;
          (tips.get(key) ?? tips.set(key, []).get(key)!).push({ at: completedAt(w), kg: net, districtId: route.districtId });
        }
      }
      if (missed) this.faults.push({ kind: 'MISSED_TRIP', day, description: `${route.code} made ${trips} of ${route.plannedTrips} trips`, expectedKeys: [`ROUTE_RUN_SHORT:${route.id}:${day}`], ticketIds: [] });
      this.clerical(made, index, days);
    }
    return tips;
  }

  /** Clean noise the engine must see through: a duplicate the station voids, a stream typed wrong then corrected. */
  private clerical(made: Weighing[], index: number, days: number): void {
    const spread = (left: number) => left > 0 && this.rand() < (left * 3) / Math.max(1, (days - index) * this.city.routes.length);
    const first = made[0];
    if (!first) return;
    if (spread(this.voidsLeft)) {
      this.voidsLeft--;
      const dup = { ...first, id: this.ids.uuid('ticket'), firstAt: first.firstAt + 2 * MIN, secondAt: first.secondAt === null ? null : first.secondAt + 2 * MIN, voidAt: completedAt(first) + 6 * MIN };
      this.push(dup);
    }
    const kitchen = made.find((w) => w.stream === 'KITCHEN' && !w.flags.includes('OVERWEIGHT'));
    if (kitchen && spread(this.correctionsLeft)) {
      this.correctionsLeft--;
      kitchen.stream = 'OTHER';
      kitchen.correction = { stream: 'KITCHEN', at: completedAt(kitchen) + 40 * MIN, reason: '操作员误选垃圾类别 / stream keyed wrong at the lane' };
    }
  }

  // ── transfer stations ──
  private station(day: string, start: number, station: ScenarioSite, stream: 'OTHER' | 'KITCHEN', tips: Tip[], lastDay: boolean): void {
    const key = `${station.id}|${stream}`;
    const pile = this.piles.get(key) ?? { kg: 0, nextLoad: between(this.rand, ...TRAILER_LOAD_KG), hauls: 0, districts: new Set<string>() };
    this.piles.set(key, pile);
    const leach = stream === 'KITCHEN' ? 0.03 + this.rand() * 0.03 : 0;
    const dayIn = tips.reduce((s, t) => s + t.kg, 0);
    const imbalance = stream === 'OTHER' ? this.target('STATION_IMBALANCE', day, (t) => t.stationId === station.id) : undefined;
    let vanish = imbalance ? Math.round(0.06 * dayIn) + 20_000 : 0;
    let vanished = 0;
    let haulIndex = 0;
    const haul = (load: number, ready: number) => {
      if (vanish > 0) {
        vanish -= load;
        vanished += load;
        return; // left through the back gate, never weighed anywhere
      }
      this.trailerLoad(day, station, stream, load, ready, haulIndex++, pileDistrict(station, pile));
    };
    if (imbalance) pile.nextLoad = TRAILER_LOAD_KG[1];
    for (const tip of [...tips].sort((a, b) => a.at - b.at)) {
      pile.districts.add(tip.districtId);
      pile.kg += tip.kg - Math.round(tip.kg * leach);
      while (pile.kg >= pile.nextLoad) {
        pile.kg -= pile.nextLoad;
        haul(pile.nextLoad, tip.at + 10 * MIN);
        pile.nextLoad = imbalance && vanish > 0 ? TRAILER_LOAD_KG[1] : between(this.rand, ...TRAILER_LOAD_KG);
      }
    }
    while (pile.kg >= 5_000) { // 日产日清: what is left at night goes too, unless it is a small heap
      const load = Math.min(TRAILER_LOAD_KG[1], floor20(pile.kg));
      pile.kg -= load;
      haul(load, start + (lastDay ? 19 : 22) * HOUR + 30 * MIN); // the last trailer leaves late; it may arrive after midnight
    }
    if (imbalance) {
      if (vanished === 0) throw new Error(`scenario: ${station.code} moved too little on ${day} to lose a load`);
      this.faults.push({ kind: 'STATION_IMBALANCE', day, description: `${vanished} kg of OTHER left ${station.code} unweighed`, expectedKeys: [`STATION_IMBALANCE:${station.id}:OTHER:${day}`], ticketIds: [] });
    }
  }

  private trailerLoad(day: string, station: ScenarioSite, stream: StreamCode, load: number, ready: number, index: number, fromDistrictId: string): void {
    const trailers = this.city.trailers[station.id]!.map((id) => this.vehicle(id));
    const trailer = [...trailers].sort((a, b) => (this.freeAt.get(a.id) ?? 0) - (this.freeAt.get(b.id) ?? 0) || (a.id < b.id ? -1 : 1))[0]!;
    const entry = Math.max(ready, this.freeAt.get(trailer.id) ?? 0);
    const departure = entry + between(this.rand, 20, 40, 1) * MIN;
    const out = this.push(weigh(this.ids, this.rand, station, trailer, stream, 'OUT', load, departure, { stored: this.rand() < 0.5, fromDistrictId }));
    const dumped = stream === 'OTHER' ? this.target('DUMPING', day, (t) => t.variant === 'station' && t.stationId === station.id && t.haul === index) : undefined;
    const misrouted = stream === 'OTHER' ? this.target('WRONG_STREAM', day, (t) => t.variant === 'site' && t.stationId === station.id && t.haul === index) : undefined;
    if (dumped) {
      this.freeAt.set(trailer.id, departure + between(this.rand, 60, 120, 1) * MIN);
      this.faults.push({ kind: 'DUMPING', day, description: `${trailer.plate} left ${station.code} with ${load} kg OTHER and never arrived`, expectedKeys: [`LEG_NO_ARRIVAL:${out.id}`], ticketIds: [out.id] });
      return;
    }
    const plantCode = stream === 'KITCHEN' || misrouted ? 'KP-CITY' : this.nextOtherPlant(station.id, day, index);
    const plant = this.city.sites.find((s) => s.code === plantCode)!;
    const arrive = departure + between(this.rand, 20, 60, 1) * MIN;
    const net = stream === 'KITCHEN' ? round20(load * (1 - (0.01 + this.rand() * 0.02))) : load + between(this.rand, -40, 40);
    const stored = this.rand() < 0.5;
    const inbound = this.push(weigh(this.ids, this.rand, plant, trailer, stream, 'IN', net, stored ? arrive : arrive + between(this.rand, 5, 15, 1) * MIN, { stored, originSiteId: station.id, fromDistrictId }));
    this.freeAt.set(trailer.id, completedAt(inbound) + between(this.rand, 20, 60, 1) * MIN);
    // a trailer on a haul plan that names other plants: the leg also arrived where its route does not go
    const planned = this.city.haulRoutes.some((r) => r.originSiteId === station.id && r.stream === 'OTHER');
    const wrongPlant = misrouted && planned ? [`LEG_WRONG_DESTINATION:${out.id}`] : [];
    if (misrouted) this.faults.push({ kind: 'WRONG_STREAM', day, description: `${trailer.plate} delivered ${net} kg OTHER from ${station.code} to the kitchen plant`, expectedKeys: [`STREAM_NOT_ACCEPTED:${inbound.id}`, ...wrongPlant], ticketIds: [out.id, inbound.id] });
  }

  private nextOtherPlant(stationId: string, day: string, index: number): string {
    if (this.city.haulRoutes.some((r) => r.originSiteId === stationId && r.stream === 'OTHER')) {
      return isoWeekday(day) === HAUL_LANDFILL_WEEKDAY && index === 1 ? 'LF-CITY' : 'INC-CITY';
    }
    const turn = (this.landfillTurn.get(stationId) ?? 0) + 1;
    this.landfillTurn.set(stationId, turn);
    return turn % 10 === 0 ? 'LF-CITY' : 'INC-CITY';
  }

  // ── construction waste under permits ──
  private construction(day: string, start: number, lastDay: boolean): void {
    for (const permit of this.city.permits) {
      if (permit.expired || permit.tripsPerDay === 0) continue;
      const origin = this.site(permit.originSiteId);
      const disposal = this.site(permit.disposalSiteId);
      // 渣土夜运: muck from the metro works moves at night, across midnight; the others by day
      const night = origin.scales.length > 0;
      if (night && lastDay) continue;
      const clock = permit.vehicleIds.map((_, v) => start + (night ? 20 : 7) * HOUR + v * 11 * MIN);
      for (let k = 0; k < permit.tripsPerDay; k++) {
        const v = k % permit.vehicleIds.length;
        const truck = this.vehicle(permit.vehicleIds[v]!);
        const net = Math.min(truck.maxGrossKg - truck.storedTareKg - 60, between(this.rand, 11_000, 15_000));
        const wrong = this.target('WRONG_DISPOSAL_SITE', day, (t) => t.permitId === permit.id && t.trip === k);
        const tippedAt = wrong ? this.site(wrong.siteId) : disposal;
        const leave = clock[v]!;
        clock[v]! += between(this.rand, 120, 180, 1) * MIN;
        let arrive = leave;
        let outId: string | null = null;
        if (origin.scales.length > 0) {
          const out = this.push(weigh(this.ids, this.rand, origin, truck, permit.stream, 'OUT', net, leave, { stored: this.rand() < 0.6, permitId: permit.id, fromDistrictId: origin.districtId }));
          outId = out.id;
          arrive = leave + between(this.rand, 30, 90, 1) * MIN;
          const dumped = this.target('DUMPING', day, (t) => t.variant === 'project' && t.permitId === permit.id && t.trip === k);
          if (dumped) {
            this.faults.push({ kind: 'DUMPING', day, description: `${truck.plate} left ${origin.code} with ${net} kg muck and never reached ${disposal.code} (偷倒乱倒)`, expectedKeys: [`LEG_NO_ARRIVAL:${out.id}`], ticketIds: [out.id] });
            continue;
          }
        }
        const atPlant = outId ? net + between(this.rand, -40, 40) : net;
        const stored = this.rand() < 0.6;
        const w = this.push(weigh(this.ids, this.rand, tippedAt, truck, permit.stream, 'IN', atPlant, stored ? arrive : arrive + between(this.rand, 5, 15, 1) * MIN, { stored, permitId: permit.id, originSiteId: origin.id, fromDistrictId: origin.districtId }));
        // weighed out, the load is a custody leg and its destination is judged on the leg; else on the permit
        if (wrong) this.faults.push({ kind: 'WRONG_DISPOSAL_SITE', day, description: `${truck.plate} tipped ${permit.stream} under ${permit.permitNo} at ${tippedAt.code}; the permit names ${disposal.code}`, expectedKeys: [outId ? `LEG_WRONG_DESTINATION:${outId}` : `PERMIT_WRONG_SITE:${w.id}`], ticketIds: outId ? [outId, w.id] : [w.id] });
      }
    }
    const expired = this.target('EXPIRED_PERMIT', day);
    if (expired) {
      const permit = this.city.permits.find((p) => p.id === expired.permitId)!;
      const truck = this.vehicle(permit.vehicleIds[0]!);
      const w = this.push(weigh(this.ids, this.rand, this.site(permit.disposalSiteId), truck, permit.stream, 'IN', between(this.rand, 11_000, 14_000), start + 20 * HOUR + 30 * MIN, { stored: true, permitId: permit.id, originSiteId: permit.originSiteId, fromDistrictId: this.site(permit.originSiteId).districtId }));
      this.faults.push({ kind: 'EXPIRED_PERMIT', day, description: `${truck.plate} tipped muck under ${permit.permitNo}, expired ${permit.validTo}`, expectedKeys: [`PERMIT_EXPIRED:${w.id}`], ticketIds: [w.id] });
    }
    const unpermitted = this.target('NO_PERMIT', day);
    if (unpermitted) {
      // a permit truck moonlighting after its day's work: muck from nowhere on record, no 处置证 shown
      const truck = this.vehicle(unpermitted.vehicleId);
      const plant = this.city.sites.find((s) => s.kind === 'CONSTRUCTION_PLANT')!;
      const w = this.push(weigh(this.ids, this.rand, plant, truck, 'CONSTRUCTION', 'IN', between(this.rand, 11_000, 14_000), start + 21 * HOUR + 15 * MIN, { stored: true, fromDistrictId: null }));
      this.faults.push({ kind: 'NO_PERMIT', day, description: `${truck.plate} tipped ${w.netKg} kg muck at ${plant.code} without a permit`, expectedKeys: [`PERMIT_MISSING:${w.id}`], ticketIds: [w.id] });
    }
  }

  // ── restaurants' food waste ──
  private foodService(start: number): void {
    const kp = this.city.sites.find((s) => s.code === 'KP-CITY')!;
    for (const fs of this.city.foodService) {
      const clock = fs.vehicleIds.map((_, v) => start + 9 * HOUR + v * 13 * MIN);
      for (let k = 0; k < fs.tripsPerDay; k++) {
        const v = k % fs.vehicleIds.length;
        const truck = this.vehicle(fs.vehicleIds[v]!);
        this.push(weigh(this.ids, this.rand, kp, truck, 'FOOD_SERVICE', 'IN', between(this.rand, 3_000, 7_000), clock[v]!, { stored: this.rand() < 0.6, fromDistrictId: fs.districtId }));
        clock[v]! += between(this.rand, 120, 150, 1) * MIN;
      }
    }
  }

  /** WRONG_STREAM (vehicle): a recyclables truck, on a day its routes rest, brings kitchen waste to the kitchen plant. */
  private strayVehicle(day: string, start: number): void {
    const t = this.target('WRONG_STREAM', day, (x) => x.variant === 'vehicle');
    if (!t || t.variant !== 'vehicle') return;
    const truck = this.vehicle(t.vehicleId);
    const kp = this.city.sites.find((s) => s.code === 'KP-CITY')!;
    const w = this.push(weigh(this.ids, this.rand, kp, truck, 'KITCHEN', 'IN', between(this.rand, 2_000, 3_000), start + 14 * HOUR, { stored: true, fromDistrictId: null })); // whose, nobody knows
    this.faults.push({ kind: 'WRONG_STREAM', day, description: `${truck.plate} (registered RECYCLABLE) delivered KITCHEN`, expectedKeys: [`VEHICLE_STREAM_UNREGISTERED:${w.id}`], ticketIds: [w.id] });
  }
}

/** The one district whose waste a station pile holds (each station serves its own district's routes). */
function pileDistrict(station: ScenarioSite, pile: Pile): string {
  if (pile.districts.size !== 1) throw new Error(`scenario: ${station.code}'s pile holds ${pile.districts.size} districts' waste; the truth labels each load with one`);
  return [...pile.districts][0]!;
}
