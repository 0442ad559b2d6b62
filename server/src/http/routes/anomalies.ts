import { Router } from 'express';
import { AcknowledgeInput, AnomalyQuery, AssignInput, ResolveInput } from '@haulproof/contracts';
import type { AppContext } from '../../context.js';
import { principalOf } from '../auth.js';
import { allPages, exportPageSize, sendExport } from '../mappers/export-stream.js';
import { ANOMALY_COLUMNS } from '../mappers/report-columns.js';
import { parse, parseId } from '../validate.js';

/** Anomalies: anyone reads within their scope; inspectors (and admins) acknowledge, assign and resolve. */
export function anomalyRoutes(ctx: AppContext): Router {
  const service = ctx.reconciliation.anomalies;
  const r = Router();
  r.get('/anomalies', async (req, res) => {
    const query = parse(AnomalyQuery, req.query, 'anomaly query');
    const who = principalOf(req);
    if (query.format === 'json') return void res.json(await service.list(who, query));
    // every page of the findings, not the first: a spreadsheet is taken as the whole list
    const pages = await allPages((cursor) => service.list(who, { ...query, cursor, limit: exportPageSize(req, query.limit) }));
    await sendExport(res, ctx.log, query.format, `anomalies-${query.from ?? 'start'}-${query.to ?? 'now'}`, 'anomalies 异常', ANOMALY_COLUMNS, pages);
  });
  r.get('/anomalies/:id', async (req, res) => {
    res.json(await service.get(principalOf(req), parseId(req.params.id, 'anomaly id')));
  });
  r.post('/anomalies/:id/acknowledge', async (req, res) => {
    const { note } = parse(AcknowledgeInput, req.body ?? {}, 'acknowledgement');
    res.json(await service.acknowledge(principalOf(req), parseId(req.params.id, 'anomaly id'), note ?? null));
  });
  r.post('/anomalies/:id/assign', async (req, res) => {
    const { assigneeUserId, note } = parse(AssignInput, req.body, 'assignment');
    res.json(await service.assign(principalOf(req), parseId(req.params.id, 'anomaly id'), assigneeUserId, note ?? null));
  });
  r.post('/anomalies/:id/resolve', async (req, res) => {
    const { note } = parse(ResolveInput, req.body, 'resolution');
    res.json(await service.resolve(principalOf(req), parseId(req.params.id, 'anomaly id'), note));
  });
  return r;
}
