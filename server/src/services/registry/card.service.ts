import type { CardInput, CardListQuery, CardStatusChange, CardUpdate, Page } from '@haulproof/contracts';
import { CardUid } from '@haulproof/contracts';
import { conflict, unprocessable } from '../../http/errors.js';
import type { CardEventRow, CardRepository, CardRow } from '../../repositories/registry/card.repository.js';
import type { DriverRepository } from '../../repositories/registry/driver.repository.js';
import type { VehicleRepository } from '../../repositories/registry/vehicle.repository.js';
import { fleetScope, type Principal } from '../principal.js';
import { allowed, found, visible } from './common.js';

/**
 * RFID cards. A card is evidence of which truck stood on the scale, so its life is kept:
 * issue, reassignment, loss and revocation each append a card_event row, in the same
 * transaction as the change. A revoked card stays revoked; a lost card may be found again.
 */
export class CardService {
  constructor(
    private readonly cards: CardRepository,
    private readonly vehicles: VehicleRepository,
    private readonly drivers: DriverRepository,
  ) {}

  list(p: Principal, q: CardListQuery): Promise<Page<CardRow>> {
    const uid = q.uid === undefined ? undefined : CardUid.safeParse(q.uid).data ?? q.uid;
    return this.cards.list(allowed(fleetScope(p), 'cards'), q, { vehicleId: q.vehicleId, uid });
  }

  async get(p: Principal, id: string): Promise<CardRow> {
    return visible(await this.cards.find(id, allowed(fleetScope(p), 'cards')), () => this.cards.exists(id), 'card', id);
  }

  async history(p: Principal, id: string): Promise<CardEventRow[]> {
    await this.get(p, id);
    return this.cards.history(id);
  }

  async create(actor: Principal, input: CardInput): Promise<CardRow> {
    const clash = await this.cards.findByUid(input.uid);
    if (clash) throw conflict(`card ${input.uid} is already registered`, { cardId: clash.id });
    await this.checkDriver(input.vehicleId, input.driverId ?? null);
    return this.cards.create({ uid: input.uid, vehicleId: input.vehicleId, driverId: input.driverId ?? null }, { note: 'issued', actorUserId: actor.userId });
  }

  /** Reassigns the card to another vehicle and/or driver. */
  async update(actor: Principal, id: string, patch: CardUpdate): Promise<CardRow> {
    const cur = found(await this.cards.find(id), 'card', id);
    if (cur.status === 'REVOKED') throw conflict(`card ${cur.uid} is revoked; issue a new card instead`);
    const vehicleId = patch.vehicleId ?? cur.vehicleId;
    const driverId = patch.driverId === undefined ? cur.driverId : patch.driverId;
    await this.checkDriver(vehicleId, driverId);
    return this.cards.update(id, { vehicleId, driverId, status: cur.status }, { note: 'reassigned', actorUserId: actor.userId });
  }

  async changeStatus(actor: Principal, id: string, change: CardStatusChange): Promise<CardRow> {
    const cur = found(await this.cards.find(id), 'card', id);
    if (cur.status === change.status) throw conflict(`card ${cur.uid} is already ${cur.status}`);
    if (cur.status === 'REVOKED') throw conflict(`card ${cur.uid} is revoked; a revoked card cannot change status`);
    return this.cards.update(id, { vehicleId: cur.vehicleId, driverId: cur.driverId, status: change.status }, { note: change.note, actorUserId: actor.userId });
  }

  // The driver on a card must drive for the carrier that owns the vehicle.
  private async checkDriver(vehicleId: string, driverId: string | null): Promise<void> {
    const vehicle = await this.vehicles.find(vehicleId);
    if (!vehicle) throw unprocessable(`no vehicle ${vehicleId}`, [{ path: 'vehicleId', message: 'no such vehicle' }]);
    if (driverId === null) return;
    const driver = await this.drivers.find(driverId);
    if (!driver) throw unprocessable(`no driver ${driverId}`, [{ path: 'driverId', message: 'no such driver' }]);
    if (driver.carrierId !== vehicle.carrierId) throw unprocessable('the driver works for a different carrier than the vehicle', [{ path: 'driverId', message: 'driver and vehicle belong to different carriers' }]);
  }
}
