import * as c from '@haulproof/contracts';
import { z } from 'zod';
import type { Operation } from './openapi.js';

// Every operation the API serves, for the OpenAPI document. test/openapi.test.ts
// fails when a mounted route is missing here or an entry here is not mounted.

const admin = 'ADMIN only';
const registryRead = 'any logged-in person, within their scope';

function crud(plural: string, tag: string, schemas: { input: z.ZodType; update: z.ZodType; list: z.ZodType }, opts: { remove?: boolean; read?: string } = {}): Operation[] {
  const base = `/api/v1/${plural}`;
  const ops: Operation[] = [
    { method: 'get', path: base, summary: `List ${plural}`, tag, auth: 'user', roles: opts.read ?? registryRead, query: schemas.list },
    { method: 'get', path: `${base}/:id`, summary: `One of the ${plural}`, tag, auth: 'user', roles: opts.read ?? registryRead },
    { method: 'post', path: base, summary: `Create one of the ${plural}`, tag, auth: 'user', roles: admin, body: schemas.input, ok: 201 },
    { method: 'patch', path: `${base}/:id`, summary: `Change one of the ${plural}`, tag, auth: 'user', roles: admin, body: schemas.update },
  ];
  if (opts.remove !== false) ops.push({ method: 'delete', path: `${base}/:id`, summary: `Delete one of the ${plural} (refused while referenced)`, tag, auth: 'user', roles: admin, ok: 204 });
  return ops;
}

export const operations: Operation[] = [
  { method: 'get', path: '/health', summary: 'Liveness: the process answers', tag: 'health', auth: 'none' },
  { method: 'get', path: '/ready', summary: 'Readiness: the database answers', tag: 'health', auth: 'none' },
  { method: 'get', path: '/api/v1/openapi.json', summary: 'This document', tag: 'health', auth: 'none' },
  { method: 'post', path: '/api/v1/auth/login', summary: 'Log in; returns a bearer token', tag: 'auth', auth: 'none', body: c.LoginInput },
  { method: 'get', path: '/api/v1/auth/me', summary: 'Who am I, with my scope', tag: 'auth', auth: 'user' },
  { method: 'post', path: '/api/v1/ingest/records', summary: 'Station devices: a batch of signed, chained records (exactly once, in order)', tag: 'ingest', auth: 'device', body: c.IngestBatch },
  { method: 'get', path: '/api/v1/tickets', summary: 'Tickets in your scope, newest first, with filters and cursor pagination', tag: 'tickets', auth: 'user', roles: registryRead, query: c.TicketQuery },
  { method: 'get', path: '/api/v1/tickets/:id', summary: 'One ticket with its voids and corrections', tag: 'tickets', auth: 'user', roles: registryRead },
  { method: 'post', path: '/api/v1/tickets/:id/void', summary: 'Void a ticket (a ledger event; the ticket stays)', tag: 'tickets', auth: 'user', roles: 'ADMIN, or OPERATOR at the ticket\'s site', body: c.VoidInput, ok: 201 },
  { method: 'post', path: '/api/v1/tickets/:id/corrections', summary: 'Correct a ticket (a ledger event; the ticket stays)', tag: 'tickets', auth: 'user', roles: 'ADMIN, or OPERATOR at the ticket\'s site', body: c.CorrectionInput, ok: 201 },
  { method: 'get', path: '/api/v1/security-events', summary: 'Rejected and suspicious device traffic', tag: 'tickets', auth: 'user', roles: 'ADMIN, INSPECTOR' },
  { method: 'get', path: '/api/v1/station-events', summary: 'Anti-cheat and fault events stations signed into their chains, newest first, with cursor pagination', tag: 'stations', auth: 'user', roles: 'ADMIN and city INSPECTOR: all; district INSPECTOR and DISPATCHER: their district; OPERATOR: own site; carrier DISPATCHER: none', query: c.StationEventQuery },
  { method: 'post', path: '/api/v1/devices/:id/enrolment', summary: 'Issue a one-time enrolment token (valid 7 days) for a PENDING device; shown once', tag: 'stations', auth: 'user', roles: admin, ok: 201 },
  { method: 'post', path: '/api/v1/device/enrol', summary: 'Station agent: enrol with the one-time token and the device\'s new public key', tag: 'stations', auth: 'none', body: c.EnrolInput },
  { method: 'get', path: '/api/v1/device/registry', summary: 'Station agent: the registry snapshot to weigh offline (ETag; If-None-Match → 304)', tag: 'stations', auth: 'device' },
  { method: 'get', path: '/api/v1/streams', summary: 'Waste streams with Chinese and English names', tag: 'registry', auth: 'user', query: c.StreamListQuery },
  ...crud('districts', 'registry', { input: c.DistrictInput, update: c.DistrictUpdate, list: c.PageQuery }),
  ...crud('sites', 'registry', { input: c.SiteInput, update: c.SiteUpdate, list: c.SiteListQuery }),
  ...crud('scales', 'registry', { input: c.ScaleInput, update: c.ScaleUpdate, list: c.ScaleListQuery }),
  ...crud('carriers', 'fleet', { input: c.CarrierInput, update: c.CarrierUpdate, list: c.CarrierListQuery }),
  ...crud('vehicles', 'fleet', { input: c.VehicleInput, update: c.VehicleUpdate, list: c.VehicleListQuery }),
  ...crud('drivers', 'fleet', { input: c.DriverInput, update: c.DriverUpdate, list: c.DriverListQuery }),
  ...crud('cards', 'fleet', { input: c.CardInput, update: c.CardUpdate, list: c.CardListQuery }, { remove: false }),
  { method: 'post', path: '/api/v1/cards/:id/status', summary: 'Report a card lost or revoke it (appends to its history)', tag: 'fleet', auth: 'user', roles: admin, body: c.CardStatusChange },
  { method: 'get', path: '/api/v1/cards/:id/history', summary: "A card's history", tag: 'fleet', auth: 'user', roles: registryRead },
  ...crud('routes', 'plans', { input: c.RouteInput, update: c.RouteUpdate, list: c.RouteListQuery }),
  ...crud('permits', 'plans', { input: c.PermitInput, update: c.PermitUpdate, list: c.PermitListQuery }),
  ...crud('targets', 'plans', { input: c.TargetInput, update: c.TargetUpdate, list: c.TargetListQuery }),
  ...crud('devices', 'stations', { input: c.DeviceInput, update: c.DeviceUpdate, list: c.DeviceListQuery }),
  ...crud('users', 'users', { input: c.UserInput, update: c.UserUpdate, list: c.PageQuery }, { remove: false, read: admin }),
  // reconciliation (issue 4)
  { method: 'get', path: '/api/v1/anomalies', summary: 'Reconciliation findings in your scope, newest service day first, with filters and cursor pagination; format=csv|xlsx exports every page', tag: 'reconciliation', auth: 'user', roles: registryRead, query: c.AnomalyQuery },
  { method: 'get', path: '/api/v1/anomalies/:id', summary: 'One finding with its evidence tickets and its ledger of events', tag: 'reconciliation', auth: 'user', roles: registryRead },
  { method: 'post', path: '/api/v1/anomalies/:id/acknowledge', summary: 'Acknowledge an open finding', tag: 'reconciliation', auth: 'user', roles: 'INSPECTOR within scope, or ADMIN', body: c.AcknowledgeInput },
  { method: 'post', path: '/api/v1/anomalies/:id/assign', summary: 'Assign a finding to an inspector who can see it', tag: 'reconciliation', auth: 'user', roles: 'INSPECTOR within scope, or ADMIN', body: c.AssignInput },
  { method: 'post', path: '/api/v1/anomalies/:id/resolve', summary: 'Resolve an acknowledged finding; the note says what was found', tag: 'reconciliation', auth: 'user', roles: 'INSPECTOR within scope, or ADMIN', body: c.ResolveInput },
  { method: 'get', path: '/api/v1/reconciliation/totals', summary: 'Tonnes weighed by period × site/district/stream/direction, provenance kept apart', tag: 'reconciliation', auth: 'user', roles: 'ADMIN, city INSPECTOR; district INSPECTOR and DISPATCHER: their district; OPERATOR: own site', query: c.TotalsQuery },
  { method: 'get', path: '/api/v1/reconciliation/districts', summary: 'Districts’ collected and disposed tonnes (attributed back through stations) by period, district, stream and the site where weighed; kg/resident/day, separation rate, YoY other, 三增一减 (always the whole district’s)', tag: 'reconciliation', auth: 'user', roles: 'ADMIN, city INSPECTOR; district INSPECTOR and DISPATCHER: their district', query: c.DistrictFiguresQuery },
  { method: 'get', path: '/api/v1/reconciliation/targets', summary: 'Targets in force on a day: progress to date, projection, ranking of districts; format=csv|xlsx', tag: 'reconciliation', auth: 'user', roles: 'ADMIN, city INSPECTOR; district INSPECTOR and DISPATCHER: their district', query: c.TargetProgressQuery },
  { method: 'get', path: '/api/v1/reconciliation/rankings', summary: 'Every district ranked over a day, month or year on kg/resident/day (total and other), separation rate, YoY other and 三增一减; districts without data last and marked', tag: 'reconciliation', auth: 'user', roles: 'ADMIN, city INSPECTOR; district INSPECTOR and DISPATCHER: their own entries, ranked among all districts', query: c.RankingQuery },
  { method: 'get', path: '/api/v1/reconciliation/permits', summary: 'Construction-waste permits: trips and tonnes counted against each over from … to (optionally per day, month or year), by site, district and stream, versus approved volume and tonnes; format=csv|xlsx', tag: 'reconciliation', auth: 'user', roles: 'as permits: origin or disposal site, district, the carrier’s own', query: c.PermitUsageQuery },
  { method: 'get', path: '/api/v1/reconciliation/rules', summary: 'The reconciliation rules in effect (tolerances, windows, loss shares) and which of them this deployment overrides', tag: 'reconciliation', auth: 'user', roles: 'any logged-in person' },
  { method: 'get', path: '/api/v1/reconciliation/route-runs', summary: 'Daily route runs: planned against weighed trips and tonnes, by destination site, district, stream and days; cursor pages (nextCursor); format=csv|xlsx exports every page', tag: 'reconciliation', auth: 'user', roles: 'as routes: district, carrier’s trucks, runs to the operator’s site', query: c.RouteRunQuery },
  { method: 'get', path: '/api/v1/reconciliation/legs', summary: 'Custody legs: each departure, its arrival and why they match, by site or district (either end), stream and days; cursor pages (nextCursor); format=csv|xlsx exports every page', tag: 'reconciliation', auth: 'user', roles: 'ADMIN, city INSPECTOR; district: legs from or to it; OPERATOR: own site; carrier DISPATCHER: own trucks', query: c.LegQuery },
  { method: 'get', path: '/api/v1/reconciliation/balances', summary: 'Transfer-station mass balance per day × stream, or summed per month or year, stock as an interval; by site, district and stream; cursor pages (nextCursor); format=csv|xlsx exports every page', tag: 'reconciliation', auth: 'user', roles: 'ADMIN, city INSPECTOR; district INSPECTOR and DISPATCHER: their district; OPERATOR: own site', query: c.BalanceQuery },
  { method: 'get', path: '/api/v1/reconciliation/quality', summary: 'Report-quality score 0–100 per site and district: timeliness (late tickets), completeness (silent hours without heartbeat, ticket or station event, timed-out first passes and, for the period that runs on, first passes open past the overdue rule, days with scale faults), consistency (imbalances, keyed share, anti-cheat station events per 100 tickets), with the counts behind it; format=csv|xlsx (sites, then districts)', tag: 'reconciliation', auth: 'user', roles: 'ADMIN, city INSPECTOR; district INSPECTOR and DISPATCHER: their district; OPERATOR: own site', query: c.ReportQualityRequest },
  { method: 'get', path: '/api/v1/reconciliation/reports/district-month.pdf', summary: 'Monthly district report (PDF): tonnes by stream with provenance, kg/resident/day, separation rate, YoY other, 三增一减, targets, anomalies, report quality', tag: 'reconciliation', auth: 'user', roles: 'ADMIN, city INSPECTOR; district INSPECTOR: their district', query: c.DistrictMonthReportQuery },
  { method: 'get', path: '/api/v1/tickets/:id/trace', summary: 'One load’s trace: route run → transfer station → plant, with every ticket and anomaly on the way: the station pile’s inbound tickets and their runs, the legs, the permit; what lies outside your scope is summed or counted, never listed', tag: 'reconciliation', auth: 'user', roles: 'whoever can see the ticket; within it, each piece as its own endpoint shows it to you' },
];
