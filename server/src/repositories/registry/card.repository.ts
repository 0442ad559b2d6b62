import type { Page } from '@haulproof/contracts';
import type { Card, CardEvent, CardStatus, PrismaClient } from '../../generated/prisma/client.js';
import type { FleetScope } from '../../services/principal.js';
import { guard } from './db-errors.js';
import { cardWhere } from './fleet-scope.js';
import { afterCursor, takeOneMore, toPage, type PageRequest } from './paging.js';

export type CardRow = Card;
export type CardEventRow = CardEvent;

/** Who did it and why; every change to a card appends one card_event row in the same transaction. */
export interface CardChange {
  note: string | null;
  actorUserId: string | null;
}

export class CardRepository {
  constructor(private readonly db: PrismaClient) {}

  async list(scope: FleetScope, page: PageRequest, filter: { vehicleId?: string | undefined; uid?: string | undefined }): Promise<Page<CardRow>> {
    const where = { AND: [cardWhere(scope), afterCursor(page), filter.vehicleId ? { vehicleId: filter.vehicleId } : {}, filter.uid ? { uid: filter.uid } : {}] };
    return toPage(await guard('card', this.db.card.findMany({ where, ...takeOneMore(page) })), page);
  }

  find(id: string, scope: FleetScope = { kind: 'all' }): Promise<CardRow | null> {
    return this.db.card.findFirst({ where: { AND: [{ id }, cardWhere(scope)] } });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.card.count({ where: { id } })) > 0;
  }

  findByUid(uid: string): Promise<CardRow | null> {
    return this.db.card.findUnique({ where: { uid } });
  }

  create(data: { uid: string; vehicleId: string; driverId: string | null }, change: CardChange): Promise<CardRow> {
    return guard(
      'card',
      this.db.card.create({ data: { ...data, status: 'ISSUED', history: { create: { status: 'ISSUED', vehicleId: data.vehicleId, driverId: data.driverId, ...change } } } }),
    );
  }

  /** Reassigns the card to another vehicle or driver and/or changes its status. */
  update(id: string, data: { vehicleId: string; driverId: string | null; status: CardStatus }, change: CardChange): Promise<CardRow> {
    return guard('card', this.db.card.update({ where: { id }, data: { ...data, history: { create: { ...data, ...change } } } }));
  }

  history(cardId: string): Promise<CardEventRow[]> {
    return this.db.cardEvent.findMany({ where: { cardId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  }
}
