// Shared by the reconciliation tests: a fresh database with a generated scenario
// written into it, and an engine on the application role's pool.
import pg from 'pg';
import { connectDatabase, type Database } from '../../server/src/db/database.js';
import { ReconciliationEngine } from '../../server/src/reconciliation/engine.js';
import { withRules, type ReconRules } from '../../server/src/reconciliation/rules.js';
import { addDays } from '../../server/src/reconciliation/calendar.js';
import { generateScenario, writeCity, writeScenario, type Scenario, type ScenarioSpec } from '../../server/src/reconciliation/scenario/index.js';
import { ReconInputRepository } from '../../server/src/repositories/reconciliation/recon-input.repository.js';
import { ReconOutputRepository } from '../../server/src/repositories/reconciliation/recon-output.repository.js';
import { createTestDatabase } from '../support/db.js';

export interface ReconHarness {
  scenario: Scenario;
  url: string;
  owner: pg.Client;
  db: Database;
  engine: ReconciliationEngine;
  /** After the month and its grace: every day closed, every leg past its window. */
  asOf: number;
  close(): Promise<void>;
}

export async function reconHarness(spec: ScenarioSpec, opts: { write?: 'all' | 'registry'; rules?: Partial<ReconRules> } = {}): Promise<ReconHarness> {
  const scenario = generateScenario(spec);
  const database = await createTestDatabase();
  const owner = new pg.Client({ connectionString: database.url });
  await owner.connect();
  if (opts.write === 'registry') await writeCity(owner, scenario.city, [scenario.corrector]);
  else await writeScenario(owner, scenario);
  const db = connectDatabase(database.url, { max: 4 });
  const engine = new ReconciliationEngine(new ReconInputRepository(db.pool), new ReconOutputRepository(db.pool), withRules(opts.rules));
  return {
    scenario,
    url: database.url,
    owner,
    db,
    engine,
    asOf: Date.parse(`${addDays(scenario.days[scenario.days.length - 1]!, 2)}T12:00:00Z`),
    async close() {
      await db.close();
      await owner.end();
      await database.drop();
    },
  };
}

export async function activeAnomalies(c: pg.ClientBase | pg.Pool): Promise<{ key: string; kind: string; summary: string }[]> {
  const { rows } = await c.query<{ key: string; kind: string; summary: string }>('SELECT natural_key AS key, kind, summary FROM anomaly WHERE active ORDER BY natural_key');
  return rows;
}
