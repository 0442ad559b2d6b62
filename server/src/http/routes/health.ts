import { Router } from 'express';
import type { AppContext } from '../../context.js';

export function healthRoutes(ctx: Pick<AppContext, 'db'>): Router {
  const r = Router();
  // Liveness: the process answers.
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeS: Math.round(process.uptime()) });
  });
  // Readiness: only when the database answers too.
  r.get('/ready', async (_req, res) => {
    try {
      await ctx.db.pool.query('SELECT 1');
      res.json({ status: 'ready' });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', message: `database unreachable: ${(err as Error).message}`, correlationId: res.locals.correlationId });
    }
  });
  return r;
}
