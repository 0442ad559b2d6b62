// Reconciliation rules a deployment sets through the environment: one variable per rule
// (README "Settings"). Numbers are plain decimals; per-stream shares are a comma list
// such as `KITCHEN=0.04,FOOD_SERVICE=0.04` that replaces the whole default list.
import { STREAM_CODES } from '@haulproof/contracts';
import { DEFAULT_RULES, ruleIssues, type ReconRules } from './rules.js';

export const RULE_VARIABLES = {
  custodyWindowMinutes: 'HAULPROOF_RECON_CUSTODY_WINDOW_MINUTES',
  legToleranceKg: 'HAULPROOF_RECON_LEG_TOLERANCE_KG',
  legToleranceShare: 'HAULPROOF_RECON_LEG_TOLERANCE_SHARE',
  transitLossShare: 'HAULPROOF_RECON_TRANSIT_LOSS_SHARE',
  stationLossShare: 'HAULPROOF_RECON_STATION_LOSS_SHARE',
  stationCarryLimitKg: 'HAULPROOF_RECON_STATION_CARRY_LIMIT_KG',
  balanceToleranceKg: 'HAULPROOF_RECON_BALANCE_TOLERANCE_KG',
  balanceToleranceShare: 'HAULPROOF_RECON_BALANCE_TOLERANCE_SHARE',
  routeKgTolerance: 'HAULPROOF_RECON_ROUTE_KG_TOLERANCE',
  tareToleranceKg: 'HAULPROOF_RECON_TARE_TOLERANCE_KG',
  tareToleranceShare: 'HAULPROOF_RECON_TARE_TOLERANCE_SHARE',
  closeGraceMinutes: 'HAULPROOF_RECON_CLOSE_GRACE_MINUTES',
  muckKgPerM3: 'HAULPROOF_RECON_MUCK_KG_PER_M3',
  lateTicketMinutes: 'HAULPROOF_RECON_LATE_TICKET_MINUTES',
  silentAfterHours: 'HAULPROOF_RECON_SILENT_AFTER_HOURS',
  openTicketOverdueMinutes: 'HAULPROOF_RECON_OPEN_TICKET_OVERDUE_MINUTES',
  repeatWithinMinutes: 'HAULPROOF_RECON_REPEAT_WITHIN_MINUTES',
} as const satisfies Record<keyof ReconRules, string>;

const PREFIX = 'HAULPROOF_RECON_';
const NUMBER = /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/** `KITCHEN=0.04,FOOD_SERVICE=0.04` → { KITCHEN: 0.04, FOOD_SERVICE: 0.04 }; a message when it is not that shape. */
function streamShares(raw: string, extraKeys: readonly string[]): Record<string, number> | string {
  const out: Record<string, number> = {};
  const keys = new Set<string>([...STREAM_CODES, ...extraKeys]);
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value, ...rest] = part.split('=').map((x) => x.trim());
    if (!key || value === undefined || rest.length) return `expected STREAM=share pairs separated by commas, e.g. KITCHEN=0.04,FOOD_SERVICE=0.04; got "${part}"`;
    if (!keys.has(key)) return `${key} is not one of ${[...keys].join(', ')}`;
    if (key in out) return `${key} is given twice`;
    if (!NUMBER.test(value)) return `${key}: "${value}" is not a number`;
    out[key] = Number(value);
  }
  return out;
}

/**
 * The rules the environment overrides, or one message per bad variable, naming it.
 * A HAULPROOF_RECON_* variable that is not a rule is an error too: a misspelt name
 * would otherwise leave the default in force without a word.
 */
export function rulesFromEnv(env: NodeJS.ProcessEnv): { overrides: Partial<ReconRules>; issues: string[] } {
  const overrides: Record<string, unknown> = {};
  const issues: string[] = [];
  const variableOf = new Map<string, keyof ReconRules>(Object.entries(RULE_VARIABLES).map(([rule, name]) => [name, rule as keyof ReconRules]));
  for (const name of Object.keys(env).filter((n) => n.startsWith(PREFIX)).sort()) {
    const raw = env[name];
    const rule = variableOf.get(name);
    if (!rule) {
      issues.push(`${name}: not a reconciliation setting; known: ${[...variableOf.keys()].join(', ')}`);
      continue;
    }
    if (raw === undefined || raw.trim() === '') continue; // empty = the default, as for other settings
    if (rule === 'transitLossShare' || rule === 'stationLossShare') {
      const shares = streamShares(raw, rule === 'stationLossShare' ? ['default'] : []);
      if (typeof shares === 'string') issues.push(`${name}: ${shares}`);
      // a station list without `default` keeps the built-in default for the streams it leaves out
      else overrides[rule] = rule === 'stationLossShare' ? { default: DEFAULT_RULES.stationLossShare.default, ...shares } : shares;
    } else if (!NUMBER.test(raw)) issues.push(`${name}: "${raw}" is not a number`);
    else overrides[rule] = Number(raw);
  }
  // each value against the contracts schema, reported under its variable
  for (const issue of ruleIssues({ ...DEFAULT_RULES, ...overrides })) {
    const rule = issue.path.split('.')[0] as keyof ReconRules;
    issues.push(`${RULE_VARIABLES[rule] ?? rule}${issue.path.includes('.') ? ` (${issue.path.slice(rule.length + 1)})` : ''}: ${issue.message}`);
  }
  return { overrides: overrides as Partial<ReconRules>, issues };
}
