// `npm run reconcile` as an operator runs it: a child process on a database holding a ledger
// that was never reconciled. It prints a line per day and the totals, and leaves exactly the
// rows the engine's own from-scratch recomputation leaves.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { daysBetween } from '../../server/src/reconciliation/calendar.js';
import { reconHarness, type ReconHarness } from './harness.js';
import { expectSameRows, storedRows } from './stored-rows.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SPEC = { seed: 53, from: '2026-03-02', days: 5, districts: 2, populationScale: 0.04, faults: { DUMPING: 1, OVERWEIGHT: 1 } };
const DAY_LINE = /^(\d{4}-\d{2}-\d{2}) {2}tickets +(\d+) {2}anomalies +(\d+) {2}raised +(\d+) {2}cleared +(\d+)$/;

let h: ReconHarness;
beforeAll(async () => {
  h = await reconHarness(SPEC);
}, 120_000);
afterAll(async () => {
  await h?.close();
});

function reconcile(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', 'reconcile', '--', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: h.url, LOG_LEVEL: 'silent' }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
const dayLines = (stdout: string) => stdout.split('\n').flatMap((l) => {
  const m = DAY_LINE.exec(l);
  return m ? [{ day: m[1]!, tickets: Number(m[2]), anomalies: Number(m[3]), raised: Number(m[4]), cleared: Number(m[5]) }] : [];
});

test('with no range it reconciles every day the ledger covers, a line per day, and stores what recomputeRange stores', async () => {
  const ledger = (await h.engine.ledgerDays())!;
  const run = await reconcile();
  expect(run, run.stderr).toMatchObject({ code: 0 });
  const lines = dayLines(run.stdout);
  expect(lines.map((l) => l.day)).toEqual(daysBetween(ledger.from, ledger.to));
  const { rows } = await h.owner.query<{ tickets: number; active: number }>(`SELECT (SELECT sum(ticket_count)::int FROM recon_day) AS tickets, (SELECT count(*)::int FROM anomaly WHERE active) AS active`);
  expect(lines.reduce((s, l) => s + l.tickets, 0)).toBe(rows[0]!.tickets);
  expect(rows[0]!.tickets).toBeGreaterThan(0);
  expect(lines.reduce((s, l) => s + l.raised, 0)).toBe(rows[0]!.active); // a first reconciliation raises every finding
  expect(run.stdout).toMatch(new RegExp(`^total: ${lines.length} day\\(s\\), ${rows[0]!.tickets} tickets`, 'm'));

  const fromCli = await storedRows(h.owner);
  const outcomes = await h.engine.recomputeRange(ledger.from, ledger.to, Date.now());
  expect(outcomes.flatMap((o) => [...o.changes.raised, ...o.changes.cleared])).toEqual([]);
  expectSameRows(await storedRows(h.owner), fromCli);
});

test('with a range it reconciles those days only; run again, it finds nothing to raise or clear', async () => {
  const [from, to] = [h.scenario.days[1]!, h.scenario.days[2]!];
  const run = await reconcile('--from', from, '--to', to);
  expect(run, run.stderr).toMatchObject({ code: 0 });
  expect(dayLines(run.stdout)).toEqual([from, to].map((day) => expect.objectContaining({ day, raised: 0, cleared: 0 })));
});

test('a malformed date is refused with a message, before anything is touched', async () => {
  const run = await reconcile('--from', '2026-02-30');
  expect(run.code).not.toBe(0);
  expect(run.stderr).toMatch(/--from 2026-02-30: expected a date YYYY-MM-DD/);
});
