// The IC-card path end to end on a real PC/SC stack:
// VirtualCard → TCP → vpcd driver in pcscd → libpcsclite → nfc-pcsc → CardReader → EventBus.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VirtualCard } from '../hardware/src/pcsc/virtual-card.js';
import { EventBus } from '../station-agent/src/event-bus.js';
import { CardReader } from '../station-agent/src/devices/card-reader.js';
import type { AgentEvent } from '../station-agent/src/types.js';
import { startPcscd, VPCD_READER, type Pcscd } from './support/pcsc.js';

type CardEvent = Extract<AgentEvent, { type: 'card.presented' | 'card.removed' }>;
type ReaderState = Extract<AgentEvent, { type: 'reader.state' }>;

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n--- pcscd log tail ---\n${pcscd?.log.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let pcscd: Pcscd;
let reader: CardReader;
const card = new VirtualCard({ slot: 0 });
const cards: CardEvent[] = [];
const states: ReaderState[] = [];
const timings: string[] = [];

beforeAll(async () => {
  pcscd = await startPcscd();
  const bus = new EventBus((err) => {
    throw err;
  });
  bus.on((e) => {
    if (e.type === 'card.presented' || e.type === 'card.removed') cards.push(e);
    if (e.type === 'reader.state') states.push(e);
  });
  reader = new CardReader({ reader: 'L1-ic', bus, match: VPCD_READER, rescanMs: 1000, readerWaitMs: 3000, cardTimeoutMs: 2000 });
  await reader.start();
  await waitFor('the reader to be ready', () => states.find((s) => s.state === 'ready'));
}, 30_000);

afterEach(async () => {
  await card.remove();
});

afterAll(async () => {
  await reader?.stop();
  await card.remove();
  await pcscd?.stop();
  console.info(`pcsc timings: ${timings.join('; ')}`);
});

/** Inserts a card and waits for its presentation; returns the latency. */
async function present(uid: string): Promise<number> {
  const from = cards.length;
  const t0 = Date.now();
  await card.insert(uid);
  const e = await waitFor(`card.presented ${uid}`, () => cards.slice(from).find((c) => c.type === 'card.presented'));
  expect(e).toMatchObject({ type: 'card.presented', reader: 'L1-ic', uid: uid.toLowerCase() });
  return Date.now() - t0;
}

async function take(uid: string): Promise<number> {
  const from = cards.length;
  const t0 = Date.now();
  await card.remove();
  const e = await waitFor(`card.removed ${uid}`, () => cards.slice(from).find((c) => c.type === 'card.removed'));
  expect(e).toMatchObject({ reader: 'L1-ic', uid: uid.toLowerCase() });
  return Date.now() - t0;
}

describe('IC card reader on pcscd + vpcd', () => {
  it('reports ready for the vpcd reader', () => {
    expect(states.at(-1)).toMatchObject({ reader: 'L1-ic', state: 'ready', detail: VPCD_READER });
    expect(reader.readerName).toBe(VPCD_READER);
  });

  it('presents the inserted card with its UID and removes it', async () => {
    const inMs = await present('04A1B2C3');
    const outMs = await take('04A1B2C3');
    // nfc-pcsc saw byte 5 of the ATR = 0x4F (ISO 14443-3) and asked for the UID with PC/SC GET DATA.
    expect(card.apdus.map((a) => Buffer.from(a).toString('hex'))).toEqual(['ffca000000']);
    timings.push(`insert→presented ${inMs} ms, remove→removed ${outMs} ms`);
  });

  it('reads several cards in sequence, 4- and 7-byte UIDs', async () => {
    const uids = ['0A0B0C0D', '04224466881A2B', 'DEADBEEF', '04A1B2C3'];
    const seen: string[] = [];
    for (const uid of uids) {
      await present(uid);
      await take(uid);
      seen.push(uid.toLowerCase());
    }
    const presented = cards.filter((c) => c.type === 'card.presented').map((c) => c.uid);
    expect(presented.slice(-uids.length)).toEqual(seen);
  });

  it('reports a card it cannot read (connect fails: nfc-pcsc swallows that) as a reader error, then recovers', async () => {
    const before = states.length;
    const unreadable = new VirtualCard({ slot: 0, atr: Uint8Array.of(0x00, 0x11) }); // not an ATR pcscd can use
    await unreadable.insert('01020304');
    try {
      const err = await waitFor('error', () => states.slice(before).find((s) => s.state === 'error'), 10_000);
      expect(err.detail).toMatch(/card present but unreadable/);
      expect(cards.at(-1)?.uid).not.toBe('01020304');
    } finally {
      await unreadable.remove();
    }
    await present('0A0B0C0D');
    expect(states.at(-1)).toMatchObject({ state: 'ready' });
    await take('0A0B0C0D');
  });

  it('says absent when pcscd stops, and recovers to ready on its own when it restarts', async () => {
    await card.insert('11223344');
    await waitFor('the card', () => cards.at(-1)?.type === 'card.presented' && cards.at(-1)?.uid === '11223344');
    const before = states.length;
    const stoppedAt = Date.now();
    await pcscd.stop();
    const absent = await waitFor('absent', () => states.slice(before).find((s) => s.state === 'absent'));
    const absentMs = Date.now() - stoppedAt;
    expect(cards.at(-1)).toMatchObject({ type: 'card.removed', uid: '11223344' }); // the card went with its reader
    expect(reader.state).toBe('absent');
    await card.remove();

    const restartedAt = Date.now();
    await pcscd.restart();
    const upMs = Date.now() - restartedAt;
    const ready = await waitFor('ready again', () => states.slice(before).find((s) => s.state === 'ready'), 15_000);
    const readyMs = Date.now() - restartedAt;
    expect(ready.detail).toBe(VPCD_READER);
    const inMs = await present('CAFEBABE');
    await take('CAFEBABE');
    timings.push(`pcscd stop→absent ${absentMs} ms (${absent.detail}); restart→pcscd up ${upMs} ms, →ready ${readyMs} ms; first card after ${inMs} ms`);
  }, 60_000);
});
