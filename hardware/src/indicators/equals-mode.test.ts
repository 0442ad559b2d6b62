import { describe, expect, it } from 'vitest';
import { createDecoder, type EqualsOptions } from './index.js';
import { bytes, decodeAll, expectSplitInvariant } from './test-support.js';

const tf1 = (o?: EqualsOptions) => createDecoder('XK3190_TF1', o);
const tf2 = (o?: EqualsOptions) => createDecoder('XK3190_TF2', o);
const values = (d: ReturnType<typeof tf1>, ...chunks: Uint8Array[]) => decodeAll(d, ...chunks).map((r) => r.value);

describe('XK3190_TF1 (reversed "=" mode)', () => {
  it('decodes the worked examples: =000.3000 → 3.000 and =00.1000- → −1.00', () => {
    const d = tf1();
    const out = decodeAll(d, bytes('=000.3000', '=00.1000-', '=000.3000'));
    expect(out.map((r) => [r.value, r.negative, r.stable, r.unit, r.valueKg])).toEqual([
      [3, false, null, 'kg', 3],
      [-1, true, null, 'kg', -1],
      [3, false, null, 'kg', 3],
    ]);
    expect(out[1]?.raw).toEqual(bytes('=00.1000-'));
    expect(d.stats).toEqual({ frames: 3, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 });
  });

  it("reads '1' in the sign place as negative (some models), unless configured not to", () => {
    expect(values(tf1(), bytes('=00.10001=00.10001'))).toEqual([-1, -1]);
    const strict = tf1({ oneMeansNegative: false, frameLength: 'any' });
    expect(values(strict, bytes('=00.10001'))).toEqual([]);
    expect(strict.stats.badLayout).toBe(1);
  });

  it('uses the configured unit: 3.000 t is 3000 kg; 3.000 lb has no whole-kg value', () => {
    expect(decodeAll(tf1({ unit: 't' }), bytes('=000.3000=000.3000'))[0]).toMatchObject({ unit: 't', valueKg: 3000 });
    expect(decodeAll(tf1({ unit: 'lb' }), bytes('=000.3000=000.3000'))[0]).toMatchObject({ unit: 'lb', valueKg: null });
  });

  it('rejects bodies that are not sign + digits', () => {
    const d = tf1({ frameLength: 'any' });
    expect(values(d, bytes('=000.3A00', '=000.30+0', '=00.30.00', '=', '=x'))).toEqual([]);
    expect(d.stats).toMatchObject({ frames: 0, badLayout: 5 });
  });
});

describe('XK3190_TF2 (plain "=" mode)', () => {
  it('decodes =0003.000 → 3.000 and a negative =-001.00', () => {
    expect(values(tf2(), bytes('=0003.000=-0001.00=0003.000'))).toEqual([3, -1, 3]);
  });

  it('reads a display without a decimal point', () => {
    expect(values(tf2(), bytes('=0008520=0008520'))).toEqual([8520, 8520]);
  });
});

describe('"=" modes guard against lost bytes with the frame length', () => {
  it('auto: rejects a frame of another length once the length is learned', () => {
    // "=00.1000-" with its last two bytes lost reads "=00.10": it would parse as +1.00.
    const d = tf1();
    expect(values(d, bytes('=00.1000-=00.1000-=00.10=00.1000-'))).toEqual([-1, -1, -1]);
    expect(d.stats).toMatchObject({ frames: 3, badLayout: 1, bytesDiscarded: 6 });
  });

  it('auto: uses no frame until a second one of the same length confirms it', () => {
    const d = tf1();
    expect(d.push(bytes('=00.10=00.1000-'))).toEqual([]);
    expect(d.push(bytes('=00.1000-'))).toEqual([]); // the short frame is refused; the next awaits its end
    expect(d.stats.badLayout).toBe(1);
    expect(d.push(bytes('=00.1000-')).map((r) => r.value)).toEqual([-1, -1]); // confirmed: length 9
    expect(d.flush().map((r) => r.value)).toEqual([-1]); // the last one ends with the input
  });

  it('auto: a lone frame at end of input cannot be confirmed and is dropped', () => {
    const d = tf1();
    expect(decodeAll(d, bytes('=000.3000'))).toEqual([]);
    expect(d.stats).toMatchObject({ frames: 0, badLayout: 1, bytesDiscarded: 9 });
  });

  it('a fixed frameLength decides from the first frame', () => {
    const d = tf1({ frameLength: 9 });
    expect(values(d, bytes('=000.3000=00.10=000.3000'))).toEqual([3, 3]);
    expect(d.stats.badLayout).toBe(1);
    expect(() => tf1({ frameLength: 1 })).toThrow(RangeError);
  });

  it("'any' takes every length (for models that vary)", () => {
    expect(values(tf1({ frameLength: 'any' }), bytes('=00.10=000.3000'))).toEqual([1, 3]);
  });

  it('reset() forgets the learned length', () => {
    const d = tf2();
    expect(values(d, bytes('=0003.000=0003.000'))).toEqual([3, 3]);
    expect(values(d, bytes('=03.0=03.0'))).toEqual([]);
    d.reset();
    expect(values(d, bytes('=03.0=03.0'))).toEqual([3, 3]);
  });
});

describe('"=" modes streaming', () => {
  it('skips garbage before the first = and after a too-long run', () => {
    const d = tf1();
    const garbage = bytes('\x00\xffabc', '=', '9'.repeat(40));
    expect(values(d, bytes(garbage, '=000.3000=000.3000'))).toEqual([3, 3]);
    expect(d.stats.bytesDiscarded).toBe(garbage.length);
    expect(d.stats.badLayout).toBe(1);
  });

  it('decodes the same at every split point', () => {
    const out = expectSplitInvariant(() => tf1(), bytes('xy=000.3000=00.1000-=000.3000=000.3000'));
    expect(out.map((r) => r.value)).toEqual([3, -1, 3, 3]);
    expectSplitInvariant(() => tf2({ frameLength: 9 }), bytes('=0003.000=-0001.00'));
  });

  it('flush emits the last frame only when its length is right', () => {
    const d = tf1();
    expect(d.push(bytes('=000.3000=000.3000=000.3'))).toHaveLength(2);
    expect(d.flush()).toEqual([]);
    expect(d.stats).toMatchObject({ frames: 2, badLayout: 1 });
  });
});
