import { encodeFrame, encodeStream, type FrameInput } from '@haulproof/hardware';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../event-bus.js';
import type { AgentEvent } from '../types.js';
import { IndicatorPort, type IndicatorPortOptions } from './indicator-port.js';
import { MemoryDevice } from './memory-link.js';

type ScaleState = Extract<AgentEvent, { type: 'scale.state' }>;

function setup(extra: Partial<IndicatorPortOptions> = {}) {
  const device = new MemoryDevice('/dev/ttyS9');
  const bus = new EventBus();
  const events: AgentEvent[] = [];
  bus.on((e) => events.push(e));
  const port = new IndicatorPort({
    lane: 'L1',
    protocol: 'XK3190_TF0',
    open: device.open,
    device: device.name,
    bus,
    clock: () => Date.now(),
    backoff: { initialMs: 250, maxMs: 4000 },
    health: { maxSilenceMs: 2000, windowMs: 5000, maxBadShare: 0.2, minBadFrames: 5 },
    ...extra,
  });
  const samples = () => events.flatMap((e) => (e.type === 'weight.sample' ? [e.sample] : []));
  const states = () => events.flatMap((e) => (e.type === 'scale.state' ? [`${e.state}`] : []));
  const lastState = () => events.filter((e): e is ScaleState => e.type === 'scale.state').at(-1);
  return { device, bus, events, port, samples, states, lastState };
}

const tf0 = (kg: number): Uint8Array => encodeFrame('XK3190_TF0', { value: kg, decimals: 0 });

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('IndicatorPort', () => {
  it('does nothing until started, then reports connected and turns frames into samples', async () => {
    const t = setup();
    expect(t.device.opens).toBe(0);
    await t.port.start();
    expect(t.lastState()).toMatchObject({ lane: 'L1', state: 'connected', detail: '/dev/ttyS9 open' });
    const stream = encodeStream('XK3190_TF0', [{ value: 85, decimals: 0 }, { value: 26.02, decimals: 2 }, { value: -40, decimals: 0 }]);
    t.device.send(stream.subarray(0, 7)); // split mid-frame
    t.device.send(stream.subarray(7));
    expect(t.samples()).toEqual([
      { lane: 'L1', at: 1_000_000, kg: 85, motion: null, overload: false, underload: false, negative: false },
      { lane: 'L1', at: 1_000_000, kg: 26, motion: null, overload: false, underload: false, negative: false },
      { lane: 'L1', at: 1_000_000, kg: -40, motion: null, overload: false, underload: false, negative: true },
    ]);
    await t.port.stop();
  });

  it('converts t and lb displays to integer kg and blanks overload', async () => {
    const t = setup({ protocol: 'TOLEDO_CONTINUOUS' });
    await t.port.start();
    const frames: FrameInput[] = [
      { value: 26.48, decimals: 2, unit: 't' },
      { value: 1000, decimals: 0, unit: 'lb', stable: false },
      { value: 0, decimals: 0, overload: true },
    ];
    t.device.send(encodeStream('TOLEDO_CONTINUOUS', frames));
    expect(t.samples().map((s) => [s.kg, s.motion, s.overload])).toEqual([
      [26_480, false, false],
      [454, true, false],
      [null, false, true],
    ]);
    await t.port.stop();
  });

  it('reports a fault when frames stop, and connected again when they resume', async () => {
    const t = setup();
    await t.port.start();
    for (let i = 0; i < 10; i++) {
      t.device.send(tf0(1000));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(t.port.stats()).toMatchObject({ state: 'connected', framesPerSecond: expect.closeTo(10, 0) });
    await vi.advanceTimersByTimeAsync(1900);
    expect(t.lastState()?.state).toBe('connected');
    await vi.advanceTimersByTimeAsync(400);
    expect(t.lastState()).toMatchObject({ state: 'fault', detail: expect.stringMatching(/^no frame for 2\.\d s$/) });
    t.device.send(tf0(1000));
    await vi.advanceTimersByTimeAsync(250);
    expect(t.lastState()).toMatchObject({ state: 'connected', detail: 'frames resumed' });
    await t.port.stop();
  });

  it('reports a fault when too many frames fail their checksum', async () => {
    const t = setup();
    await t.port.start();
    const corrupt = tf0(1000);
    corrupt[9] = corrupt[9] === 0x41 ? 0x42 : 0x41; // wrong XOR, still hex
    for (let i = 0; i < 20; i++) {
      t.device.send(i % 3 === 0 ? tf0(1000) : corrupt);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(t.lastState()).toMatchObject({ state: 'fault', detail: expect.stringMatching(/bad of \d+ frames/) });
    expect(t.port.stats()).toMatchObject({ badChecksum: 13, frames: 7 });
    expect(t.samples()).toHaveLength(7);
    await t.port.stop();
  });

  it('survives an unplug: disconnected, retries with growing delays, reconnects when plugged back', async () => {
    const t = setup();
    await t.port.start();
    t.device.send(tf0(500));
    t.device.unplug();
    expect(t.lastState()).toMatchObject({ state: 'disconnected', detail: '/dev/ttyS9 disconnected: device unplugged' });
    const opensAt = (ms: number) => vi.advanceTimersByTimeAsync(ms).then(() => t.device.opens);
    // First open at start; retries after 250, 500, 1000, 2000 ms.
    expect(await opensAt(249)).toBe(1);
    expect(await opensAt(1)).toBe(2);
    expect(await opensAt(500)).toBe(3);
    expect(await opensAt(1000)).toBe(4);
    expect(await opensAt(1999)).toBe(4);
    expect(await opensAt(1)).toBe(5);
    expect(t.states().filter((s) => s === 'disconnected')).toHaveLength(1); // one report, not one per retry
    t.device.plugIn();
    await vi.advanceTimersByTimeAsync(4000);
    expect(t.lastState()?.state).toBe('connected');
    t.device.send(tf0(700));
    expect(t.samples().at(-1)?.kg).toBe(700);
    expect(t.port.stats()).toMatchObject({ connects: 2, failures: 0 });
    await t.port.stop();
  });

  it('starts without the device present, and connects when it appears', async () => {
    const t = setup();
    t.device.present = false;
    await expect(t.port.start()).resolves.toBeUndefined();
    expect(t.lastState()).toMatchObject({ state: 'disconnected', detail: expect.stringContaining('No such file or directory') });
    t.device.plugIn();
    await vi.advanceTimersByTimeAsync(250);
    expect(t.lastState()?.state).toBe('connected');
    await t.port.stop();
  });

  it('releases the port and every timer on stop', async () => {
    const t = setup();
    await t.port.start();
    expect(t.device.isOpen).toBe(true);
    await t.port.stop();
    expect(t.device.isOpen).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    expect(t.port.state).toBe('stopped');
    expect(t.lastState()).toMatchObject({ state: 'disconnected', detail: 'stopped' });
  });

  it('keeps going when a bus listener throws', async () => {
    const t = setup();
    t.bus.on(() => {
      throw new Error('listener bug');
    });
    await t.port.start();
    t.device.send(tf0(10));
    t.device.send(tf0(20));
    expect(t.samples().map((s) => s.kg)).toEqual([10, 20]);
    await t.port.stop();
  });

  it('refuses an unknown protocol at start', async () => {
    const t = setup({ protocol: 'NOPE' as never });
    await expect(t.port.start()).rejects.toThrow(/unknown indicator protocol/);
  });

  describe('MT-SICS', () => {
    const sics = (kg: number, stable = true) => encodeFrame('MT_SICS', { value: kg, decimals: 0, stable });

    it('asks once with SIR, and again when the indicator goes quiet', async () => {
      const t = setup({ protocol: 'MT_SICS' });
      await t.port.start();
      expect(t.device.writtenText()).toBe('SIR\r\n');
      t.device.send(sics(1200, false));
      t.device.send(sics(1200));
      expect(t.samples().map((s) => [s.kg, s.motion])).toEqual([
        [1200, true],
        [1200, false],
      ]);
      await vi.advanceTimersByTimeAsync(2300);
      expect(t.lastState()?.state).toBe('fault');
      expect(t.device.writtenText()).toBe('SIR\r\nSIR\r\n');
      await t.port.stop();
    });

    it('polls with SI at the configured interval', async () => {
      const t = setup({ protocol: 'MT_SICS', sics: { mode: 'poll', intervalMs: 200 } });
      await t.port.start();
      await vi.advanceTimersByTimeAsync(1000);
      expect(t.device.writtenText()).toBe('SI\r\n'.repeat(6));
      await t.port.stop();
      await vi.advanceTimersByTimeAsync(1000);
      expect(t.device.written).toHaveLength(6);
    });
  });
});
