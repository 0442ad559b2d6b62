import { Router } from 'express';
import { StationEventQuery } from '@haulproof/contracts';
import type { AppContext } from '../../context.js';
import { StationEventRepository } from '../../repositories/station-event.repository.js';
import { StationEventService } from '../../services/station-event.service.js';
import { principalOf } from '../auth.js';
import { parse } from '../validate.js';

/** GET /api/v1/station-events — anti-cheat and fault events stations signed into their chains. */
export function stationEventRoutes(ctx: Pick<AppContext, 'db' | 'live'>): Router {
  const svc = new StationEventService(new StationEventRepository(ctx.db.pool), ctx.live);
  const r = Router();
  r.get('/station-events', async (req, res) => {
    res.json(await svc.list(principalOf(req), parse(StationEventQuery, req.query, 'station event query')));
  });
  return r;
}
