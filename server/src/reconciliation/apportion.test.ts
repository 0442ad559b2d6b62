import { describe, expect, test } from 'vitest';
import { mulberry32 } from '../demo/random.js';
import { apportion } from './apportion.js';

describe('largest-remainder apportionment', () => {
  test('the worked example of docs/attribution.md', () => {
    expect(apportion(20_000, { A: 3, B: 3, C: 1 })).toEqual({ A: 8_572, B: 8_571, C: 2_857 });
  });

  test('ties go to the smaller key, whatever the input order', () => {
    expect(apportion(1, { z: 1, a: 1 })).toEqual({ a: 1 });
    expect(apportion(1, { a: 1, z: 1 })).toEqual({ a: 1 });
  });

  test('nothing to share, or nothing to share by', () => {
    expect(apportion(0, { a: 5 })).toEqual({});
    expect(apportion(500, { a: 0, b: 0 })).toEqual({});
    expect(() => apportion(-1, { a: 1 })).toThrow();
    expect(() => apportion(1.5, { a: 1 })).toThrow();
  });

  test('weights too large for exact float products use BigInt and still add up', () => {
    const parts = apportion(299_999, { a: 2 ** 45 + 7, b: 2 ** 44 + 3, c: 11 });
    expect(Object.values(parts).reduce((s, v) => s + v, 0)).toBe(299_999);
    expect(parts.a! - 2 * parts.b!).toBeLessThanOrEqual(2);
  });

  test('random loads and mixes: the parts always add up to the whole, and each is within 1 kg of its exact share', () => {
    const rand = mulberry32(7);
    for (let i = 0; i < 2_000; i++) {
      const total = Math.floor(rand() * 300_000);
      const weights = Object.fromEntries(Array.from({ length: 1 + Math.floor(rand() * 8) }, (_, k) => [`d${k}`, Math.floor(rand() * 5_000_000)]));
      const sum = Object.values(weights).reduce((s, v) => s + v, 0);
      const parts = apportion(total, weights);
      if (sum === 0) continue;
      expect(Object.values(parts).reduce((s, v) => s + v, 0)).toBe(total);
      for (const [k, w] of Object.entries(weights)) expect(Math.abs((parts[k] ?? 0) - (total * w) / sum)).toBeLessThan(1);
    }
  });
});
