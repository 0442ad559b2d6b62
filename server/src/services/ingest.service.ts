import { GENESIS_HASH, maxDisplayableKg, normalisePlate, type IngestBatch, type IngestResult, type TicketBody, type VoidBody } from '@haulproof/contracts';
import type { LedgerRepository, LedgerTx, DeviceRow } from '../repositories/ledger.repository.js';
import type { SecurityEventRepository } from '../repositories/security-event.repository.js';
import { devicePublicKey, RecordRejected, verifyRecord, type VerifiedRecord } from './record-verifier.js';

export interface IngestRules {
  /** How far past the server clock a device time may lie (clock drift allowance). */
  maxFutureSeconds: number;
}

export type IngestOutcome = { results: IngestResult[]; rejected: RecordRejected | null; accepted: { ticketIds: string[]; voidedTicketIds: string[] } };

const EARLIEST = Date.parse('2000-01-01T00:00:00Z');

/**
 * Exactly-once, in-order ingestion of signed device records.
 *
 * Records of one device are processed under a lock on the device row:
 *  - (device, seq) already stored with the same hash → the original result again;
 *  - same (device, seq) with different bytes → 409, recorded as a security event;
 *  - otherwise seq must extend the chain by one and `prev` must equal the tail's hash.
 * A batch stops at its first rejected record; everything before it is kept.
 */
export class IngestService {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly security: SecurityEventRepository,
    private readonly rules: IngestRules,
  ) {}

  async ingest(device: DeviceRow, batch: IngestBatch, remoteAddr: string | null): Promise<IngestOutcome> {
    const outcome: IngestOutcome = { results: [], rejected: null, accepted: { ticketIds: [], voidedTicketIds: [] } };
    // Signatures are checked before taking the lock: it is the expensive part.
    const verified: VerifiedRecord[] = [];
    try {
      const key = devicePublicKey(device.publicKey!);
      batch.records.forEach((wire, i) => verified.push(verifyRecord(device.code, key, wire, i)));
    } catch (err) {
      if (!(err instanceof RecordRejected)) throw err;
      outcome.rejected = err;
    }

    if (verified.length > 0) {
      await this.ledger.withDeviceLock(device.id, async (tx) => {
        for (const rec of verified) {
          try {
            outcome.results.push(await this.applyOne(tx, device, rec, outcome));
          } catch (err) {
            if (!(err instanceof RecordRejected)) throw err;
            outcome.rejected = err; // the records before it still commit
            break;
          }
        }
      });
    }

    if (outcome.rejected) {
      const r = outcome.rejected;
      const failedIndex = outcome.results.length;
      await this.security.record({
        kind: r.kind,
        deviceId: device.id,
        seq: r.seq,
        reason: r.message,
        remoteAddr,
        details: { errors: r.errors ?? null, record: batch.records[failedIndex] ?? null },
      });
    }
    if (outcome.results.some((r) => r.status === 'accepted')) await this.ledger.touchDevice(device.id);
    return outcome;
  }

  private async applyOne(tx: LedgerTx, device: DeviceRow, rec: VerifiedRecord, outcome: IngestOutcome): Promise<IngestResult> {
    const { payload } = rec;
    const { existing, tail } = await tx.recordAndTail(payload.seq);
    if (existing) {
      if (existing.hash === rec.hash) {
        return { seq: payload.seq, status: 'duplicate', hash: existing.hash, ticketId: existing.ticketId, receivedAt: existing.receivedAt.toISOString() };
      }
      throw new RecordRejected(409, 'SEQ_CONFLICT', `seq ${payload.seq} of device ${device.code} is already in the ledger with different content (hash ${existing.hash.slice(0, 12)}…)`, payload.seq);
    }
    const expectedSeq = (tail?.seq ?? 0) + 1;
    if (payload.seq !== expectedSeq) {
      throw new RecordRejected(422, 'CHAIN_GAP', `device ${device.code}: expected seq ${expectedSeq}, got ${payload.seq}; send records in order without gaps`, payload.seq);
    }
    const expectedPrev = tail?.hash ?? GENESIS_HASH;
    if (payload.prev !== expectedPrev) {
      throw new RecordRejected(422, 'CHAIN_BROKEN', `device ${device.code} seq ${payload.seq}: prev ${payload.prev.slice(0, 12)}… does not match the hash of seq ${tail?.seq ?? 0} (${expectedPrev.slice(0, 12)}…)`, payload.seq);
    }

    if (payload.kind === 'ticket') {
      const row = await this.ticketRow(tx, device, rec, payload.ticket, payload.seq);
      const { ticketId, receivedAt } = await guarded(tx, payload.seq, () => tx.insertTicket(row));
      outcome.accepted.ticketIds.push(ticketId);
      return { seq: payload.seq, status: 'accepted', hash: rec.hash, ticketId, receivedAt: receivedAt.toISOString() };
    }
    const target = await this.voidTarget(tx, device, payload.void, payload.seq);
    const { receivedAt } = await guarded(tx, payload.seq, () => tx.insertVoid({ deviceId: device.id, seq: payload.seq, canonical: rec.canonical, hash: rec.hash, prevHash: payload.prev, signature: rec.signature, ticketId: target, reason: payload.void.reason, at: payload.void.at }));
    outcome.accepted.voidedTicketIds.push(target);
    return { seq: payload.seq, status: 'accepted', hash: rec.hash, ticketId: target, receivedAt: receivedAt.toISOString() };
  }

  private async ticketRow(tx: LedgerTx, device: DeviceRow, rec: VerifiedRecord, t: TicketBody, seq: number) {
    const reject = (message: string, path: string) => new RecordRejected(422, 'REJECTED_RECORD', `device ${device.code} seq ${seq}: ${message}`, seq, [{ path: `ticket.${path}`, message }]);
    if (normalisePlate(t.plate) !== t.plate) throw reject(`plate must be sent normalised (${normalisePlate(t.plate)})`, 'plate');
    this.checkTimes(t.firstAt, t.secondAt, reject);

    const refs = await tx.ticketRefs({ site: t.site, lane: t.lane, plate: t.plate, card: t.card, route: t.route, permit: t.permit, origin: t.origin });
    if (!refs.siteId) throw reject(`unknown site ${t.site}`, 'site');
    if (refs.siteId !== device.siteId) throw reject(`device ${device.code} is not registered at site ${t.site}`, 'site');
    if (!refs.scaleId) throw reject(`site ${t.site} has no lane ${t.lane}`, 'lane');
    if (!refs.laneOnDevice) throw reject(`lane ${t.lane} is not assigned to device ${device.code}`, 'lane');
    const ceiling = maxDisplayableKg(refs.maxKg!, refs.divisionKg!);
    if (t.grossKg > ceiling) throw reject(`gross ${t.grossKg} kg exceeds the scale's maximum + 9 e (${ceiling} kg)`, 'grossKg');
    if (!refs.vehicleId) throw reject(`no registered vehicle has plate ${t.plate}`, 'plate');
    if (t.card && !refs.cardId) throw reject(`unknown card ${t.card}`, 'card');
    if (t.route && !refs.routeId) throw reject(`unknown route ${t.route}`, 'route');
    if (t.permit && !refs.permitId) throw reject(`unknown permit ${t.permit}`, 'permit');
    if (t.origin && !refs.originSiteId) throw reject(`unknown origin site ${t.origin}`, 'origin');

    return {
      deviceId: device.id, seq, kind: 'ticket' as const,
      canonical: rec.canonical, hash: rec.hash, prevHash: rec.payload.prev, signature: rec.signature,
      siteId: refs.siteId, scaleId: refs.scaleId, vehicleId: refs.vehicleId, cardId: refs.cardId,
      plateSeen: t.plateSeen, stream: t.stream, direction: t.direction,
      grossKg: t.grossKg, tareKg: t.tareKg, netKg: t.netKg, grossSource: t.grossSource, tareSource: t.tareSource,
      firstAt: t.firstAt, secondAt: t.secondAt,
      routeId: refs.routeId, permitId: refs.permitId, originSiteId: refs.originSiteId,
      operator: t.operator, flags: t.flags, software: t.software,
    };
  }

  private checkTimes(firstAt: string, secondAt: string | null, reject: (m: string, p: string) => RecordRejected): void {
    const latest = Date.now() + this.rules.maxFutureSeconds * 1000;
    for (const [path, value] of [['firstAt', firstAt], ['secondAt', secondAt]] as const) {
      if (value === null) continue;
      const ms = Date.parse(value);
      if (ms > latest) throw reject(`${value} lies more than ${this.rules.maxFutureSeconds} s in the future; check the station clock`, path);
      if (ms < EARLIEST) throw reject(`${value} is before 2000; check the station clock`, path);
    }
  }

  private async voidTarget(tx: LedgerTx, device: DeviceRow, v: VoidBody, seq: number): Promise<string> {
    const target = await tx.ticketBySeq(v.ticketSeq);
    const reject = (message: string) => new RecordRejected(422, 'REJECTED_RECORD', `device ${device.code} seq ${seq}: ${message}`, seq, [{ path: 'void.ticketSeq', message }]);
    if (!target) throw reject(`device ${device.code} has no ticket with seq ${v.ticketSeq}`);
    if (target.voided) throw reject(`ticket ${device.code}-${v.ticketSeq} is already void`);
    this.checkTimes(v.at, null, (m) => reject(m));
    return target.id;
  }
}

/**
 * Runs an insert inside a savepoint, so a database rule that refuses one record
 * (a CHECK the validation did not foresee) rejects that record alone and keeps
 * the batch's earlier records.
 */
async function guarded<T>(tx: LedgerTx, seq: number, insert: () => Promise<T>): Promise<T> {
  await tx.savepoint();
  try {
    const result = await insert();
    await tx.releaseSavepoint();
    return result;
  } catch (err) {
    const code = String((err as { code?: unknown }).code ?? '');
    if (!code.startsWith('22') && !code.startsWith('23')) throw err;
    await tx.rollbackToSavepoint();
    throw new RecordRejected(422, 'REJECTED_RECORD', `seq ${seq}: refused by a ledger rule: ${(err as Error).message}`, seq);
  }
}
