import { describe, expect, it } from 'vitest';
import { createDecoder, type A12Options } from './index.js';
import { bytes, decodeAll, expectSplitInvariant } from './test-support.js';

const a12 = (o?: A12Options) => createDecoder('A12', o);
const line = (s: string) => bytes(s, '\r\n');
// A12E XORs worked out by hand over the 11 bytes before the hex ('w' included):
// "ww000.000kg" → 0x22, "wn-0000.1kg" → 0x27, "ww     OLkg" → 0x2F; without the first 'w': 0x55.

describe('A12 lines from the spec', () => {
  it('decodes ww / wn / wt lines: gross, net, tare', () => {
    const d = a12();
    const out = decodeAll(d, line('ww000.000kg'), line('wn-0000.1kg'), line('wt000.000kg'));
    expect(out.map((r) => [r.mode, r.value, r.valueKg, r.negative, r.stable])).toEqual([
      ['gross', 0, 0, false, null],
      ['net', -0.1, null, true, null],
      ['tare', 0, 0, false, null],
    ]);
    expect(out[1]?.raw).toEqual(line('wn-0000.1kg'));
    expect(d.stats).toEqual({ frames: 3, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 });
  });

  it("accepts 'g' as the gross letter too (the notes name g/n/t but show ww)", () => {
    expect(decodeAll(a12(), line('wg012.340kg'))[0]).toMatchObject({ mode: 'gross', value: 12.34 });
  });

  it('changes unit: t, lb, g', () => {
    const out = decodeAll(a12(), line('ww012.340t'), line('ww0001.5lb'), line('ww0850.0g'));
    expect(out.map((r) => [r.unit, r.value, r.valueKg])).toEqual([
      ['t', 12.34, 12340],
      ['lb', 1.5, null],
      ['g', 850, null],
    ]);
  });

  it('reads spaces + OL as overload and spaces + LO as underload, with no number', () => {
    const [ol, lo] = decodeAll(a12(), line('ww     OLkg'), line('ww     LOkg'));
    expect(ol).toMatchObject({ overload: true, underload: false, valueKg: null, negative: false });
    expect(ol?.value).toBeNaN();
    expect(lo).toMatchObject({ overload: false, underload: true, valueKg: null, negative: true });
    expect(lo?.value).toBeNaN();
  });

  it('rejects anything else', () => {
    const d = a12();
    const bad = ['xw000.000kg', 'wx000.000kg', 'ww000.000', 'ww000.000KG', 'ww00 0.000kg', 'ww-OLkg', 'ww000.kg', 'WW000.000kg'];
    expect(decodeAll(d, ...bad.map(line))).toEqual([]);
    expect(d.stats).toMatchObject({ frames: 0, badLayout: bad.length });
  });
});

describe('A12E (XOR before CR LF)', () => {
  const e0 = line('ww000.000kg22');
  it('is 15 bytes and decodes when the XOR matches', () => {
    expect(e0).toHaveLength(15);
    const out = decodeAll(a12({ checksum: true }), e0, line('wn-0000.1kg27'), line('ww     OLkg2F'));
    expect(out.map((r) => r.value)).toEqual([0, -0.1, Number.NaN]);
  });

  it('drops and counts a wrong XOR and a line that lost a digit', () => {
    const d = a12({ checksum: true });
    expect(decodeAll(d, line('ww000.000kg23'), line('ww00.000kg22'), e0)).toHaveLength(1);
    expect(d.stats).toMatchObject({ frames: 1, badChecksum: 2, badLayout: 0 });
  });

  it('covers bytes from the second one with xorStart 1', () => {
    const d = a12({ checksum: true, xorStart: 1 });
    expect(decodeAll(d, line('ww000.000kg55'), e0)).toHaveLength(1);
    expect(d.stats.badChecksum).toBe(1);
  });

  it('checksum true: a line without XOR is a checksum failure', () => {
    const d = a12({ checksum: true });
    expect(decodeAll(d, line('ww000.000kg'))).toEqual([]);
    expect(d.stats.badChecksum).toBe(1);
  });

  it('checksum false: plain lines are fine, and an XOR that is present is still verified', () => {
    const d = a12({ checksum: false });
    expect(decodeAll(d, line('ww000.000kg'), e0, line('ww000.000kg23'))).toHaveLength(2);
    expect(d.stats.badChecksum).toBe(1);
  });

  it('auto: plain lines pass until the first A12E line, then the XOR is required', () => {
    const d = a12();
    expect(decodeAll(d, line('ww000.000kg'), e0, line('ww000.000kg'), e0)).toHaveLength(3);
    expect(d.stats).toMatchObject({ frames: 3, badChecksum: 1 });
    d.reset();
    expect(decodeAll(d, line('ww000.000kg'))).toHaveLength(1);
  });
});

describe('A12 streaming', () => {
  it('drops a garbage line, skips blank lines, takes a bare LF', () => {
    const d = a12();
    const out = decodeAll(d, bytes('\x00\xff garbage\r\n', '\r\n', line('ww000.000kg'), 'wn-0000.1kg\n'));
    expect(out.map((r) => r.value)).toEqual([0, -0.1]);
    expect(d.stats).toMatchObject({ frames: 2, badLayout: 1, bytesDiscarded: 14 });
  });

  it('bounds a line with no LF and ignores its tail when the LF finally comes', () => {
    const d = a12({ maxLineBytes: 40 });
    for (let i = 0; i < 100; i++) {
      d.push(bytes('x'.repeat(50)));
      expect(d.bufferedBytes).toBeLessThanOrEqual(40);
    }
    // the tail of the over-long line looks like a valid line but its start is gone
    expect(decodeAll(d, bytes('ww000.000kg\r\n'), line('wn-0000.1kg')).map((r) => r.value)).toEqual([-0.1]);
    expect(d.stats.badLayout).toBe(1);
  });

  it('decodes the same at every split point', () => {
    const stream = bytes('junk\r\n', line('ww000.000kg22'), line('wn-0000.1kg'), line('ww     OLkg'));
    const out = expectSplitInvariant(() => a12({ checksum: false }), stream);
    expect(out.map((r) => r.overload)).toEqual([false, false, true]);
  });

  it('flush drops an unterminated line', () => {
    const d = a12();
    expect(decodeAll(d, line('ww000.000kg'), bytes('ww012.340kg'))).toHaveLength(1);
    expect(d.stats.bytesDiscarded).toBe(11);
  });
});
