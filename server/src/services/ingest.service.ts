import { GENESIS_HASH, maxDisplayableKg, normalisePlate, type EventBody, type IngestBatch, type IngestResult, type TicketBody, type VoidBody } from '@haulproof/contracts';
import type { DeviceRow, LedgerRepository, LedgerTx, NewStationEventRow, NewTicketRow, RefKeys, ResolvedRefs } from '../repositories/ledger.repository.js';
import type { SecurityEventRepository } from '../repositories/security-event.repository.js';
import { devicePublicKey, RecordRejected, verifyRecord, type VerifiedRecord } from './record-verifier.js';

export interface IngestRules {
  /** How far past the server clock a device time may lie (clock drift allowance). */
  maxFutureSeconds: number;
}

export interface IngestOutcome {
  results: IngestResult[];
  rejected: RecordRejected | null;
  accepted: { ticketIds: string[]; voidedTicketIds: string[]; stationEventIds: string[] };
}

/** A record waiting for the next bulk insert: tickets and station events go in together, in seq order. */
type Pending = { kind: 'ticket'; row: NewTicketRow } | { kind: 'event'; row: NewStationEventRow };
type EventRefs = { lanes: Set<string>; ticketSeqs: Set<number> };
type TicketFacts = Map<number, { vehicleId: string; netKg: number; grossSource: string }>;

const EARLIEST = Date.parse('2000-01-01T00:00:00Z');

/**
 * Exactly-once, in-order ingestion of signed device records.
 *
 * A device's records are processed under a lock on its device row:
 *  - (device, seq) already stored with the same hash → the original result again;
 *  - the same (device, seq) with different bytes → 409, recorded as a security event;
 *  - otherwise seq must extend the chain by one and `prev` must equal the tail's hash.
 * A batch stops at its first rejected record; every record before it is kept.
 */
export class IngestService {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly security: SecurityEventRepository,
    private readonly rules: IngestRules,
  ) {}

  async ingest(device: DeviceRow, batch: IngestBatch, remoteAddr: string | null): Promise<IngestOutcome> {
    const outcome: IngestOutcome = { results: [], rejected: null, accepted: { ticketIds: [], voidedTicketIds: [], stationEventIds: [] } };
    // Signatures are checked before taking the lock: they are the expensive part.
    const verified: VerifiedRecord[] = [];
    try {
      const key = devicePublicKey(device.publicKey!);
      batch.records.forEach((wire, i) => verified.push(verifyRecord(device.code, key, wire, i)));
    } catch (err) {
      if (!(err instanceof RecordRejected)) throw err;
      outcome.rejected = err;
    }
    if (verified.length > 0) {
      await this.ledger.withDeviceLock(device.id, (tx) => new BatchWriter(tx, device, this.rules, outcome).write(verified));
    }
    if (outcome.rejected) {
      const r = outcome.rejected;
      await this.security.record({
        kind: r.kind,
        deviceId: device.id,
        seq: r.seq,
        reason: r.message,
        remoteAddr,
        details: { errors: r.errors ?? null, record: batch.records[outcome.results.length] ?? null },
      });
    }
    const { ticketIds, voidedTicketIds, stationEventIds } = outcome.accepted;
    if (ticketIds.length + voidedTicketIds.length + stationEventIds.length > 0) await this.ledger.touchDevice(device.id);
    return outcome;
  }
}

/** One batch inside the device lock: chain checks in memory, tickets and station events inserted in bulk. */
class BatchWriter {
  private tail: { seq: number; hash: string } | null = null;
  private pending: Pending[] = [];
  private readonly batchTicketSeqs = new Set<number>(); // tickets this batch added, for events that name them
  private sampled: TicketFacts = new Map(); // tickets that estimates name: the ledger's, then this batch's

  constructor(
    private readonly tx: LedgerTx,
    private readonly device: DeviceRow,
    private readonly rules: IngestRules,
    private readonly outcome: IngestOutcome,
  ) {}

  async write(records: VerifiedRecord[]): Promise<void> {
    const { existing, tail } = await this.tx.recordsAndTail(records.map((r) => r.payload.seq));
    this.tail = tail;
    const refs = await this.tx.resolveRefs(refKeys(records));
    const events = records.flatMap((r) => (r.payload.kind === 'event' ? [r.payload.event] : []));
    const eventRefs: EventRefs = events.length
      ? await this.tx.eventRefs([...new Set(events.flatMap((e) => (e.ticketSeq === null ? [] : [e.ticketSeq])))])
      : { lanes: new Set(), ticketSeqs: new Set() };
    this.sampled = await this.tx.ticketFacts([...new Set(records.flatMap((r) => (r.payload.kind === 'ticket' ? (r.payload.ticket.estimate?.sampleSeqs ?? []) : [])))]);
    try {
      for (const rec of records) {
        const { payload } = rec;
        const stored = existing.get(payload.seq);
        if (stored) {
          if (stored.hash !== rec.hash) {
            throw new RecordRejected(409, 'SEQ_CONFLICT', `seq ${payload.seq} of device ${this.device.code} is already in the ledger with different content (hash ${stored.hash.slice(0, 12)}…)`, payload.seq, undefined, this.head());
          }
          await this.flush();
          this.outcome.results.push({ seq: payload.seq, status: 'duplicate', hash: stored.hash, ticketId: stored.ticketId, receivedAt: stored.receivedAt.toISOString() });
          continue;
        }
        this.checkChain(payload.seq, payload.prev);
        if (payload.kind === 'ticket') {
          const row = this.ticketRow(rec, payload.ticket, payload.seq, refs);
          this.pending.push({ kind: 'ticket', row });
          this.batchTicketSeqs.add(payload.seq);
          this.sampled.set(payload.seq, { vehicleId: row.vehicleId, netKg: row.netKg, grossSource: row.grossSource });
        } else if (payload.kind === 'void') {
          await this.flush(); // a void may refer to a ticket earlier in this batch
          await this.applyVoid(rec, payload.void, payload.seq);
        } else {
          this.pending.push({ kind: 'event', row: this.eventRow(rec, payload.event, payload.seq, eventRefs) });
        }
        this.tail = { seq: payload.seq, hash: rec.hash };
      }
      await this.flush();
    } catch (err) {
      if (!(err instanceof RecordRejected)) throw err;
      await this.flush(); // records before the rejected one are kept
      this.outcome.rejected = err;
    }
  }

  private checkChain(seq: number, prev: string): void {
    const expectedSeq = (this.tail?.seq ?? 0) + 1;
    if (seq !== expectedSeq) {
      throw new RecordRejected(422, 'CHAIN_GAP', `device ${this.device.code}: expected seq ${expectedSeq}, got ${seq}; send records in order without gaps`, seq, undefined, this.head());
    }
    const expectedPrev = this.tail?.hash ?? GENESIS_HASH;
    if (prev !== expectedPrev) {
      throw new RecordRejected(422, 'CHAIN_BROKEN', `device ${this.device.code} seq ${seq}: prev ${prev.slice(0, 12)}… does not match the hash of seq ${this.tail?.seq ?? 0} (${expectedPrev.slice(0, 12)}…)`, seq, undefined, this.head());
    }
  }

  private head(): { seq: number; hash: string } {
    return this.tail ?? { seq: 0, hash: GENESIS_HASH };
  }

  private ticketRow(rec: VerifiedRecord, t: TicketBody, seq: number, refs: ResolvedRefs): NewTicketRow {
    const reject = (message: string, path: string) => new RecordRejected(422, 'REJECTED_RECORD', `device ${this.device.code} seq ${seq}: ${message}`, seq, [{ path: `ticket.${path}`, message }]);
    if (normalisePlate(t.plate) !== t.plate) throw reject(`plate must be sent normalised (${normalisePlate(t.plate)})`, 'plate');
    checkTimes(this.rules, [['firstAt', t.firstAt], ['secondAt', t.secondAt]], reject);
    const lane = refs.lanes.get(`${t.site}/${t.lane}`);
    if (!lane) throw reject(`unknown site ${t.site}`, 'site');
    if (lane.siteId !== this.device.siteId) throw reject(`device ${this.device.code} is not registered at site ${t.site}`, 'site');
    if (!lane.scaleId) throw reject(`site ${t.site} has no lane ${t.lane}`, 'lane');
    if (!lane.laneOnDevice) throw reject(`lane ${t.lane} is not assigned to device ${this.device.code}`, 'lane');
    const ceiling = maxDisplayableKg(lane.maxKg!, lane.divisionKg!);
    if (t.grossKg > ceiling) throw reject(`gross ${t.grossKg} kg exceeds the scale's maximum + 9 e (${ceiling} kg)`, 'grossKg');
    const vehicleId = refs.vehicles.get(t.plate);
    if (!vehicleId) throw reject(`no registered vehicle has plate ${t.plate}`, 'plate');
    if (t.estimate) this.checkEstimateSample(t, seq, vehicleId, reject);
    const optional = (code: string | null, map: Map<string, string>, what: string, path: string) => {
      if (code === null) return null;
      const id = map.get(code);
      if (!id) throw reject(`unknown ${what} ${code}`, path);
      return id;
    };
    return {
      deviceId: this.device.id, seq,
      canonical: rec.canonical, hash: rec.hash, prevHash: rec.payload.prev, signature: rec.signature,
      siteId: lane.siteId, scaleId: lane.scaleId, vehicleId,
      cardId: optional(t.card, refs.cards, 'card', 'card'),
      plateSeen: t.plateSeen, stream: t.stream, direction: t.direction,
      grossKg: t.grossKg, tareKg: t.tareKg, netKg: t.netKg, grossSource: t.grossSource, tareSource: t.tareSource,
      firstAt: t.firstAt, secondAt: t.secondAt,
      routeId: optional(t.route, refs.routes, 'route', 'route'),
      permitId: optional(t.permit, refs.permits, 'permit', 'permit'),
      originSiteId: optional(t.origin, refs.sites, 'origin site', 'origin'),
      operator: t.operator, flags: t.flags, software: t.software, estimate: t.estimate ?? null,
    };
  }

  /**
   * A median estimate names the tickets it is the median of. They must be this device's earlier
   * tickets of the same vehicle, weighed (not keyed or estimated themselves), with the nets the
   * basis quotes: then anyone can recompute the estimate from the ledger alone.
   */
  private checkEstimateSample(t: TicketBody, seq: number, vehicleId: string, reject: (m: string, p: string) => RecordRejected): void {
    const basis = t.estimate!;
    basis.sampleSeqs.forEach((s, i) => {
      const path = `estimate.sampleSeqs.${i}`;
      const facts = s < seq ? this.sampled.get(s) : undefined;
      if (!facts) throw reject(`the estimate cites seq ${s}, which is not an earlier ticket of device ${this.device.code}`, path);
      if (facts.vehicleId !== vehicleId) throw reject(`the estimate cites seq ${s}, a ticket of another vehicle`, path);
      if (facts.grossSource !== 'WEIGHED') throw reject(`the estimate cites seq ${s}, whose gross was not weighed (${facts.grossSource})`, path);
      if (facts.netKg !== basis.sampleNetsKg[i]) throw reject(`the estimate quotes ${basis.sampleNetsKg[i]} kg for seq ${s}, which weighed ${facts.netKg} kg net`, `estimate.sampleNetsKg.${i}`);
    });
  }

  private eventRow(rec: VerifiedRecord, e: EventBody, seq: number, refs: EventRefs): NewStationEventRow {
    const reject = (message: string, path: string) => new RecordRejected(422, 'REJECTED_RECORD', `device ${this.device.code} seq ${seq}: ${message}`, seq, [{ path: `event.${path}`, message }]);
    checkTimes(this.rules, [['at', e.at]], reject);
    if (e.lane !== null && !refs.lanes.has(e.lane)) throw reject(`lane ${e.lane} is not assigned to device ${this.device.code}`, 'lane');
    if (e.ticketSeq !== null && !(e.ticketSeq < seq && (refs.ticketSeqs.has(e.ticketSeq) || this.batchTicketSeqs.has(e.ticketSeq)))) {
      throw reject(`device ${this.device.code} has no ticket with seq ${e.ticketSeq} before this event`, 'ticketSeq');
    }
    return {
      deviceId: this.device.id, seq,
      canonical: rec.canonical, hash: rec.hash, prevHash: rec.payload.prev, signature: rec.signature,
      siteId: this.device.siteId, lane: e.lane, type: e.type, at: e.at, plate: e.plate, card: e.card,
      message: e.message, details: e.details, ticketSeq: e.ticketSeq,
    };
  }

  private async applyVoid(rec: VerifiedRecord, v: VoidBody, seq: number): Promise<void> {
    const reject = (message: string) => new RecordRejected(422, 'REJECTED_RECORD', `device ${this.device.code} seq ${seq}: ${message}`, seq, [{ path: 'void.ticketSeq', message }]);
    checkTimes(this.rules, [['at', v.at]], reject);
    const target = await this.tx.ticketBySeq(v.ticketSeq);
    if (!target) throw reject(`device ${this.device.code} has no ticket with seq ${v.ticketSeq}`);
    if (target.voided) throw reject(`ticket ${this.device.code}-${v.ticketSeq} is already void`);
    const { receivedAt } = await this.guarded(seq, () =>
      this.tx.insertVoid({ deviceId: this.device.id, seq, canonical: rec.canonical, hash: rec.hash, prevHash: rec.payload.prev, signature: rec.signature, ticketId: target.id, reason: v.reason, at: v.at }),
    );
    this.outcome.accepted.voidedTicketIds.push(target.id);
    this.outcome.results.push({ seq, status: 'accepted', hash: rec.hash, ticketId: target.id, receivedAt: receivedAt.toISOString() });
  }

  /**
   * Writes the pending tickets and station events, in one savepoint. If a database rule refuses
   * the bulk insert, falls back to one insert per record, in seq order, to find the culprit: the
   * records before it are kept and it alone is rejected.
   */
  private async flush(): Promise<void> {
    const rows = this.pending;
    if (rows.length === 0) return;
    this.pending = [];
    let stored: Map<number, { id: string; receivedAt: Date }>;
    try {
      stored = await this.guarded(rows[0]!.row.seq, () => this.insert(rows));
    } catch (err) {
      if (!(err instanceof RecordRejected) || rows.length === 1) throw err;
      stored = new Map();
      for (const one of rows) {
        try {
          for (const [seq, v] of await this.guarded(one.row.seq, () => this.insert([one]))) stored.set(seq, v);
        } catch (failure) {
          this.record(rows, stored);
          throw failure;
        }
      }
    }
    this.record(rows, stored);
  }

  private async insert(rows: Pending[]): Promise<Map<number, { id: string; receivedAt: Date }>> {
    const tickets = await this.tx.insertTickets(rows.flatMap((p) => (p.kind === 'ticket' ? [p.row] : [])));
    const events = await this.tx.insertStationEvents(rows.flatMap((p) => (p.kind === 'event' ? [p.row] : [])));
    return new Map([
      ...[...tickets].map(([seq, t]) => [seq, { id: t.ticketId, receivedAt: t.receivedAt }] as const),
      ...[...events].map(([seq, e]) => [seq, { id: e.eventId, receivedAt: e.receivedAt }] as const),
    ]);
  }

  private record(rows: Pending[], stored: Map<number, { id: string; receivedAt: Date }>): void {
    for (const { kind, row } of rows) {
      const s = stored.get(row.seq);
      if (!s) continue;
      if (kind === 'ticket') this.outcome.accepted.ticketIds.push(s.id);
      else this.outcome.accepted.stationEventIds.push(s.id);
      this.outcome.results.push({ seq: row.seq, status: 'accepted', hash: row.hash, ticketId: kind === 'ticket' ? s.id : null, receivedAt: s.receivedAt.toISOString() });
    }
  }

  /** Runs an insert in a savepoint so a refused insert leaves the transaction usable. */
  private async guarded<T>(seq: number, insert: () => Promise<T>): Promise<T> {
    await this.tx.savepoint();
    try {
      const result = await insert();
      await this.tx.releaseSavepoint();
      return result;
    } catch (err) {
      const code = String((err as { code?: unknown }).code ?? '');
      if (!code.startsWith('22') && !code.startsWith('23')) throw err;
      await this.tx.rollbackToSavepoint();
      throw new RecordRejected(422, 'REJECTED_RECORD', `device ${this.device.code} seq ${seq}: refused by a ledger rule: ${(err as Error).message}`, seq);
    }
  }
}

function checkTimes(rules: IngestRules, times: [string, string | null][], reject: (m: string, p: string) => RecordRejected): void {
  const latest = Date.now() + rules.maxFutureSeconds * 1000;
  for (const [path, value] of times) {
    if (value === null) continue;
    const ms = Date.parse(value);
    if (ms > latest) throw reject(`${value} lies more than ${rules.maxFutureSeconds} s in the future; check the station clock`, path);
    if (ms < EARLIEST) throw reject(`${value} is before 2000; check the station clock`, path);
  }
}

function refKeys(records: VerifiedRecord[]): RefKeys {
  const tickets = records.flatMap((r) => (r.payload.kind === 'ticket' ? [r.payload.ticket] : []));
  const distinct = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))];
  const lanes = new Map(tickets.map((t) => [`${t.site}/${t.lane}`, { site: t.site, lane: t.lane }]));
  return {
    siteLanes: [...lanes.values()],
    plates: distinct(tickets.map((t) => t.plate)),
    cards: distinct(tickets.map((t) => t.card)),
    routes: distinct(tickets.map((t) => t.route)),
    permits: distinct(tickets.map((t) => t.permit)),
    origins: distinct(tickets.map((t) => t.origin)),
  };
}
