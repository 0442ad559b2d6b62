import { Router } from 'express';
import { StreamListQuery } from '@haulproof/contracts';
import type { StreamService } from '../../../services/registry/stream.service.js';
import { mapStream } from '../../mappers/registry.js';
import { parse } from '../../validate.js';

/** GET /streams — the waste streams, for anyone logged in. */
export function streamRoutes(streams: StreamService): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const page = await streams.list(parse(StreamListQuery, req.query, 'stream list query'));
    res.json({ items: page.items.map(mapStream), nextCursor: page.nextCursor });
  });
  return r;
}
