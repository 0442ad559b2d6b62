import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { SecurityEventRepository } from '../../repositories/security-event.repository.js';
import { decodeCursor, encodeCursor } from '../../services/cursor.js';
import { principalOf, requireRole } from '../auth.js';
import { parse } from '../validate.js';

const Query = z.object({ deviceId: z.uuid().optional(), cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();

/** GET /api/v1/security-events — rejected and suspicious device traffic, for admins and inspectors. */
export function securityEventRoutes(ctx: AppContext): Router {
  const repo = new SecurityEventRepository(ctx.db.pool);
  const r = Router();
  r.get('/security-events', requireRole('ADMIN', 'INSPECTOR'), async (req, res) => {
    const q = parse(Query, req.query, 'security event query');
    const p = principalOf(req);
    const before = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await repo.list({ limit: q.limit + 1, before: before && { at: new Date(before.weighedAt), id: before.id }, deviceId: q.deviceId, districtId: p.role === 'INSPECTOR' ? p.districtId : null });
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    res.json({
      items: items.map((e) => ({ ...e, at: e.at.toISOString() })),
      nextCursor: rows.length > q.limit && last ? encodeCursor({ weighedAt: last.at.toISOString(), id: last.id }) : null,
    });
  });
  return r;
}
