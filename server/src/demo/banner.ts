import { DEMO_PASSWORD, USERS } from './city.js';

const ROLE_ZH: Record<string, string> = { ADMIN: '管理员', OPERATOR: '磅房操作员', DISPATCHER: '调度员', INSPECTOR: '督查员' };

/** Display width in a terminal: CJK characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));

export interface BannerInfo {
  url: string;
  dataDir: string;
  database: string;
  ticketsPerMinute: number;
  /** Station devices whose agents run in this process. */
  stations: string[];
  /** Stations not started, with why (an older demo's chain on the server…). */
  skipped: { code: string; reason: string }[];
}

/** What `npm start` prints once the demo is up. */
export function banner(o: BannerInfo): string {
  const userWidth = Math.max(...USERS.map((u) => width(u.username)));
  const roleWidth = Math.max(...USERS.map((u) => width(`${u.role} ${ROLE_ZH[u.role]}`)));
  const users = USERS.map((u) => `    ${pad(u.username, userWidth)}  ${pad(`${u.role} ${ROLE_ZH[u.role]}`, roleWidth)}  ${u.scopeText}`);
  const line = '─'.repeat(72);
  const stations =
    o.ticketsPerMinute > 0
      ? [
          `  Stations        ${o.stations.length} station agents (the real haulproof-agent, in this process) on`,
          '                  simulated indicators and card readers, ≈' + `${o.ticketsPerMinute} tickets/min city-wide`,
          '                  (DEMO_TICKETS_PER_MINUTE; 0 turns them off)',
          `  Journals        ${o.dataDir}/agents/<station>/journal.db  (signed, chained records)`,
          `  Printed tickets ${o.dataDir}/agents/<station>/prints/*.pdf  (磅单)`,
          ...o.skipped.flatMap((s) => [`  NOT STARTED     ${s.code}: ${s.reason}`]),
          ...(o.skipped.length ? ['                  → stop the demo and delete the data folder to start afresh'] : []),
        ]
      : ['  Stations        none in this process (DEMO_TICKETS_PER_MINUTE=0)'];
  return [
    '',
    line,
    '  Haulproof demo city is running  ·  演示城市已启动',
    line,
    `  Open            ${o.url}`,
    '',
    `  Logins (password for all: ${DEMO_PASSWORD})`,
    ...users,
    '',
    ...stations,
    `  Data            ${o.dataDir}`,
    '                  (database, device keys, station journals; delete the whole folder to start afresh.',
    '                   A data folder from an older demo, whose chains the stations cannot continue, must go.)',
    `  Database        ${o.database}`,
    '  Stop            Ctrl+C (traffic, station agents, then server, then database, cleanly)',
    line,
    '',
  ].join('\n');
}
