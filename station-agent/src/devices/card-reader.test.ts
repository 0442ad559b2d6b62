import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../event-bus.js';
import type { AgentEvent } from '../types.js';
import { CardReader, normaliseUid, type CardReaderOptions } from './card-reader.js';
import type { NfcLike, NfcReaderLike } from './nfc-types.js';

/** Plays nfc-pcsc's PC/SC reader (pcsclite CardReader). */
class FakePcscReader extends EventEmitter {
  readonly SCARD_STATE_EMPTY = 0x10;
  readonly SCARD_STATE_PRESENT = 0x20;
  closed = false;
  close(): void {
    this.closed = true;
  }
}

class FakeReader extends EventEmitter implements NfcReaderLike {
  readonly reader = new FakePcscReader();
  constructor(readonly name: string) {
    super();
  }
  /** A card arrives: pcsclite reports it present, then nfc-pcsc reads the UID. */
  present(uid: string): void {
    this.reader.emit('status', { state: 0x20 });
    this.emit('card', { uid, standard: 'TAG_ISO_14443_3' });
  }
  remove(uid: string): void {
    this.reader.emit('status', { state: 0x10 });
    this.emit('card.off', { uid });
  }
}

class FakeNfc extends EventEmitter implements NfcLike {
  closed = false;
  readers: Record<string, FakePcscReader> = {};
  close(): void {
    this.closed = true;
  }
  plug(name: string): FakeReader {
    const r = new FakeReader(name);
    this.readers[name] = r.reader;
    this.emit('reader', r);
    return r;
  }
}

function setup(extra: Partial<CardReaderOptions> = {}) {
  const bus = new EventBus();
  const events: AgentEvent[] = [];
  bus.on((e) => events.push(e));
  const nfcs: FakeNfc[] = [];
  const service = { up: true };
  const reader = new CardReader({
    reader: 'L1-ic',
    bus,
    rescanMs: 5000,
    readerWaitMs: 1000,
    cardTimeoutMs: 2000,
    serviceAvailable: async () => service.up,
    createNfc: () => {
      const n = new FakeNfc();
      nfcs.push(n);
      return n;
    },
    clock: () => Date.now(),
    ...extra,
  });
  const states = () => events.flatMap((e) => (e.type === 'reader.state' ? [`${e.state}: ${e.detail}`] : []));
  const cards = () => events.flatMap((e) => (e.type === 'card.presented' || e.type === 'card.removed' ? [`${e.type} ${e.uid}`] : []));
  return { bus, events, reader, nfcs, service, states, cards, latest: () => nfcs.at(-1)! };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 2_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CardReader', () => {
  it('reports ready, presented and removed with lower-case UIDs', async () => {
    const t = setup();
    await t.reader.start();
    const r = t.latest().plug('ACS ACR122U PICC Interface');
    r.present('04A1B2C3');
    r.remove('04A1B2C3');
    r.present('deadbeef');
    expect(t.states()).toEqual(['ready: ACS ACR122U PICC Interface']);
    expect(t.cards()).toEqual(['card.presented 04a1b2c3', 'card.removed 04a1b2c3', 'card.presented deadbeef']);
    expect(t.events.find((e) => e.type === 'card.presented')).toMatchObject({ reader: 'L1-ic', at: 2_000_000 });
    await t.reader.stop();
  });

  it('does not construct nfc-pcsc while pcscd is down, and recovers when it comes back', async () => {
    const t = setup();
    t.service.up = false;
    await t.reader.start();
    expect(t.nfcs).toHaveLength(0);
    expect(t.states()).toEqual(['absent: PC/SC service (pcscd) not running']);
    t.service.up = true;
    await vi.advanceTimersByTimeAsync(5000);
    expect(t.nfcs).toHaveLength(1);
    t.latest().plug('Virtual PCD 00 00');
    expect(t.states().at(-1)).toBe('ready: Virtual PCD 00 00');
    await t.reader.stop();
  });

  it('on reader end: removes the card, says absent, and recreates the instance until a reader is back', async () => {
    const t = setup();
    await t.reader.start();
    const first = t.latest();
    const r = first.plug('R1');
    r.present('11223344');
    r.emit('error', new Error('SCardGetStatusChange error: RPC transport error.(0x80100013)'));
    r.emit('end');
    expect(t.cards()).toEqual(['card.presented 11223344', 'card.removed 11223344']);
    expect(t.states().at(-1)).toBe('absent: R1 removed');
    await vi.advanceTimersByTimeAsync(5000);
    expect(first.closed).toBe(true);
    expect(t.nfcs).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(5000); // still nothing: made again
    expect(t.nfcs).toHaveLength(3);
    t.latest().plug('R1').present('55667788');
    expect(t.states().at(-1)).toBe('ready: R1');
    expect(t.cards().at(-1)).toBe('card.presented 55667788');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(t.nfcs).toHaveLength(3); // a reader is attached: no more churn
    await t.reader.stop();
  });

  it('says absent when a fresh instance finds no reader, and after a PC/SC error', async () => {
    const t = setup();
    await t.reader.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.states()).toEqual(['absent: no card reader found']);
    const t2 = setup();
    await t2.reader.start();
    t2.latest().emit('error', new Error('SCardListReaders error'));
    expect(t2.states()).toEqual(['absent: PC/SC: SCardListReaders error']);
    await t.reader.stop();
    await t2.reader.stop();
  });

  it('reports a card that stays present without a UID (a swallowed connect failure)', async () => {
    const t = setup();
    await t.reader.start();
    const r = t.latest().plug('R1');
    r.reader.emit('status', { state: 0x20 }); // present, but nfc-pcsc never emits 'card'
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.states().at(-1)).toBe('error: card present but unreadable (connect or UID request failed)');
    r.remove('00');
    r.present('0a0b0c0d');
    expect(t.states().at(-1)).toBe('ready: R1');
    await t.reader.stop();
  });

  it('uses only the configured reader and survives errors from the others', async () => {
    const t = setup({ match: /00 01$/ });
    await t.reader.start();
    const other = t.latest().plug('Virtual PCD 00 00');
    const mine = t.latest().plug('Virtual PCD 00 01');
    expect(() => other.emit('error', new Error('not mine'))).not.toThrow();
    other.present('aaaaaaaa');
    mine.present('bbbbbbbb');
    expect(t.cards()).toEqual(['card.presented bbbbbbbb']);
    expect(t.reader.readerName).toBe('Virtual PCD 00 01');
    await t.reader.stop();
  });

  it('keeps going when a bus listener throws, and releases everything on stop', async () => {
    const t = setup();
    t.bus.on(() => {
      throw new Error('listener bug');
    });
    await t.reader.start();
    const r = t.latest().plug('R1');
    r.present('01020304');
    r.remove('01020304');
    expect(t.cards()).toEqual(['card.presented 01020304', 'card.removed 01020304']);
    await t.reader.stop();
    expect(t.latest().closed).toBe(true);
    expect(r.reader.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(t.states().at(-1)).toBe('absent: stopped');
  });

  it('normalises UIDs', () => {
    expect(normaliseUid('04:A1:B2:C3')).toBe('04a1b2c3');
    expect(normaliseUid('xyz')).toBeNull();
    expect(normaliseUid('abc')).toBeNull();
  });
});
