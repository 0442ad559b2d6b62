// Turns weighings into what a station device would have sent: canonical JSON
// records, chained per device (seq, prev = sha256 of the previous record) and
// signed with the device's ed25519 key, plus the rows ingestion derives from them.
import { EventBody, GENESIS_HASH, type StationEventType, type TicketBody, type VoidBody } from '@haulproof/contracts';
import { signRecord } from '@haulproof/contracts/signing';
import type { ScenarioCity } from './city.js';
import type { IdSource } from './ids.js';
import { completedAt, type Weighing } from './weighing.js';

export const SCENARIO_SOFTWARE = 'haulproof-scenario 1.0.0';

/** Device times carry the station's offset; the generated city is on China Standard Time (UTC+8, no DST). */
const chinaTime = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');

export interface RecordRow {
  id: string;
  deviceId: string;
  seq: number;
  kind: 'ticket' | 'void' | 'event';
  canonical: Buffer;
  hash: string;
  prevHash: string;
  signature: Buffer;
  receivedAt: number;
}

export interface TicketRow {
  id: string;
  recordId: string;
  deviceId: string;
  seq: number;
  siteId: string;
  scaleId: string;
  vehicleId: string;
  cardId: string;
  plateSeen: string;
  stream: string;
  direction: 'IN' | 'OUT';
  grossKg: number;
  tareKg: number;
  netKg: number;
  grossSource: string;
  tareSource: string;
  firstAt: number;
  secondAt: number | null;
  weighedAt: number;
  receivedAt: number;
  routeId: string | null;
  permitId: string | null;
  originSiteId: string | null;
  operator: string | null;
  flags: string[];
}

export interface TicketEventRow {
  id: string;
  ticketId: string;
  kind: 'VOID' | 'CORRECTION';
  reason: string;
  actorDeviceId: string | null;
  actorUserId: string | null;
  recordId: string | null;
  changes: Record<string, unknown> | null;
  at: number;
}

/** A station event as an agent signs it (lane-events.ts makes them). */
export interface LaneEvent {
  id: string;
  siteId: string;
  type: StationEventType;
  lane: string | null;
  plate: string | null;
  card: string | null;
  message: string;
  details: Record<string, string | number | boolean | null>;
  /** The weighing whose ticket the event names (ticketSeq); it is signed before the event. */
  ticketOf: string | null;
}

export interface StationEventRow {
  id: string;
  recordId: string;
  deviceId: string;
  siteId: string;
  lane: string | null;
  type: StationEventType;
  at: number;
  plate: string | null;
  cardUid: string | null;
  message: string;
  details: Record<string, string | number | boolean | null>;
  ticketSeq: number | null;
  receivedAt: number;
}

export interface SignedScenario {
  records: RecordRow[];
  tickets: TicketRow[];
  events: TicketEventRow[];
  stationEvents: StationEventRow[];
}

/** A weighing's ticket record, the void record that follows a duplicate, or a station event. */
export type SignItem = { at: number; w: Weighing; kind: 'ticket' | 'void' } | { at: number; e: LaneEvent; kind: 'event' };
const itemId = (i: SignItem) => (i.kind === 'event' ? i.e.id : i.w.id);
const itemSite = (i: SignItem) => (i.kind === 'event' ? i.e.siteId : i.w.siteId);

export function signItems(weighings: readonly Weighing[]): SignItem[] {
  return weighings.flatMap((w) => [{ at: completedAt(w), w, kind: 'ticket' as const }, ...(w.voidAt === undefined ? [] : [{ at: w.voidAt, w, kind: 'void' as const }])]);
}

type ChainState = { seq: number; prev: string; seqOf: Map<string, number> };

/**
 * Signs weighings (and station events) into each device's chain. The chain state is kept between calls, so a
 * month can be signed a day at a time, as long as every call's weighings come after the
 * previous call's at each device.
 */
export class RecordSigner {
  private readonly site: Map<string, ScenarioCity['sites'][number]>;
  private readonly vehicle: Map<string, ScenarioCity['vehicles'][number]>;
  private readonly route: Map<string, { code: string }>;
  private readonly permit: Map<string, { permitNo: string }>;
  private readonly chain = new Map<string, ChainState>();

  constructor(
    city: ScenarioCity,
    private readonly ids: IdSource,
    private readonly correctorUserId: string,
  ) {
    this.site = new Map(city.sites.map((s) => [s.id, s]));
    this.vehicle = new Map(city.vehicles.map((v) => [v.id, v]));
    this.route = new Map(city.routes.map((r) => [r.id, r]));
    this.permit = new Map(city.permits.map((p) => [p.id, p]));
  }

  /** Signs these items; each device's items must all come after what it signed before. */
  sign(items: readonly SignItem[]): SignedScenario {
    const out: SignedScenario = { records: [], tickets: [], events: [], stationEvents: [] };
    const byDevice = new Map<string, SignItem[]>();
    for (const item of items) (byDevice.get(itemSite(item)) ?? byDevice.set(itemSite(item), []).get(itemSite(item))!).push(item);
    for (const [siteId, list] of [...byDevice].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const s = this.site.get(siteId)!;
      if (!s.device) throw new Error(`scenario: ${s.code} has no weighbridge, yet a weighing happened there`);
      const state = this.chain.get(s.device.id) ?? { seq: 0, prev: GENESIS_HASH, seqOf: new Map<string, number>() };
      this.chain.set(s.device.id, state);
      list.sort((a, b) => a.at - b.at || (itemId(a) < itemId(b) ? -1 : itemId(a) > itemId(b) ? 1 : 0) || (a.kind === 'ticket' ? -1 : 1));
      for (const item of list) this.append(s, state, item, out);
    }
    return out;
  }

  /** Signs one record into the device's chain and keeps it; returns its id, seq and arrival. */
  private record(s: ScenarioCity['sites'][number], state: ChainState, at: number, kind: RecordRow['kind'], body: Record<string, unknown>, out: SignedScenario): { recordId: string; seq: number; receivedAt: number } {
    const seq = ++state.seq;
    const signed = signRecord(s.device!.privateKey, { v: 1, device: s.device!.code, seq, prev: state.prev, kind, ...body } as never);
    const recordId = this.ids.uuid('record');
    const receivedAt = at + 5_000 + (seq % 50) * 1_000;
    out.records.push({ id: recordId, deviceId: s.device!.id, seq, kind, canonical: Buffer.from(signed.canonical, 'base64'), hash: signed.hash, prevHash: state.prev, signature: Buffer.from(signed.signature, 'base64'), receivedAt });
    state.prev = signed.hash;
    return { recordId, seq, receivedAt };
  }

  private append(s: ScenarioCity['sites'][number], state: ChainState, item: SignItem, out: SignedScenario): void {
    if (item.kind === 'event') {
      const { e, at } = item;
      const ticketSeq = e.ticketOf === null ? null : state.seqOf.get(e.ticketOf);
      if (ticketSeq === undefined) throw new Error(`scenario: a ${e.type} event names a weighing its device has not signed before it`);
      const event = EventBody.parse({ type: e.type, lane: e.lane, at: chinaTime(at), plate: e.plate, card: e.card, message: e.message, details: e.details, ticketSeq });
      const { recordId, receivedAt } = this.record(s, state, at, 'event', { event }, out);
      out.stationEvents.push({ id: e.id, recordId, deviceId: s.device!.id, siteId: s.id, lane: e.lane, type: e.type, at, plate: e.plate, cardUid: e.card, message: e.message, details: e.details, ticketSeq, receivedAt });
      return;
    }
    const w = item.w;
    const v = this.vehicle.get(w.vehicleId)!;
    const body =
      item.kind === 'ticket'
        ? { ticket: ticketBody(w, s.code, v, this.route, this.permit, this.site) }
        : { void: { ticketSeq: state.seqOf.get(w.id)!, reason: '重复过磅 / weighed twice', at: chinaTime(item.at), operator: w.operator } satisfies VoidBody };
    const { recordId, seq, receivedAt } = this.record(s, state, item.at, item.kind, body, out);
    if (item.kind === 'ticket') {
      state.seqOf.set(w.id, seq);
      out.tickets.push({
        id: w.id, recordId, deviceId: s.device!.id, seq, siteId: s.id, scaleId: s.scales.find((x) => x.code === w.lane)!.id, vehicleId: w.vehicleId, cardId: v.cardId, plateSeen: v.plate,
        stream: w.stream, direction: w.direction, grossKg: w.grossKg, tareKg: w.tareKg, netKg: w.netKg, grossSource: w.grossSource, tareSource: w.tareSource,
        firstAt: w.firstAt, secondAt: w.secondAt, weighedAt: completedAt(w), receivedAt, routeId: w.routeId, permitId: w.permitId, originSiteId: w.originSiteId, operator: w.operator, flags: w.flags,
      });
      if (w.correction) out.events.push({ id: this.ids.uuid('event'), ticketId: w.id, kind: 'CORRECTION', reason: w.correction.reason, actorDeviceId: null, actorUserId: this.correctorUserId, recordId: null, changes: { stream: w.correction.stream }, at: w.correction.at });
    } else {
      out.events.push({ id: this.ids.uuid('event'), ticketId: w.id, kind: 'VOID', reason: '重复过磅 / weighed twice', actorDeviceId: s.device!.id, actorUserId: null, recordId, changes: null, at: item.at });
    }
  }
}

function ticketBody(w: Weighing, siteCode: string, v: { plate: string; cardUid: string }, route: Map<string, { code: string }>, permit: Map<string, { permitNo: string }>, site: Map<string, { code: string }>): TicketBody {
  return {
    site: siteCode,
    lane: w.lane,
    plate: v.plate,
    plateSeen: v.plate,
    card: v.cardUid,
    stream: w.stream,
    direction: w.direction,
    grossKg: w.grossKg,
    tareKg: w.tareKg,
    netKg: w.netKg,
    grossSource: w.grossSource,
    tareSource: w.tareSource,
    firstAt: chinaTime(w.firstAt),
    secondAt: w.secondAt === null ? null : chinaTime(w.secondAt),
    route: w.routeId ? route.get(w.routeId)!.code : null,
    permit: w.permitId ? permit.get(w.permitId)!.permitNo : null,
    origin: w.originSiteId ? site.get(w.originSiteId)!.code : null,
    operator: w.operator,
    flags: w.flags,
    software: SCENARIO_SOFTWARE,
  };
}
