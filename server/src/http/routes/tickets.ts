import { Router } from 'express';
import { CorrectionInput, TicketQuery, VoidInput } from '@haulproof/contracts';
import type { AppContext } from '../../context.js';
import { principalOf } from '../auth.js';
import { parse, parseId } from '../validate.js';

export function ticketRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/tickets', async (req, res) => {
    res.json(await ctx.tickets.list(principalOf(req), parse(TicketQuery, req.query, 'ticket query')));
  });
  r.get('/tickets/:id', async (req, res) => {
    res.json(await ctx.tickets.get(principalOf(req), parseId(req.params.id, 'ticket id')));
  });
  r.post('/tickets/:id/void', async (req, res) => {
    const { reason } = parse(VoidInput, req.body, 'void');
    res.status(201).json(await ctx.tickets.void(principalOf(req), parseId(req.params.id, 'ticket id'), reason));
  });
  r.post('/tickets/:id/corrections', async (req, res) => {
    const { reason, changes } = parse(CorrectionInput, req.body, 'correction');
    res.status(201).json(await ctx.tickets.correct(principalOf(req), parseId(req.params.id, 'ticket id'), reason, changes));
  });
  return r;
}
