/**
 * In-memory fakes of the journal and the registry view for the weighing and print tests, and a
 * simulated indicator that emits samples under vitest's fake timers. Test support only.
 */
import { canonicalBytes, DeviceRecordPayload, GENESIS_HASH, type CanonicalValue, type EventBody, type TicketBody, type VoidBody } from '@haulproof/contracts';
import { sha256Hex } from '@haulproof/contracts/signing';
import { vi } from 'vitest';
import { EventBus } from '../event-bus.js';
import { validateOpenTicket } from '../journal/open-tickets.js';
import { InvalidRecordError, ticketCompletedAt } from '../journal/records.js';
import { JournalUnavailableError, type AgentEvent, type JournalEntry, type OpenTicket, type RegistrySnapshot, type RegistryView, type TicketJournal } from '../types.js';
import { CardRegistry } from './card-registry.js';
import { Lane } from './lane.js';
import type { LaneOptions } from './lane-options.js';

type Body = { kind: 'ticket'; ticket: TicketBody } | { kind: 'void'; void: VoidBody } | { kind: 'event'; event: EventBody };

/** The TicketJournal contract in memory, including its transactions: a write that throws changes nothing. */
export class FakeJournal implements TicketJournal {
  readonly entries: JournalEntry[] = [];
  readonly open = new Map<string, OpenTicket>(); // by plate
  failing = false; // every write throws JournalUnavailableError and healthy() is false, as on a full disk
  readonly calls = { entry: 0, lastTicketFor: 0 };
  constructor(
    private readonly clock: () => number = () => Date.now(),
    readonly device = 'D1',
  ) {}

  /** Builds the next record without storing it; throws as the real journal does. */
  private next(body: Body): JournalEntry {
    if (this.failing) throw new JournalUnavailableError('disk full (fake)');
    const seq = this.entries.length + 1;
    const prev = this.entries.at(-1)?.hash ?? GENESIS_HASH;
    const payload = DeviceRecordPayload.parse({ v: 1, device: this.device, seq, prev, ...body }); // the contract, strictly
    const canonical = Buffer.from(canonicalBytes(payload as unknown as CanonicalValue));
    return { seq, kind: body.kind, payload, canonical, signature: Buffer.alloc(64), hash: sha256Hex(canonical), createdAt: this.clock(), ackedAt: null };
  }

  private append(body: Body, closePlate?: string): JournalEntry {
    if (closePlate !== undefined && !this.open.has(closePlate)) throw new InvalidRecordError(`${closePlate} has no open ticket to close`);
    const entry = this.next(body);
    this.entries.push(entry);
    if (closePlate !== undefined) this.open.delete(closePlate);
    return entry;
  }

  appendTicket(ticket: TicketBody) {
    return this.append({ kind: 'ticket', ticket });
  }
  appendVoid(v: VoidBody) {
    return this.append({ kind: 'void', void: v });
  }
  appendEvent(event: EventBody) {
    return this.append({ kind: 'event', event });
  }
  entry(seq: number) {
    this.calls.entry++;
    return this.entries[seq - 1];
  }
  lastSeq() {
    return this.entries.length;
  }
  lastTicketFor(plate: string, sinceMs: number) {
    this.calls.lastTicketFor++;
    const found = this.entries.filter((e) => e.payload.kind === 'ticket' && e.payload.ticket.plate === plate && ticketCompletedAt(e.payload.ticket) >= sinceMs);
    return found.sort((a, b) => ticketAt(b) - ticketAt(a) || b.seq - a.seq)[0];
  }
  recentTicketsFor(plate: string, limit: number) {
    const voided = new Set(this.entries.flatMap((e) => (e.payload.kind === 'void' ? [e.payload.void.ticketSeq] : [])));
    const found = this.entries.filter((e) => e.payload.kind === 'ticket' && e.payload.ticket.plate === plate && !voided.has(e.seq));
    return found.sort((a, b) => ticketAt(b) - ticketAt(a) || b.seq - a.seq).slice(0, limit);
  }
  saveOpenTicket(o: OpenTicket) {
    validateOpenTicket(o);
    if (this.open.has(o.plate)) throw new InvalidRecordError(`${o.plate} already has an open first pass`);
    if (this.failing) throw new JournalUnavailableError('disk full (fake)');
    this.open.set(o.plate, structuredClone(o));
  }
  openTicketFor(plate: string) {
    const o = this.open.get(plate);
    return o && structuredClone(o);
  }
  openTickets() {
    return [...this.open.values()].map((o) => structuredClone(o));
  }
  completeOpenTicket(plate: string, ticket: TicketBody) {
    if (ticket.plate !== plate) throw new InvalidRecordError(`the ticket is for ${ticket.plate}, not ${plate}`);
    return this.append({ kind: 'ticket', ticket }, plate);
  }
  voidOpenTicket(plate: string, event: EventBody) {
    return this.append({ kind: 'event', event }, plate);
  }
  healthy() {
    return !this.failing;
  }
  unacked(limit: number) {
    return this.entries.filter((e) => e.ackedAt === null).slice(0, limit);
  }
  markAcked() {}
  queueDepth() {
    return this.unacked(Infinity).length;
  }

  tickets(): TicketBody[] {
    return this.entries.flatMap((e) => (e.payload.kind === 'ticket' ? [e.payload.ticket] : []));
  }
  events(type?: EventBody['type']): EventBody[] {
    return this.entries.flatMap((e) => (e.payload.kind === 'event' && (!type || e.payload.event.type === type) ? [e.payload.event] : []));
  }
}

const ticketAt = (e: JournalEntry) => (e.payload.kind === 'ticket' ? ticketCompletedAt(e.payload.ticket) : 0);

export class FakeRegistry implements RegistryView {
  constructor(public snap: RegistrySnapshot | null) {}
  snapshot() {
    return this.snap;
  }
  vehicleByCard(uid: string) {
    const card = this.snap?.cards.find((c) => c.uid === uid);
    return card && { card, vehicle: this.vehicleByPlate(card.plate) };
  }
  vehicleByPlate(plate: string) {
    return this.snap?.vehicles.find((v) => v.plate === plate);
  }
  permitsFor(plate: string) {
    return this.snap?.permits.filter((p) => p.plates.includes(plate)) ?? []; // unfiltered by site and date: the lane must check
  }
  routeFor(plate: string, stream: RegistrySnapshot['routes'][number]['stream']) {
    return this.snap?.routes.find((r) => r.plates.includes(plate) && r.stream === stream);
  }
}

type Vehicle = RegistrySnapshot['vehicles'][number];
const FAR = '2030-01-01T00:00:00.000Z';
export const vehicle = (plate: string, more: Partial<Vehicle> = {}): Vehicle => ({
  plate,
  plateRaw: plate,
  carrierCode: 'C1',
  status: 'ACTIVE',
  streams: ['OTHER'],
  storedTareKg: 12_000,
  tareExpiresAt: FAR,
  maxGrossKg: 30_000,
  ...more,
});

/** A transfer station (TS01, Asia/Shanghai) accepting OTHER, KITCHEN and CONSTRUCTION. */
export function snapshot(): RegistrySnapshot {
  return {
    generatedAt: '2025-03-01T00:00:00.000Z',
    device: { code: 'D1', status: 'ACTIVE' },
    site: { code: 'TS01', nameZh: '东区转运站', nameEn: 'East Transfer Station', kind: 'TRANSFER_STATION', timezone: 'Asia/Shanghai', acceptedStreams: ['OTHER', 'KITCHEN', 'CONSTRUCTION'] },
    lanes: [],
    vehicles: [
      vehicle('苏E12345'), // compactor, OTHER, tare 12 t
      vehicle('苏E67890', { storedTareKg: 15_000, maxGrossKg: 40_000 }),
      vehicle('苏E11111', { status: 'BANNED' }),
      vehicle('苏E22222', { streams: ['CONSTRUCTION'] }),
      vehicle('苏E33333', { streams: ['KITCHEN', 'OTHER'] }),
      vehicle('苏E44444', { tareExpiresAt: '2025-02-01T00:00:00.000Z' }),
      vehicle('苏E55555', { streams: ['HAZARDOUS'] }),
    ],
    cards: [
      { uid: 'a0000001', plate: '苏E12345', status: 'ISSUED', driverName: null },
      { uid: 'a0000002', plate: '苏E67890', status: 'ISSUED', driverName: null },
      { uid: 'a0000003', plate: '苏E11111', status: 'ISSUED', driverName: null },
      { uid: 'a0000004', plate: '苏E22222', status: 'ISSUED', driverName: null },
      { uid: 'a0000005', plate: '苏E33333', status: 'ISSUED', driverName: null },
      { uid: 'a0000006', plate: '苏E44444', status: 'ISSUED', driverName: null },
      { uid: 'a0000007', plate: '苏E55555', status: 'ISSUED', driverName: null },
      { uid: 'f0000001', plate: '苏E12345', status: 'LOST', driverName: null },
      { uid: 'f0000002', plate: '苏E12345', status: 'REVOKED', driverName: null },
    ],
    permits: [],
    routes: [{ code: 'R-07', stream: 'OTHER', plates: ['苏E12345'], scheduleDays: [1, 2, 3, 4, 5, 6, 7] }],
    sites: [],
  };
}

/** A simulated indicator: emits one sample per frame period, advancing the fake clock. */
export class Indicator {
  constructor(
    private readonly bus: EventBus,
    readonly lane = 'L1',
    readonly hz = 10,
  ) {}

  frame(kg: number | null, motion: boolean | null = null): void {
    vi.advanceTimersByTime(1000 / this.hz);
    this.bus.emit({ type: 'weight.sample', sample: { lane: this.lane, at: Date.now(), kg, motion, overload: false, underload: false, negative: false } });
  }

  /** Holds `kg` for `ms`, with a repeating noise pattern (kg offsets) if given. */
  hold(kg: number, ms: number, noise: number[] = [0]): void {
    for (let i = 0; i < ms / (1000 / this.hz); i++) this.frame(kg + noise[i % noise.length]!);
  }

  ramp(from: number, to: number, ms: number): void {
    const n = ms / (1000 / this.hz);
    for (let i = 1; i <= n; i++) this.frame(Math.round((from + ((to - from) * i) / n) / 20) * 20);
  }
}

interface Shared {
  bus: EventBus;
  journal: FakeJournal;
  registry: FakeRegistry;
  cards: CardRegistry;
  events: AgentEvent[];
}

/** A lane over fresh fakes (or some shared with another rig), started, with every bus event recorded. */
export function laneRig(options: Partial<LaneOptions> = {}, shared: Partial<Shared> = {}) {
  const events: AgentEvent[] = shared.bus ? (shared.events ?? []) : [];
  const bus = shared.bus ?? new EventBus((err) => { throw err; }); // a lane bug must fail the test
  if (!shared.bus) bus.on((e) => void events.push(e));
  const journal = shared.journal ?? new FakeJournal();
  const registry = shared.registry ?? new FakeRegistry(snapshot());
  const cards = shared.cards ?? new CardRegistry();
  const code = options.code ?? 'L1';
  const lane = new Lane(
    { code, scale: { maxKg: 60_000, divisionKg: 20, minLoadKg: 400 }, readers: [`R-${code}`], ...options },
    { journal, registry, bus, cards, clock: () => Date.now(), softwareVersion: 'haulproof-agent 0.1.0' },
  );
  lane.start();
  const ind = new Indicator(bus, code);
  const card = (uid: string) => bus.emit({ type: 'card.presented', reader: `R-${code}`, uid, at: Date.now() });
  const states = () => events.flatMap((e) => (e.type === 'lane.state' && e.lane === code ? [e.state] : []));
  const completed = () => events.flatMap((e) => (e.type === 'ticket.completed' && e.lane === code ? [e.entry] : []));
  const all: Shared = { bus, journal, registry, cards, events };
  return { lane, bus, journal, registry, cards, events, ind, card, states, completed, shared: all };
}

/** Drives a vehicle on, settles for `settleMs` with ±1 e noise. */
export function driveOn(ind: Indicator, kg: number, settleMs = 2500): void {
  ind.ramp(0, kg, 800);
  ind.hold(kg, settleMs, [0, 20, -20]);
}

export function driveOff(ind: Indicator, fromKg: number): void {
  ind.ramp(fromKg, 0, 800);
  ind.hold(0, 500);
}
