// Reconciliation rules from the environment: each variable read, checked against the
// contracts schema, and a bad one stops start-up with a message that names it.
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import { DEFAULT_RULES, withRules } from './rules.js';
import { RULE_VARIABLES, rulesFromEnv } from './rules-env.js';

const BASE = { JWT_SECRET: 'test-secret-test-secret-test-secret!', LOG_LEVEL: 'silent' };
const configError = (env: Record<string, string>): string => {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected loadConfig to refuse the configuration');
};

describe('reconciliation rules from the environment', () => {
  test('nothing set: no overrides, the defaults stand', () => {
    expect(loadConfig(BASE).reconRules).toEqual({});
    expect(withRules(loadConfig(BASE).reconRules)).toEqual(DEFAULT_RULES);
  });

  test('numbers and per-stream lists are read into the rules they name', () => {
    const { overrides, issues } = rulesFromEnv({
      HAULPROOF_RECON_CUSTODY_WINDOW_MINUTES: '180',
      HAULPROOF_RECON_ROUTE_KG_TOLERANCE: '0.15',
      HAULPROOF_RECON_MUCK_KG_PER_M3: '1700',
      HAULPROOF_RECON_TRANSIT_LOSS_SHARE: 'KITCHEN=0.05, FOOD_SERVICE=0.03',
      HAULPROOF_RECON_STATION_LOSS_SHARE: 'KITCHEN=0.1',
      HAULPROOF_RECON_LATE_TICKET_MINUTES: '', // empty = the default
    });
    expect(issues).toEqual([]);
    expect(overrides).toEqual({
      custodyWindowMinutes: 180,
      routeKgTolerance: 0.15,
      muckKgPerM3: 1700,
      transitLossShare: { KITCHEN: 0.05, FOOD_SERVICE: 0.03 },
      // a station list without `default` keeps the built-in default
      stationLossShare: { KITCHEN: 0.1, default: DEFAULT_RULES.stationLossShare.default },
    });
    expect(withRules(overrides)).toMatchObject({ custodyWindowMinutes: 180, legToleranceKg: DEFAULT_RULES.legToleranceKg });
    expect(rulesFromEnv({ HAULPROOF_RECON_STATION_LOSS_SHARE: 'default=0.02,OTHER=0' }).overrides).toEqual({ stationLossShare: { default: 0.02, OTHER: 0 } });
  });

  test('every rule has its variable, and every variable is in the README', async () => {
    expect(Object.keys(RULE_VARIABLES).sort()).toEqual(Object.keys(DEFAULT_RULES).sort());
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const name of Object.values(RULE_VARIABLES)) expect(readme, name).toContain(`| \`${name}\` |`);
  });

  test('a bad value stops start-up, naming the variable and what is wrong', () => {
    expect(configError({ HAULPROOF_RECON_CUSTODY_WINDOW_MINUTES: '2000' })).toMatch(/^invalid configuration:\n {2}HAULPROOF_RECON_CUSTODY_WINDOW_MINUTES: .*1440/);
    expect(configError({ HAULPROOF_RECON_ROUTE_KG_TOLERANCE: '20%' })).toContain('HAULPROOF_RECON_ROUTE_KG_TOLERANCE: "20%" is not a number');
    expect(configError({ HAULPROOF_RECON_ROUTE_KG_TOLERANCE: '1.5' })).toContain('HAULPROOF_RECON_ROUTE_KG_TOLERANCE: a share from 0 to 1');
    expect(configError({ HAULPROOF_RECON_LEG_TOLERANCE_KG: '-5' })).toContain('HAULPROOF_RECON_LEG_TOLERANCE_KG:');
    expect(configError({ HAULPROOF_RECON_TARE_TOLERANCE_KG: '12.5' })).toContain('HAULPROOF_RECON_TARE_TOLERANCE_KG:');
    expect(configError({ HAULPROOF_RECON_TRANSIT_LOSS_SHARE: 'KITCHEN:0.04' })).toContain('HAULPROOF_RECON_TRANSIT_LOSS_SHARE: expected STREAM=share pairs');
    expect(configError({ HAULPROOF_RECON_TRANSIT_LOSS_SHARE: 'COMPOST=0.04' })).toContain('HAULPROOF_RECON_TRANSIT_LOSS_SHARE: COMPOST is not one of KITCHEN');
    expect(configError({ HAULPROOF_RECON_TRANSIT_LOSS_SHARE: 'default=0.04' })).toContain('default is not one of');
    expect(configError({ HAULPROOF_RECON_STATION_LOSS_SHARE: 'KITCHEN=2' })).toContain('HAULPROOF_RECON_STATION_LOSS_SHARE (KITCHEN): a share from 0 to 1');
    // a misspelt name would leave the default in force without a word
    expect(configError({ HAULPROOF_RECON_CUSTODY_WINDOW_MINS: '180' })).toContain('HAULPROOF_RECON_CUSTODY_WINDOW_MINS: not a reconciliation setting');
  });

  test('every bad variable is reported at once, with the server’s other settings', () => {
    const message = configError({ PORT: 'eighty', HAULPROOF_RECON_ROUTE_KG_TOLERANCE: '3', HAULPROOF_RECON_MUCK_KG_PER_M3: '0' });
    expect(message.split('\n').slice(1).map((l) => l.trim().split(':')[0])).toEqual(['PORT', 'HAULPROOF_RECON_ROUTE_KG_TOLERANCE', 'HAULPROOF_RECON_MUCK_KG_PER_M3']);
  });

  test('withRules checks overrides given in code against the same schema', () => {
    expect(() => withRules({ custodyWindowMinutes: 0 })).toThrow(/custodyWindowMinutes/);
    expect(() => withRules({ stationLossShare: { KITCHEN: 0.1 } as never })).toThrow(/stationLossShare\.default/);
    expect(withRules({ routeKgTolerance: undefined })).toEqual(DEFAULT_RULES);
  });
});
