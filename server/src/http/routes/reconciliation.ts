import { Router } from 'express';
import { BalanceQuery, DistrictFiguresQuery, DistrictMonthReportQuery, LegQuery, PermitUsageQuery, RankingQuery, ReportQualityRequest, RouteRunQuery, TargetProgressQuery, TotalsQuery, type StationBalancePeriodView, type StationBalanceView } from '@haulproof/contracts';
import type { AppContext } from '../../context.js';
import { principalOf } from '../auth.js';
import { BALANCE_COLUMNS, BALANCE_PERIOD_COLUMNS, LEG_COLUMNS, ROUTE_RUN_COLUMNS } from '../mappers/custody-columns.js';
import { allPages, exportPageSize, onePage, sendExport } from '../mappers/export-stream.js';
import { DISTRICT_FIGURE_COLUMNS, TOTALS_COLUMNS } from '../mappers/figure-columns.js';
import { permitColumns, QUALITY_COLUMNS, qualityRows, TARGET_COLUMNS } from '../mappers/report-columns.js';
import { parse, parseId } from '../validate.js';
import { renderDistrictMonthPdf, reportFont } from '../../reports/district-month-pdf.js';


/** Reconciliation figures and one load's trace; every one within the asker's scope. `format=csv` or `format=xlsx` for spreadsheets. */
export function reconciliationRoutes(ctx: AppContext): Router {
  const q = ctx.reconciliation.queries;
  const r = Router();
  r.get('/reconciliation/totals', async (req, res) => {
    const query = parse(TotalsQuery, req.query, 'totals query');
    const result = await q.totals(principalOf(req), query);
    if (query.format === 'json') res.json(result);
    else await sendExport(res, ctx.log, query.format, `totals-${query.from}-${query.to}`, 'totals 汇总', TOTALS_COLUMNS, onePage(result.rows));
  });
  r.get('/reconciliation/districts', async (req, res) => {
    const query = parse(DistrictFiguresQuery, req.query, 'district figures query');
    const result = await q.districts(principalOf(req), query);
    if (query.format === 'json') res.json(result);
    else await sendExport(res, ctx.log, query.format, `districts-${query.from}-${query.to}`, 'districts 分区', DISTRICT_FIGURE_COLUMNS, onePage(result.rows));
  });
  r.get('/reconciliation/targets', async (req, res) => {
    const query = parse(TargetProgressQuery, req.query, 'target progress query');
    const result = await q.targets(principalOf(req), query);
    if (query.format === 'json') res.json(result);
    else await sendExport(res, ctx.log, query.format, `targets-${query.asOf}`, 'targets 目标', TARGET_COLUMNS, onePage(result.items));
  });
  r.get('/reconciliation/rankings', async (req, res) => {
    res.json(await ctx.reconciliation.rankings.rankings(principalOf(req), parse(RankingQuery, req.query, 'ranking query')));
  });
  r.get('/reconciliation/permits', async (req, res) => {
    const query = parse(PermitUsageQuery, req.query, 'permit usage query');
    const result = await q.permits(principalOf(req), query);
    if (query.format === 'json') res.json(result);
    else await sendExport(res, ctx.log, query.format, `permits-${query.from ?? 'start'}-${query.to ?? query.asOf}`, 'permits 处置证', permitColumns(query.period !== undefined), onePage(result.items));
  });
  // the tolerances in effect: not scoped data; everyone logged in may read what the figures are judged by
  r.get('/reconciliation/rules', (_req, res) => {
    res.json(ctx.reconciliation.rulesView);
  });
  // lists: a page as JSON, or every page of the range as one spreadsheet
  r.get('/reconciliation/route-runs', async (req, res) => {
    const query = parse(RouteRunQuery, req.query, 'route run query');
    const who = principalOf(req);
    if (query.format === 'json') return void res.json(await q.routeRuns(who, query));
    const pages = await allPages((cursor) => q.routeRuns(who, { ...query, cursor, limit: exportPageSize(req, query.limit) }));
    await sendExport(res, ctx.log, query.format, `route-runs-${query.from}-${query.to}`, 'route runs 线路', ROUTE_RUN_COLUMNS, pages);
  });
  r.get('/reconciliation/legs', async (req, res) => {
    const query = parse(LegQuery, req.query, 'custody leg query');
    const who = principalOf(req);
    if (query.format === 'json') return void res.json(await q.legs(who, query));
    const pages = await allPages((cursor) => q.legs(who, { ...query, cursor, limit: exportPageSize(req, query.limit) }));
    await sendExport(res, ctx.log, query.format, `legs-${query.from}-${query.to}`, 'legs 运输', LEG_COLUMNS, pages);
  });
  r.get('/reconciliation/balances', async (req, res) => {
    const query = parse(BalanceQuery, req.query, 'balance query');
    const who = principalOf(req);
    if (query.format === 'json') return void res.json(await q.balances(who, query));
    const name = `balances-${query.period}-${query.from}-${query.to}`;
    if (query.period === 'day') {
      const pages = await allPages((cursor) => q.balances(who, { ...query, cursor, limit: exportPageSize(req, query.limit) }) as Promise<{ items: StationBalanceView[]; nextCursor: string | null }>);
      await sendExport(res, ctx.log, query.format, name, 'balances 物料平衡', BALANCE_COLUMNS, pages);
    } else {
      const pages = await allPages((cursor) => q.balances(who, { ...query, cursor, limit: exportPageSize(req, query.limit) }) as Promise<{ items: StationBalancePeriodView[]; nextCursor: string | null }>);
      await sendExport(res, ctx.log, query.format, name, 'balances 物料平衡', BALANCE_PERIOD_COLUMNS, pages);
    }
  });
  r.get('/reconciliation/quality', async (req, res) => {
    const { format, ...query } = parse(ReportQualityRequest, req.query, 'report quality query');
    const result = await ctx.reconciliation.quality.quality(principalOf(req), query);
    if (format === 'json') res.json(result);
    else await sendExport(res, ctx.log, format, `quality-${query.period}`, 'quality 报送质量', QUALITY_COLUMNS, onePage(qualityRows(result)));
  });
  r.get('/reconciliation/reports/district-month.pdf', async (req, res) => {
    const query = parse(DistrictMonthReportQuery, req.query, 'district report query');
    const report = await ctx.reconciliation.districtReports.gather(principalOf(req), query);
    const pdf = await renderDistrictMonthPdf(report, { font: reportFont() });
    res.type('application/pdf').attachment(`district-${report.district.code}-${query.month}.pdf`).send(pdf);
  });
  r.get('/tickets/:id/trace', async (req, res) => {
    res.json(await ctx.reconciliation.trace.trace(principalOf(req), parseId(req.params.id, 'ticket id')));
  });
  return r;
}
