import { Router } from 'express';
import type { Page } from '@haulproof/contracts';
import type { z } from 'zod';
import { REGISTRY_WRITERS, type Principal } from '../../../services/principal.js';
import { principalOf, requireRole } from '../../auth.js';
import { parse, parseId } from '../../validate.js';

/** One registry entity's endpoints: list, read, create, patch and (where it makes sense) delete. */
export interface CrudSpec<Row, Q, C, U> {
  what: string; // names the entity in error messages
  map: (row: Row) => unknown;
  query: z.ZodType<Q>;
  create: z.ZodType<C>;
  update: z.ZodType<U>;
  list(p: Principal, q: Q): Promise<Page<Row>>;
  get(p: Principal, id: string): Promise<Row>;
  add(actor: Principal, input: C): Promise<Row>;
  change(actor: Principal, id: string, patch: U): Promise<Row>;
  remove?(id: string): Promise<void>;
}

// Writes check the role before reading the body: a dispatcher gets 403, not a lesson in the schema.
export const writer = requireRole(...REGISTRY_WRITERS);

export function crudRouter<Row, Q, C, U>(spec: CrudSpec<Row, Q, C, U>, r: Router = Router()): Router {
  const idOf = (raw: unknown) => parseId(raw, `${spec.what} id`);
  r.get('/', async (req, res) => {
    const page = await spec.list(principalOf(req), parse(spec.query, req.query, `${spec.what} list query`));
    res.json({ items: page.items.map(spec.map), nextCursor: page.nextCursor });
  });
  r.get('/:id', async (req, res) => {
    res.json(spec.map(await spec.get(principalOf(req), idOf(req.params.id))));
  });
  r.post('/', writer, async (req, res) => {
    res.status(201).json(spec.map(await spec.add(principalOf(req), parse(spec.create, req.body, spec.what))));
  });
  r.patch('/:id', writer, async (req, res) => {
    const id = idOf(req.params.id);
    res.json(spec.map(await spec.change(principalOf(req), id, parse(spec.update, req.body, `${spec.what} update`))));
  });
  const remove = spec.remove?.bind(spec);
  if (remove) {
    r.delete('/:id', writer, async (req, res) => {
      await remove(idOf(req.params.id));
      res.status(204).end();
    });
  }
  return r;
}
