// Reconciliation at a large city's scale: a generated year (default 12 districts at 1.37× the
// Suzhou districts' census, ≈1.5 M signed tickets) in an embedded PostgreSQL. Prints figures,
// then PASS or FAIL against the goals (issue 4): month × district × stream rollup < 1 s (slowest
// of five), one load's trace < 20 ms (p95, through the real TicketService scope check); a FAIL
// sets the exit code.
//   npx tsx bench/reconciliation.bench.ts [days=365] [districts=12] [populationScale=1.37]
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connectDatabase } from '../server/src/db/database.js';
import { ensureDatabase, startEmbeddedPostgres } from '../server/src/db/embedded.js';
import { migrate } from '../server/src/db/migrate.js';
import { addDays } from '../server/src/reconciliation/calendar.js';
import { ReconciliationEngine } from '../server/src/reconciliation/engine.js';
import { withRules } from '../server/src/reconciliation/rules.js';
import { scenarioChunks, scenarioCity, writeCity, writeEvents, writeTickets, type ScenarioChunk } from '../server/src/reconciliation/scenario/index.js';
import { AnomalyRepository } from '../server/src/repositories/reconciliation/anomaly.repository.js';
import { ReconInputRepository } from '../server/src/repositories/reconciliation/recon-input.repository.js';
import { ReconOutputRepository } from '../server/src/repositories/reconciliation/recon-output.repository.js';
import { ReconQueryRepository } from '../server/src/repositories/reconciliation/recon-query.repository.js';
import { ReconListRepository } from '../server/src/repositories/reconciliation/recon-list.repository.js';
import { ReconTraceRepository } from '../server/src/repositories/reconciliation/recon-trace.repository.js';
import { TicketRepository } from '../server/src/repositories/ticket.repository.js';
import { LivePublisher } from '../server/src/live/publisher.js';
import type { Principal } from '../server/src/services/principal.js';
import { ReconQueryService } from '../server/src/services/recon-query.service.js';
import { ReconTraceService } from '../server/src/services/recon-trace.service.js';
import { TicketService } from '../server/src/services/ticket.service.js';

const days = Number(process.argv[2] ?? 365);
const districts = Number(process.argv[3] ?? 12);
const populationScale = Number(process.argv[4] ?? 1.37); // ≈ 1.5 M tickets a year
const FROM = '2025-01-01';
const HELD_DAYS = 2; // kept back, then ingested in batches for the incremental figure
const BATCH = 250; // tickets a debounce window might collect on a busy morning

const dir = await mkdtemp(path.join(tmpdir(), 'haulproof-bench-'));
await chmod(dir, 0o755);
const cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: 57000 + Math.floor(Math.random() * 1000), persistent: false });
await ensureDatabase(cluster.url('postgres'), 'bench');
const url = cluster.url('bench');
await migrate(url);
const owner = new pg.Client({ connectionString: url });
await owner.connect();
const db = connectDatabase(url, { max: 8 });
const engine = new ReconciliationEngine(new ReconInputRepository(db.pool), new ReconOutputRepository(db.pool), withRules());
const queries = new ReconQueryService(new ReconQueryRepository(db.pool), new ReconListRepository(db.pool));
const tracer = new ReconTraceService(new ReconTraceRepository(db.pool), new AnomalyRepository(db.pool), new TicketService(new TicketRepository(db.pool), new LivePublisher()));
const admin: Principal = { userId: 'bench', username: 'bench', role: 'ADMIN', siteId: null, carrierId: null, districtId: null };
const since = (t: number) => performance.now() - t;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const log = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// ── 1. a year of signed tickets, written straight into the ledger tables ──
const lastDay = addDays(FROM, days - 1);
const firstHeld = addDays(lastDay, 1 - HELD_DAYS);
const each = Math.max(1, Math.floor(days / 100));
const spec = { seed: 2025, from: FROM, days, districts, populationScale, faults: { DUMPING: each, WRONG_STREAM: each, TARE_MANIPULATION: each, MISSED_TRIP: each, STATION_IMBALANCE: each, EXPIRED_PERMIT: each, OVERWEIGHT: each }, voids: 5 * each, corrections: 5 * each };
const { city, corrector } = scenarioCity(spec);
await writeCity(owner, city, [corrector]);
let generateMs = 0;
let writeMs = 0;
let written = 0;
const held: ScenarioChunk[] = [];
const chunks = scenarioChunks(spec);
let expectedKeys: string[] = [];
for (;;) {
  let t = performance.now();
  const next = chunks.next();
  generateMs += since(t);
  if (next.done) {
    expectedKeys = next.value.faults.flatMap((f) => f.expectedKeys);
    break;
  }
  const chunk = next.value;
  if (chunk.through >= firstHeld) {
    held.push(chunk);
    continue;
  }
  t = performance.now();
  await writeTickets(owner, chunk.records.filter((r) => r.kind === 'ticket'), chunk.tickets);
  await writeEvents(owner, chunk.records.filter((r) => r.kind === 'void'), chunk.events);
  writeMs += since(t);
  const before = written;
  written += chunk.tickets.length;
  if (Math.floor(written / 250_000) > Math.floor(before / 250_000)) log(`  … ${fmt(written)} tickets written (through ${chunk.through})`);
}
await owner.query('ANALYZE');
const heldTickets = held.reduce((s, c) => s + c.tickets.length, 0);
log(`generated and signed ${fmt(written + heldTickets)} tickets in ${fmt(generateMs)} ms; wrote ${fmt(written)} in ${fmt(writeMs)} ms`);

// ── 2. full recomputation of every day before the held ones ──
let t = performance.now();
const asOf = Date.parse(`${addDays(lastDay, 2)}T12:00:00Z`);
let dayCount = 0;
await engine.recomputeRange(FROM, addDays(firstHeld, -1), asOf, (o) => {
  if (++dayCount % 60 === 0) log(`  … recomputed ${o.day}`);
});
const fullMs = since(t);
await owner.query('ANALYZE');
log(`full recomputation: ${dayCount} days, ${fmt(written)} tickets in ${fmt(fullMs)} ms (${fmt((written / fullMs) * 1000)} tickets/s, ${fmt(fullMs / dayCount)} ms/day)`);

// ── 3. incremental: the held days arrive in batches, each followed by reconciliation of the days it touched ──
const engineTimes: number[] = [];
let incremental = 0;
for (const chunk of held) {
  const recordOf = new Map(chunk.records.map((r) => [r.id, r]));
  const order = [...chunk.tickets].sort((a, b) => a.receivedAt - b.receivedAt);
  for (let i = 0; i < order.length; i += BATCH) {
    const batch = order.slice(i, i + BATCH);
    await writeTickets(owner, batch.map((x) => recordOf.get(x.recordId)!), batch);
    t = performance.now();
    await engine.recomputeTouched(batch.map((x) => ({ weighedAt: x.weighedAt, firstWeighedAt: x.firstAt, timezone: 'Asia/Shanghai' })), asOf);
    engineTimes.push(since(t));
    incremental += batch.length;
  }
  // voids and corrections, as ticket.voided / ticket.corrected would announce them
  await writeEvents(owner, chunk.records.filter((r) => r.kind === 'void'), chunk.events);
  const byId = new Map(chunk.tickets.map((x) => [x.id, x]));
  const touched = chunk.events.map((e) => byId.get(e.ticketId)!).map((x) => ({ weighedAt: x.weighedAt, firstWeighedAt: x.firstAt, timezone: 'Asia/Shanghai' }));
  t = performance.now();
  if (touched.length) await engine.recomputeTouched(touched, asOf);
  engineTimes.push(since(t));
}
const engineTotal = engineTimes.reduce((s, x) => s + x, 0);
log(`incremental: ${fmt(incremental)} tickets in batches of ${BATCH}; reconciliation ${fmt((incremental / engineTotal) * 1000)} tickets/s; per batch p50 ${fmt(pct(engineTimes, 0.5))} ms, p95 ${fmt(pct(engineTimes, 0.95))} ms`);
await owner.query('ANALYZE');

// ── 4. rollups over the whole year ──
const timed = async (n: number, f: () => Promise<unknown>) => {
  const xs: number[] = [];
  let rows = 0;
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const r = (await f()) as { rows?: unknown[] };
    xs.push(since(s));
    rows = r.rows?.length ?? 0;
  }
  return { p50: pct(xs, 0.5), max: Math.max(...xs), rows };
};
const districtRollup = await timed(5, () => queries.districts(admin, { from: FROM, to: lastDay, period: 'month', format: 'json' }));
log(`rollup month × district × stream (collected + disposed, provenance apart, with metrics): ${districtRollup.rows} rows; p50 ${fmt(districtRollup.p50)} ms, max ${fmt(districtRollup.max)} ms`);
const siteRollup = await timed(5, () => queries.totals(admin, { from: FROM, to: lastDay, period: 'month', groupBy: 'district,stream,direction', format: 'json' }));
log(`rollup month × district × stream × direction of weighed tonnes: ${siteRollup.rows} rows; p50 ${fmt(siteRollup.p50)} ms, max ${fmt(siteRollup.max)} ms`);

// ── 5. traces: plant arrivals, station collections, departures ──
const { rows: sample } = await owner.query<{ id: string }>(`
  (SELECT in_ticket_id AS id FROM recon_custody_leg WHERE in_ticket_id IS NOT NULL ORDER BY md5(out_ticket_id::text) LIMIT 100)
  UNION ALL (SELECT ticket_id FROM recon_run_ticket ORDER BY md5(ticket_id::text) LIMIT 100)
  UNION ALL (SELECT out_ticket_id FROM recon_custody_leg ORDER BY md5(out_ticket_id::text) LIMIT 100)`);
const traceTimes: number[] = [];
for (const { id } of sample) {
  const s = performance.now();
  await tracer.trace(admin, id);
  traceTimes.push(since(s));
}
log(`trace of one load (${sample.length} loads): p50 ${pct(traceTimes, 0.5).toFixed(1)} ms, p95 ${pct(traceTimes, 0.95).toFixed(1)} ms, max ${Math.max(...traceTimes).toFixed(1)} ms`);

const { rows: found } = await owner.query<{ natural_key: string; summary: string }>('SELECT natural_key, summary FROM anomaly WHERE active');
const missed = expectedKeys.filter((k) => !found.some((f) => f.natural_key === k));
const unexpected = found.filter((f) => !expectedKeys.includes(f.natural_key));
log(`injected faults found: ${expectedKeys.length - missed.length} of ${expectedKeys.length}; other findings: ${unexpected.length}${unexpected.map((u) => `\n    ${u.summary}`).join('')}`);
const { rows: size } = await owner.query(`SELECT (SELECT count(*) FROM ticket)::int AS tickets, (SELECT count(*) FROM recon_custody_leg)::int AS legs, (SELECT count(*) FROM anomaly WHERE active)::int AS anomalies, pg_size_pretty(pg_database_size(current_database())) AS db`);
log(`ledger: ${fmt(size[0].tickets)} tickets, ${fmt(size[0].legs)} custody legs, ${size[0].anomalies} active anomalies (${Object.values(spec.faults).reduce((s, n) => s + n, 0)} faults injected); database ${size[0].db}`);
log(`process RSS ${fmt(process.memoryUsage().rss / 2 ** 20)} MiB`);

const goals = [
  { name: 'rollup month × district × stream, slowest of 5', ms: districtRollup.max, goal: 1_000 },
  { name: `trace of one load, p95 of ${sample.length}`, ms: pct(traceTimes, 0.95), goal: 20 },
];
log(`goals on ${fmt(size[0].tickets)} tickets (${days} days, ${districts} districts):`);
for (const g of goals) log(`  ${g.ms < g.goal ? 'PASS' : 'FAIL'}  ${g.name}: ${g.ms.toFixed(1)} ms (goal < ${fmt(g.goal)} ms)`);
if (goals.some((g) => g.ms >= g.goal)) process.exitCode = 1;

await db.close();
await owner.end();
await cluster.stop();
await rm(dir, { recursive: true, force: true });
