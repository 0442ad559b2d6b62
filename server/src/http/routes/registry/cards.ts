import { Router } from 'express';
import { CardInput, CardListQuery, CardStatusChange, CardUpdate } from '@haulproof/contracts';
import type { CardService } from '../../../services/registry/card.service.js';
import { principalOf } from '../../auth.js';
import { mapCard, mapCardEvent } from '../../mappers/registry.js';
import { parse, parseId } from '../../validate.js';
import { crudRouter, writer } from './crud.js';

/**
 * Cards have no DELETE: their history is append-only evidence. A card leaves service by
 * POST /cards/:id/status {status: 'REVOKED' | 'LOST', note}.
 */
export function cardRoutes(svc: CardService): Router {
  const r = Router();
  r.get('/:id/history', async (req, res) => {
    const events = await svc.history(principalOf(req), parseId(req.params.id, 'card id'));
    res.json({ items: events.map(mapCardEvent), nextCursor: null });
  });
  r.post('/:id/status', writer, async (req, res) => {
    const id = parseId(req.params.id, 'card id');
    res.json(mapCard(await svc.changeStatus(principalOf(req), id, parse(CardStatusChange, req.body, 'card status change'))));
  });
  return crudRouter(
    {
      what: 'card',
      map: mapCard,
      query: CardListQuery,
      create: CardInput,
      update: CardUpdate,
      list: (p, q) => svc.list(p, q),
      get: (p, id) => svc.get(p, id),
      add: (actor, input) => svc.create(actor, input),
      change: (actor, id, patch) => svc.update(actor, id, patch),
    },
    r,
  );
}
