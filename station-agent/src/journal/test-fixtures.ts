// Shared by the journal, outbox and agent-forwarding tests (not part of the agent).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventBody, TicketBody } from '@haulproof/contracts';
import { EventBus } from '../event-bus.js';
import { generateDeviceKey, type DeviceKey } from '../keys.js';
import type { AgentEvent, OpenTicket } from '../types.js';
import { SqliteJournal, type JournalOptions } from './journal.js';

export const DEVICE = 'DEV-TEST';

export function tempDir(prefix = 'haulproof-journal-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function ticketBody(i = 0, overrides: Partial<TicketBody> = {}): TicketBody {
  const first = Date.UTC(2025, 2, 14, 1, 0, 0) + i * 60_000;
  const gross = 20_000 + (i % 500) * 20;
  return {
    site: 'TS-1',
    lane: 'L1',
    plate: '苏E12345',
    plateSeen: null,
    card: 'a1b2c3d4',
    stream: 'OTHER',
    direction: 'IN',
    grossKg: gross,
    tareKg: 12_000,
    netKg: gross - 12_000,
    grossSource: 'WEIGHED',
    tareSource: 'WEIGHED',
    firstAt: new Date(first).toISOString(),
    secondAt: new Date(first + 8 * 60_000).toISOString(),
    route: null,
    permit: null,
    origin: null,
    operator: 'op1',
    flags: [],
    software: 'haulproof-agent test',
    ...overrides,
  };
}

export function eventBody(overrides: Partial<EventBody> = {}): EventBody {
  return { type: 'WEIGHT_JUMP', lane: 'L1', at: '2025-03-14T01:02:03.000Z', plate: '苏E12345', card: null, message: 'jump of 180 kg inside the stable window', details: { jumpKg: 180, windowMs: 2000 }, ticketSeq: null, ...overrides };
}

export function openTicket(lane = 'L1', overrides: Partial<OpenTicket> = {}): OpenTicket {
  return { lane, plate: '苏E12345', card: 'a1b2c3d4', stream: 'OTHER', direction: 'IN', firstKg: 21_340, firstSource: 'WEIGHED', firstAt: Date.UTC(2025, 2, 14, 1, 0, 0), route: null, permit: null, origin: null, operator: 'op1', flags: [], ...overrides };
}

/** A journal in its own temp dir with a fresh key; events are collected. */
export function journalFixture(opts: Partial<JournalOptions> & { deviceCode?: string } = {}) {
  const tmp = tempDir();
  const key: DeviceKey = generateDeviceKey(tmp.dir);
  const events: AgentEvent[] = [];
  const bus = new EventBus();
  bus.on((e) => events.push(e));
  const make = (more: Partial<JournalOptions> = {}) => new SqliteJournal({ dataDir: tmp.dir, deviceCode: opts.deviceCode ?? DEVICE, key, bus, ...opts, ...more });
  return { dir: tmp.dir, key, bus, events, make, alarms: () => events.filter((e) => e.type === 'alarm' || e.type === 'alarm.cleared'), remove: tmp.remove };
}
