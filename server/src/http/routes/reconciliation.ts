import { Router } from 'express';
import { BalanceQuery, DistrictFiguresQuery, DistrictMonthReportQuery, LegQuery, PermitUsageQuery, ReportQualityQuery, RouteRunQuery, TargetProgressQuery, TotalsQuery } from '@haulproof/contracts';
import type { AppContext } from '../../context.js';
import { principalOf } from '../auth.js';
import { districtFiguresCsv, totalsCsv } from '../mappers/csv.js';
import { districtFiguresXlsx, totalsXlsx, XLSX_TYPE } from '../mappers/xlsx.js';
import { parse, parseId } from '../validate.js';
import { renderDistrictMonthPdf, reportFont } from '../../reports/district-month-pdf.js';

const csv = (res: import('express').Response, filename: string, body: string) => res.type('text/csv; charset=utf-8').attachment(filename).send(body);
const xlsx = async (res: import('express').Response, filename: string, body: Promise<Buffer>) => res.type(XLSX_TYPE).attachment(filename).send(await body);

/** Reconciliation figures and one load's trace; every one within the asker's scope. `format=csv` or `format=xlsx` for spreadsheets. */
export function reconciliationRoutes(ctx: AppContext): Router {
  const q = ctx.reconciliation.queries;
  const r = Router();
  r.get('/reconciliation/totals', async (req, res) => {
    const query = parse(TotalsQuery, req.query, 'totals query');
    const result = await q.totals(principalOf(req), query);
    if (query.format === 'csv') csv(res, `totals-${query.from}-${query.to}.csv`, totalsCsv(result.rows));
    else if (query.format === 'xlsx') await xlsx(res, `totals-${query.from}-${query.to}.xlsx`, totalsXlsx(result.rows));
    else res.json(result);
  });
  r.get('/reconciliation/districts', async (req, res) => {
    const query = parse(DistrictFiguresQuery, req.query, 'district figures query');
    const result = await q.districts(principalOf(req), query);
    if (query.format === 'csv') csv(res, `districts-${query.from}-${query.to}.csv`, districtFiguresCsv(result));
    else if (query.format === 'xlsx') await xlsx(res, `districts-${query.from}-${query.to}.xlsx`, districtFiguresXlsx(result));
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
  r.get('/reconciliation/quality', async (req, res) => {
    res.json(await ctx.reconciliation.quality.quality(principalOf(req), parse(ReportQualityQuery, req.query, 'report quality query')));
  });
  r.get('/reconciliation/reports/district-month.pdf', async (req, res) => {
    const query = parse(DistrictMonthReportQuery, req.query, 'district report query');
    const report = await ctx.reconciliation.districtReports.gather(principalOf(req), query);
    const pdf = await renderDistrictMonthPdf(report, { font: reportFont() });
    res.type('application/pdf').attachment(`district-${report.district.code}-${query.month}.pdf`).send(pdf);
  });
  r.get('/tickets/:id/trace', async (req, res) => {
    res.json(await q.trace(principalOf(req), parseId(req.params.id, 'ticket id')));
  });
  return r;
}
