import { describe, expect, it } from 'vitest';
import { createDecoder, type Xk3190Options } from './index.js';
import { bytes, decodeAll, expectSplitInvariant } from './test-support.js';

// Hand-built tf=0 frames: 0x02, sign, 6 digits, decimals, XOR of bytes 1–8 as 2 upper-case hex, 0x03.
// XORs worked out by hand from the ASCII codes.
const KG85 = bytes(0x02, '+', '000085', '0', '16', 0x03); // PROTOCOLS.md's worked example
const DEC2 = bytes(0x02, '+', '012345', '2', '18', 0x03); // 123.45
const NEG = bytes(0x02, '-', '000120', '0', '1E', 0x03); // −120
const tf0 = (options?: Xk3190Options) => createDecoder('XK3190_TF0', options);

describe('XK3190_TF0 frames from the spec', () => {
  it('decodes the worked example: + 000085 0, XOR 0x16 → 85 kg, no stability flag', () => {
    const d = tf0();
    expect(d.push(KG85)).toEqual([
      {
        value: 85, unit: 'kg', valueKg: 85, mode: 'gross', stable: null,
        overload: false, underload: false, negative: false, raw: KG85,
      },
    ]);
    expect(d.stats).toEqual({ frames: 1, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 });
  });

  it('reads byte 8 as the count of decimals, never as a seventh digit', () => {
    const d = tf0();
    expect(d.push(DEC2)[0]).toMatchObject({ value: 123.45, valueKg: null });
    expect(d.push(bytes(0x02, '+', '000085', '3', '15', 0x03))[0]?.value).toBe(0.085);
  });

  it('decodes a negative weight', () => {
    expect(tf0().push(NEG)[0]).toMatchObject({ value: -120, valueKg: -120, negative: true });
  });

  it('keeps the sign of a negative zero without producing -0', () => {
    const [r] = tf0().push(bytes(0x02, '-', '000000', '0', '1D', 0x03));
    expect(Object.is(r?.value, 0)).toBe(true);
    expect(r?.negative).toBe(true);
  });

  it('uses the configured unit and mode, since the frame has neither', () => {
    const d = tf0({ unit: 't', mode: 'net' });
    expect(d.push(bytes(0x02, '+', '012345', '2', '18', 0x03))[0]).toMatchObject({ value: 123.45, unit: 't', valueKg: 123450, mode: 'net' });
    const lb = tf0({ unit: 'lb' });
    expect(lb.push(KG85)[0]).toMatchObject({ unit: 'lb', valueKg: null });
  });

  it('has no overload flag: a full-scale frame is just a number', () => {
    const [r] = tf0().push(bytes(0x02, '+', '500000', '0', '1E', 0x03));
    expect(r).toMatchObject({ value: 500000, overload: false, underload: false });
  });
});

describe('XK3190_TF0 rejects broken frames', () => {
  it.each([
    ['wrong XOR', bytes(0x02, '+', '000085', '0', '17', 0x03), 'badChecksum'],
    ['a digit changed (XOR no longer matches)', bytes(0x02, '+', '000086', '0', '16', 0x03), 'badChecksum'],
    ['lower-case hex', bytes(0x02, '-', '000120', '0', '1e', 0x03), 'badLayout'],
    ['no ETX', bytes(0x02, '+', '000085', '0', '16', 0x0d), 'badLayout'],
  ] as const)('%s', (_label, frame, counter) => {
    const d = tf0();
    expect(decodeAll(d, frame)).toEqual([]);
    expect(d.stats[counter]).toBe(1);
    expect(d.stats.frames).toBe(0);
    expect(d.stats.bytesDiscarded).toBe(frame.length);
  });

  it.each([
    ['decimals 5', bytes(0x02, '+', '000085', '5', '13', 0x03)],
    ['sign missing', bytes(0x02, ' ', '000085', '0', '1D', 0x03)],
    ['a space among the digits', bytes(0x02, '+', '0 0085', '0', '06', 0x03)],
  ])('valid XOR but impossible layout: %s', (_label, frame) => {
    const d = tf0();
    expect(decodeAll(d, frame)).toEqual([]);
    expect(d.stats).toMatchObject({ frames: 0, badChecksum: 0, badLayout: 1 });
  });

  it('counts a bad frame and still decodes its neighbours', () => {
    const d = tf0();
    const out = decodeAll(d, bytes(KG85, bytes(0x02, '+', '000086', '0', '16', 0x03), NEG));
    expect(out.map((r) => r.value)).toEqual([85, -120]);
    expect(d.stats).toEqual({ frames: 2, badChecksum: 1, badLayout: 0, bytesDiscarded: 12 });
  });
});

describe('XK3190_TF0 streaming', () => {
  it('resynchronises after garbage, stray STX/ETX and a frame cut short', () => {
    const stream = bytes(0xff, 0x03, 0x02, 'abc', KG85.subarray(0, 7), DEC2, 0x02, 0x03, NEG, 0x00);
    const d = tf0();
    expect(decodeAll(d, stream).map((r) => r.value)).toEqual([123.45, -120]);
    expect(d.stats.bytesDiscarded).toBe(stream.length - DEC2.length - NEG.length);
  });

  it('decodes the same at every split point', () => {
    const out = expectSplitInvariant(() => tf0(), bytes('zz', KG85, 0x02, DEC2, NEG, 'x'));
    expect(out.map((r) => r.value)).toEqual([85, 123.45, -120]);
  });

  it('flush drops a partial frame and empties the buffer', () => {
    const d = tf0();
    expect(d.push(bytes(KG85, DEC2.subarray(0, 5)))).toHaveLength(1);
    expect(d.bufferedBytes).toBe(5);
    expect(d.flush()).toEqual([]);
    expect(d.bufferedBytes).toBe(0);
    expect(d.stats.bytesDiscarded).toBe(5);
    // and the decoder carries on with the next stream
    expect(d.push(NEG)).toHaveLength(1);
  });
});
