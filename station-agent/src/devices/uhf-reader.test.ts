import { encodeInventoryEnd, encodeR2000Frame, encodeRealtimeInventory, encodeTagReport } from '@haulproof/hardware/uhf/r2000';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../event-bus.js';
import type { AgentEvent } from '../types.js';
import { MemoryDevice } from './memory-link.js';
import { UhfReader, type UhfReaderOptions } from './uhf-reader.js';

const EPC = 'E2000017221101441890ABCD';

function setup(extra: Partial<UhfReaderOptions> = {}) {
  const device = new MemoryDevice('/dev/ttyUSB1');
  const bus = new EventBus();
  const events: AgentEvent[] = [];
  bus.on((e) => events.push(e));
  const reader = new UhfReader({ reader: 'L1-uhf', open: device.open, device: device.name, bus, clock: () => Date.now(), dedupeMs: 2000, inventoryEveryMs: 300, ...extra });
  const cards = () => events.flatMap((e) => (e.type === 'card.presented' ? [e] : []));
  const states = () => events.flatMap((e) => (e.type === 'reader.state' ? [e] : []));
  return { device, reader, cards, states };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 5_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('UhfReader', () => {
  it('asks for inventory rounds and reports a tag once per presentation, uid in lower-case hex', async () => {
    const t = setup();
    await t.reader.start();
    expect(t.states().at(-1)).toMatchObject({ reader: 'L1-uhf', state: 'ready' });
    expect(t.device.written[0]).toEqual(encodeRealtimeInventory(0xff, 1));
    // The tag stays in the field for 3 s, reported every round.
    for (let i = 0; i < 10; i++) {
      t.device.send(encodeTagReport({ epc: EPC, rssi: -55 }));
      t.device.send(encodeInventoryEnd({ totalRead: 1 }));
      await vi.advanceTimersByTimeAsync(300);
    }
    expect(t.cards()).toEqual([{ type: 'card.presented', reader: 'L1-uhf', uid: EPC.toLowerCase(), at: 5_000_000 }]);
    expect(t.device.written.length).toBeGreaterThanOrEqual(10);
    // Gone for longer than the window, then back: a new presentation.
    await vi.advanceTimersByTimeAsync(2500);
    t.device.send(encodeTagReport({ epc: EPC }));
    expect(t.cards()).toHaveLength(2);
    await t.reader.stop();
  });

  it('filters weak tags and other antennas, and ignores garbage between frames', async () => {
    const t = setup({ minRssi: -70, antennas: [1, 2] });
    await t.reader.start();
    t.device.send(encodeTagReport({ epc: '1111', rssi: -75 }));
    t.device.send(encodeTagReport({ epc: '2222', antenna: 3 }));
    t.device.send(Uint8Array.of(0x00, 0xa0, 0x02, 0xff));
    t.device.send(encodeTagReport({ epc: '3333', antenna: 2, rssi: -60 }));
    expect(t.cards().map((c) => c.uid)).toEqual(['3333']);
    expect(t.reader.stats.badLayout).toBeGreaterThan(0);
    await t.reader.stop();
  });

  it('reports error on an error reply or silence, ready again when rounds complete', async () => {
    const t = setup({ silenceMs: 1000 });
    await t.reader.start();
    const err = encodeR2000Frame(1, 0x89, [0x22]);
    t.device.send(err);
    expect(t.states().at(-1)).toMatchObject({ state: 'error', detail: 'reader error 0x22' });
    t.device.send(encodeInventoryEnd());
    expect(t.states().at(-1)).toMatchObject({ state: 'ready' });
    await vi.advanceTimersByTimeAsync(1500);
    expect(t.states().at(-1)).toMatchObject({ state: 'error', detail: expect.stringMatching(/^no reply for/) });
    await t.reader.stop();
  });

  it('reports absent when unplugged and ready after it comes back', async () => {
    const t = setup();
    await t.reader.start();
    t.device.unplug();
    expect(t.states().at(-1)).toMatchObject({ state: 'absent' });
    t.device.plugIn();
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.states().at(-1)).toMatchObject({ state: 'ready' });
    await t.reader.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
