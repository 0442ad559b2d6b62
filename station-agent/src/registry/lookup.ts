// Lookups over one registry snapshot, indexed once when the snapshot arrives.
// Pure: the time of a question is passed in.
import { normalisePlate, type StreamCode } from '@haulproof/contracts';
import type { RegistrySnapshot } from '../types.js';
import { localDay } from './local-date.js';

type Vehicle = RegistrySnapshot['vehicles'][number];
type Card = RegistrySnapshot['cards'][number];
type Permit = RegistrySnapshot['permits'][number];
type Route = RegistrySnapshot['routes'][number];

export class RegistryLookup {
  private readonly vehicles = new Map<string, Vehicle>();
  private readonly cards = new Map<string, Card>();
  private readonly permits = new Map<string, Permit[]>();
  private readonly routes = new Map<string, Route[]>();

  constructor(readonly snapshot: RegistrySnapshot) {
    for (const v of snapshot.vehicles) this.vehicles.set(normalisePlate(v.plate), v);
    for (const c of snapshot.cards) this.cards.set(c.uid.toLowerCase(), c);
    for (const p of snapshot.permits) for (const plate of new Set(p.plates.map(normalisePlate))) push(this.permits, plate, p);
    const byCode = [...snapshot.routes].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    for (const r of byCode) for (const plate of new Set(r.plates.map(normalisePlate))) push(this.routes, plate, r);
  }

  vehicleByPlate(plate: string): Vehicle | undefined {
    return this.vehicles.get(normalisePlate(plate));
  }

  vehicleByCard(uid: string): { card: Card; vehicle: Vehicle | undefined } | undefined {
    const card = this.cards.get(uid.toLowerCase());
    return card ? { card, vehicle: this.vehicleByPlate(card.plate) } : undefined;
  }

  /** Permits naming this plate whose validity (whole calendar days, site time zone, both ends inclusive) covers `at`. */
  permitsFor(plate: string, at: number): Permit[] {
    const { date } = localDay(at, this.snapshot.site.timezone);
    return (this.permits.get(normalisePlate(plate)) ?? []).filter((p) => p.validFrom.slice(0, 10) <= date && date <= p.validTo.slice(0, 10));
  }

  /** The collection route that brings this plate's `stream` here; one scheduled on `at`'s weekday wins, then the lowest code. */
  routeFor(plate: string, stream: StreamCode, at: number): Route | undefined {
    const candidates = (this.routes.get(normalisePlate(plate)) ?? []).filter((r) => r.stream === stream);
    if (candidates.length <= 1) return candidates[0];
    const { weekday } = localDay(at, this.snapshot.site.timezone);
    return candidates.find((r) => r.scheduleDays.includes(weekday)) ?? candidates[0];
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
