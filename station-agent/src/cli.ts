#!/usr/bin/env -S npx tsx
// haulproof-agent: the station agent's command line.
//   enrol  --config <file> --token <one-time token>   create the device key, register it, fetch the registry
//   run    --config <file>                            weigh, journal, forward (until SIGINT/SIGTERM)
//   status --config <file>                            queue depth, last seq, open tickets, quarantine
//   print  --config <file> <seq> [--out <file.pdf>]   reprint a journaled ticket
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { StationAgent } from './agent.js';
import { ConfigError, loadAgentConfig, type AgentConfig } from './config.js';
import { SqliteJournal } from './journal/journal.js';
import { enrolDevice, generateDeviceKey, loadDeviceKey } from './keys.js';
import { jsonLogger } from './log.js';
import { HttpRegistrySource } from './registry/registry-client.js';
import { printTicketPdf, ticketNamesFrom } from './print/index.js';
import { readJournalStatus } from './status.js';
import { SOFTWARE_VERSION } from './version.js';

const USAGE = `usage: haulproof-agent <enrol|run|status|print> --config <file> [--token T] [seq] [--out file.pdf]`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { config: { type: 'string', short: 'c' }, token: { type: 'string' }, out: { type: 'string', short: 'o' } } });
  const [command, ...rest] = positionals;
  if (!command || !values.config) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadAgentConfig(values.config);
  switch (command) {
    case 'enrol':
      return enrol(config, values.token);
    case 'run':
      return run(config);
    case 'status':
      process.stdout.write(`${JSON.stringify(readJournalStatus(config.dataDir), null, 2)}\n`);
      return 0;
    case 'print':
      return reprint(config, Number(rest[0]), values.out);
    default:
      process.stderr.write(`unknown command ${command}\n${USAGE}\n`);
      return 2;
  }
}

async function enrol(config: AgentConfig, token: string | undefined): Promise<number> {
  if (!token) throw new ConfigError('enrol needs --token (an administrator creates it: POST /api/v1/devices/:id/enrolment)');
  generateDeviceKey(config.dataDir); // refuses to overwrite an existing key
  const result = await enrolDevice({ serverUrl: config.server, dataDir: config.dataDir, code: config.device, token, softwareVersion: SOFTWARE_VERSION });
  // Fetch the registry once now, so the station can weigh even if the network drops right after.
  const key = loadDeviceKey(config.dataDir);
  const journal = new SqliteJournal({ dataDir: config.dataDir, deviceCode: config.device, key });
  journal.start();
  try {
    const fetched = await new HttpRegistrySource({ serverUrl: config.server, device: { code: config.device, privateKey: key.privateKey } }).fetch(null);
    if (fetched.kind === 'updated') journal.saveRegistry({ snapshot: fetched.snapshot, etag: fetched.etag, fetchedAt: Date.now() });
  } finally {
    journal.stop();
  }
  process.stdout.write(`enrolled ${result.code} at site ${result.siteCode}; status ${result.status}\n`);
  return 0;
}

async function run(config: AgentConfig): Promise<number> {
  const log = jsonLogger(config.device);
  const agent = new StationAgent(config, log);
  const abort = new AbortController();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    abort.abort();
    await agent.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await agent.start(abort.signal);
  return new Promise<number>(() => undefined); // runs until a signal
}

async function reprint(config: AgentConfig, seq: number, out: string | undefined): Promise<number> {
  if (!Number.isInteger(seq) || seq < 1) throw new ConfigError('print needs the ticket seq, a positive integer');
  const key = loadDeviceKey(config.dataDir);
  const journal = new SqliteJournal({ dataDir: config.dataDir, deviceCode: config.device, key });
  journal.start();
  try {
    const entry = journal.entry(seq);
    if (!entry) throw new ConfigError(`no record ${seq} in the journal`);
    const snapshot = journal.loadRegistry()?.snapshot;
    if (!snapshot) throw new ConfigError('no registry snapshot in the journal; run the agent online once');
    const lane = entry.payload.kind === 'ticket' ? entry.payload.ticket.lane : '';
    const pdf = await printTicketPdf(entry, ticketNamesFrom(snapshot, lane), config.print.font ? { font: config.print.font } : {});
    const file = out ?? `${config.device}-${seq}.pdf`;
    writeFileSync(file, pdf);
    process.stdout.write(`${file}\n`);
    return 0;
  } finally {
    journal.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
