import { Router } from 'express';
import { BalanceQuery, DistrictFiguresQuery, LegQuery, PermitUsageQuery, RouteRunQuery, TargetProgressQuery, TotalsQuery } from '@haulproof/contracts';
import type { AppContext } from '../../context.js';
import { principalOf } from '../auth.js';
import { districtFiguresCsv, totalsCsv } from '../mappers/csv.js';
import { parse, parseId } from '../validate.js';

const csv = (res: import('express').Response, filename: string, body: string) => res.type('text/csv; charset=utf-8').attachment(filename).send(body);

/** Reconciliation figures and one load's trace; every one within the asker's scope. `format=csv` for spreadsheets. */
export function reconciliationRoutes(ctx: AppContext): Router {
  const q = ctx.reconciliation.queries;
  const r = Router();
  r.get('/reconciliation/totals', async (req, res) => {
    const query = parse(TotalsQuery, req.query, 'totals query');
    const result = await q.totals(principalOf(req), query);
    if (query.format === 'csv') csv(res, `totals-${query.from}-${query.to}.csv`, totalsCsv(result.rows));
    else res.json(result);
  });
  r.get('/reconciliation/districts', async (req, res) => {
    const query = parse(DistrictFiguresQuery, req.query, 'district figures query');
    const result = await q.districts(principalOf(req), query);
    if (query.format === 'csv') csv(res, `districts-${query.from}-${query.to}.csv`, districtFiguresCsv(result));
    else res.json(result);
  });
  r.get('/reconciliation/targets', async (req, res) => {
    res.json(await q.targets(principalOf(req), parse(TargetProgressQuery, req.query, 'target progress query')));
  });
  r.get('/reconciliation/permits', async (req, res) => {
    res.json(await q.permits(principalOf(req), parse(PermitUsageQuery, req.query, 'permit usage query')));
  });
  r.get('/reconciliation/route-runs', async (req, res) => {
    res.json(await q.routeRuns(principalOf(req), parse(RouteRunQuery, req.query, 'route run query')));
  });
  r.get('/reconciliation/legs', async (req, res) => {
    res.json(await q.legs(principalOf(req), parse(LegQuery, req.query, 'custody leg query')));
  });
  r.get('/reconciliation/balances', async (req, res) => {
    res.json(await q.balances(principalOf(req), parse(BalanceQuery, req.query, 'balance query')));
  });
  r.get('/tickets/:id/trace', async (req, res) => {
    res.json(await q.trace(principalOf(req), parseId(req.params.id, 'ticket id')));
  });
  return r;
}
