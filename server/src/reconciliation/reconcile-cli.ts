// `npm run reconcile -- [--from YYYY-MM-DD] [--to YYYY-MM-DD]`: recomputes service days from
// scratch (engine.recomputeRange) on DATABASE_URL or the embedded cluster, printing each day
// and the totals. No range: every day the ledger covers. For what no running server saw:
// a changed HAULPROOF_RECON_* rule, registry edits made while it was down, an upgrade.
// Safe beside a running server: each day is written under its own lock (recon-output).
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { connectDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { resolveDatabaseUrl } from '../db/resolve.js';
import { ReconInputRepository } from '../repositories/reconciliation/recon-input.repository.js';
import { ReconOutputRepository } from '../repositories/reconciliation/recon-output.repository.js';
import { ReconciliationEngine, type DayOutcome } from './engine.js';
import { withRules } from './rules.js';
import type { Day } from './types.js';

const USAGE = 'usage: npm run reconcile -- [--from YYYY-MM-DD] [--to YYYY-MM-DD]   (no range: every day the ledger covers)';

function day(value: string | undefined, name: string): Day | undefined {
  if (value === undefined) return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
  if (!ok) throw new Error(`--${name} ${value}: expected a date YYYY-MM-DD\n${USAGE}`);
  return value;
}

function parse(argv: string[]): { from?: Day; to?: Day } {
  const { values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' } }, strict: true, allowPositionals: false });
  const range = { from: day(values.from, 'from'), to: day(values.to, 'to') };
  if (range.from && range.to && range.from > range.to) throw new Error(`--from ${range.from} is after --to ${range.to}`);
  return range;
}

const line = (o: DayOutcome) => `${o.day}  tickets ${String(o.tickets).padStart(6)}  anomalies ${String(o.anomalies).padStart(5)}  raised ${String(o.changes.raised.length).padStart(4)}  cleared ${String(o.changes.cleared.length).padStart(4)}`;

async function main(): Promise<void> {
  const range = parse(process.argv.slice(2));
  const config = loadConfig();
  const database = await resolveDatabaseUrl(config, (m) => console.error(m));
  const db = connectDatabase(database.url, { max: 4 });
  try {
    const applied = await migrate(database.url);
    if (applied.length) console.error(`applied ${applied.length} migration(s)`);
    const engine = new ReconciliationEngine(new ReconInputRepository(db.pool), new ReconOutputRepository(db.pool), withRules(config.reconRules));
    const ledger = range.from && range.to ? null : await engine.ledgerDays();
    const from = range.from ?? ledger?.from;
    const to = range.to ?? ledger?.to;
    if (!from || !to) {
      console.log('the ledger has no tickets: nothing to reconcile');
      return;
    }
    if (from > to) throw new Error(`nothing between ${from} and ${to}: the ledger ${range.from ? 'ends' : 'starts'} on the other side`);
    console.log(`reconciling ${from} … ${to}`);
    const started = Date.now();
    const outcomes = await engine.recomputeRange(from, to, Date.now(), (o) => console.log(line(o)));
    const sum = (f: (o: DayOutcome) => number) => outcomes.reduce((s, o) => s + f(o), 0);
    console.log(
      `total: ${outcomes.length} day(s), ${sum((o) => o.tickets)} tickets, ${sum((o) => o.anomalies)} anomalies active; raised ${sum((o) => o.changes.raised.length)}, updated ${sum((o) => o.changes.updated.length)}, cleared ${sum((o) => o.changes.cleared.length)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await db.close();
    await database.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1); // not exitCode: the embedded cluster's exit hook ends the process with 0
});
