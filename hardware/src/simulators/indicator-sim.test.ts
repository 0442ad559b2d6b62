import { describe, expect, it, vi } from 'vitest';
import { createDecoder, type IndicatorReading } from '../indicators/index.js';
import { parseScript } from './indicator-sim-cli.js';
import { IndicatorSimulator } from './indicator-sim.js';
import { MemorySimPort } from './sim-port.js';

async function run(sim: IndicatorSimulator, ms: number): Promise<void> {
  await sim.start();
  await vi.advanceTimersByTimeAsync(ms);
  await sim.stop();
}

function decode(port: MemorySimPort, protocol: Parameters<typeof createDecoder>[0]): IndicatorReading[] {
  const d = createDecoder(protocol);
  return port.written.flatMap((w) => d.push(w));
}

describe('IndicatorSimulator', () => {
  it('streams decodable frames at the configured rate following the script', async () => {
    vi.useFakeTimers();
    try {
      const port = new MemorySimPort();
      const sim = new IndicatorSimulator({ protocol: 'XK3190_TF0', port, rateHz: 20, script: [{ kg: 26_000, holdS: 2 }], curve: { seed: 5 } });
      await run(sim, 15_000);
      const readings = decode(port, 'XK3190_TF0');
      expect(readings).toHaveLength(300);
      expect(readings[0]!.valueKg).toBeLessThan(2000);
      expect(readings.at(-1)!.valueKg).toBe(26_000);
      expect(sim.framesWritten).toBe(300);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows t with decimals and motion flags for Toledo', async () => {
    vi.useFakeTimers();
    try {
      const port = new MemorySimPort();
      const sim = new IndicatorSimulator({ protocol: 'TOLEDO_CONTINUOUS', port, unit: 't', decimals: 2, curve: { seed: 2 } });
      await sim.start();
      sim.arrive(31_460);
      await vi.advanceTimersByTimeAsync(12_000);
      await sim.stop();
      const readings = decode(port, 'TOLEDO_CONTINUOUS');
      expect(readings.some((r) => r.stable === false)).toBe(true);
      expect(readings.at(-1)).toMatchObject({ unit: 't', value: 31.46, valueKg: 31_460, stable: true });
    } finally {
      vi.useRealTimers();
    }
  });

  it('speaks MT-SICS only when asked: one reply to SI, a stream after SIR', async () => {
    vi.useFakeTimers();
    try {
      const port = new MemorySimPort();
      const sim = new IndicatorSimulator({ protocol: 'MT_SICS', port, curve: { startKg: 500, divisionKg: 1 } });
      await sim.start();
      await vi.advanceTimersByTimeAsync(1000);
      expect(port.written).toHaveLength(0);
      port.hostSends('SI\r\n');
      expect(decode(port, 'MT_SICS').map((r) => r.valueKg)).toEqual([500]);
      port.hostSends('SIR\r\n');
      await vi.advanceTimersByTimeAsync(1000);
      expect(port.written.length).toBe(11);
      port.hostSends('XYZ\r\n');
      expect(Buffer.from(port.written.at(-1)!).toString()).toBe('ES\r\n');
      await sim.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('settled() resolves once a departure has come to rest at zero', async () => {
    const port = new MemorySimPort();
    const sim = new IndicatorSimulator({ protocol: 'ST_GS', port, rateHz: 50, curve: { seed: 1, startKg: 12_000, rampS: 0.5, oscillationS: 0.3, settleS: 0.3 } });
    await sim.start();
    try {
      sim.depart();
      await sim.settled(15_000);
      expect(sim.currentKg).toBe(0);
      expect(sim.lastPoint?.phase).toBe('idle');
    } finally {
      await sim.stop();
    }
  }, 20_000);

  it('parses CLI scripts', () => {
    expect(parseScript('26000:6,0:3')).toEqual([
      { kg: 26_000, holdS: 6 },
      { kg: 0, holdS: 3 },
    ]);
    expect(parseScript('[{"kg":100}]')).toEqual([{ kg: 100 }]);
    expect(() => parseScript('lots:6')).toThrow(RangeError);
  });
});
