import { describe, expect, it } from 'vitest';
import { createDecoder, encodeFrame, encodeStream, PROTOCOL_NAMES, type FrameInput, type ProtocolName, type Unit, type WeighMode } from './index.js';
import { bytes, decodeAll, fields, inconsistencies, prng, text } from './test-support.js';

describe('encodeFrame writes the frames of the spec', () => {
  it.each([
    ['XK3190_TF0', { value: 85 }, bytes(0x02, '+000085', '0', '16', 0x03)],
    ['TOLEDO_CONTINUOUS', { value: 8520 }, bytes(0x02, 0x2a, 0x30, 0x20, '  8520', '     0', 0x0d, 0x18)],
    ['TOLEDO_8142', { value: 8520 }, bytes(0x02, 0x2a, 0x30, 0x20, '008520', '000000', 0x0d, 0x28)],
    ['XK3190_TF1', { value: 3, decimals: 3 }, bytes('=000.3000')],
    ['XK3190_TF1', { value: -1, decimals: 2 }, bytes('=00.1000-')],
    ['XK3190_TF2', { value: 3, decimals: 3 }, bytes('=0003.000')],
    ['A12', { value: 0, decimals: 3 }, bytes('ww000.000kg\r\n')],
    ['A12', { value: -0.1, mode: 'net' }, bytes('wn-0000.1kg\r\n')],
    ['A12', { value: Number.NaN, overload: true }, bytes('ww     OLkg\r\n')],
    ['ST_GS', { value: 85, decimals: 2 }, bytes('ST,GS,+0085.00kg\r\n')],
    ['MT_SICS', { value: 100, decimals: 2 }, bytes('S S     100.00 kg\r\n')],
    ['MT_SICS', { value: Number.NaN, overload: true }, bytes('S +\r\n')],
  ] as [ProtocolName, FrameInput, Uint8Array][])('%s %j', (protocol, input, expected) => {
    expect(text(encodeFrame(protocol, input))).toBe(text(expected));
  });

  it('writes the variants: A12E, 7-E-1 Toledo without checksum, tf=1 with 1 as minus, ST_GS spacing', () => {
    expect(text(encodeFrame('A12', { value: 0, decimals: 3 }, { checksum: true }))).toBe('ww000.000kg22\r\n');
    expect(text(encodeFrame('A12', { value: 0, decimals: 3 }, { checksum: true, xorStart: 1 }))).toBe('ww000.000kg55\r\n');
    const t = encodeFrame('TOLEDO_CONTINUOUS', { value: 8520 }, { checksum: false, parity: 'even' });
    expect([t.length, t[0], t[16]]).toEqual([17, 0x82, 0x8d]); // STX and CR each have an odd number of ones
    expect(text(encodeFrame('XK3190_TF1', { value: -1, decimals: 2 }, { negativeSign: '1' }))).toBe('=00.10001');
    expect(text(encodeFrame('ST_GS', { value: 3.5, decimals: 2, unit: 't' }, { secondComma: false, plusSign: false, unitSpace: true })))
      .toBe('ST,GS0003.50 t\r\n');
  });

  it.each([
    ['TOLEDO_CONTINUOUS', { value: 5, mode: 'tare' }],
    ['TOLEDO_CONTINUOUS', { value: 5, unit: 'g' }],
    ['TOLEDO_CONTINUOUS', { value: 1_000_000 }],
    ['TOLEDO_CONTINUOUS', { value: 5, decimals: 6 }],
    ['XK3190_TF0', { value: 5, overload: true }],
    ['XK3190_TF0', { value: 1.23456 }],
    ['XK3190_TF1', { value: 1_000_000 }],
    ['XK3190_TF2', { value: 5, underload: true }],
    ['A12', { value: 12_345_678 }],
    ['ST_GS', { value: Number.NaN, overload: true }],
    ['ST_GS', { value: 1 / 3 }],
  ] as [ProtocolName, FrameInput][])('refuses what %s cannot express: %j', (protocol, input) => {
    expect(() => encodeFrame(protocol, input)).toThrow(RangeError);
  });
});

/** What each format carries, and what its decoder reports for what it does not. */
const CARRIES: Record<ProtocolName, { units: Unit[]; modes: WeighMode[]; stable: boolean; range: boolean; maxDecimals: number; digits: number }> = {
  TOLEDO_CONTINUOUS: { units: ['kg', 'lb', 't'], modes: ['gross', 'net'], stable: true, range: true, maxDecimals: 5, digits: 6 },
  TOLEDO_8142: { units: ['kg', 'lb', 't'], modes: ['gross', 'net'], stable: true, range: true, maxDecimals: 5, digits: 6 },
  XK3190_TF0: { units: [], modes: [], stable: false, range: false, maxDecimals: 4, digits: 6 },
  XK3190_TF1: { units: [], modes: [], stable: false, range: false, maxDecimals: 5, digits: 6 },
  XK3190_TF2: { units: [], modes: [], stable: false, range: false, maxDecimals: 5, digits: 6 },
  A12: { units: ['kg', 't', 'lb', 'g'], modes: ['gross', 'net', 'tare'], stable: false, range: true, maxDecimals: 4, digits: 5 },
  ST_GS: { units: ['kg', 't', 'lb', 'g'], modes: ['gross', 'net', 'tare'], stable: true, range: true, maxDecimals: 5, digits: 6 },
  MT_SICS: { units: ['kg', 't', 'lb', 'g'], modes: [], stable: true, range: true, maxDecimals: 5, digits: 9 },
};

/** A random reading; `decimals` fixed when given (an indicator's decimals are a setting). */
function sample(protocol: ProtocolName, rand: () => number, fixedDecimals?: number): FrameInput {
  const c = CARRIES[protocol];
  const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(rand() * xs.length)];
  const decimals = fixedDecimals ?? Math.floor(rand() * (c.maxDecimals + 1));
  const magnitude = Math.floor(rand() * 10 ** c.digits);
  const input: FrameInput = {
    value: (rand() < 0.3 ? -1 : 1) * magnitude / 10 ** decimals,
    decimals,
    unit: pick(c.units),
    mode: pick(c.modes),
    stable: rand() < 0.5,
  };
  // Overload needs a number in Toledo and ST_GS; A12 and MT-SICS show none.
  if (c.range && rand() < 0.1) input.overload = !(input.underload = input.value < 0);
  return input;
}

describe('decode(encode(x)) round-trips', () => {
  it.each(PROTOCOL_NAMES)('%s: 3000 random readings, streamed back to back', (protocol) => {
    const rand = prng(0xc0ffee + protocol.length);
    // The "=" modes learn their frame length, which the decimal point changes: keep decimals fixed there.
    const fixed = protocol === 'XK3190_TF1' || protocol === 'XK3190_TF2' ? 2 : undefined;
    const inputs = Array.from({ length: 3000 }, () => sample(protocol, rand, fixed));
    const stream = encodeStream(protocol, inputs, { checksum: true });
    const d = createDecoder(protocol);
    const out = decodeAll(d, stream);
    expect(out).toHaveLength(inputs.length);
    expect(d.stats).toMatchObject({ frames: inputs.length, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 });
    const c = CARRIES[protocol];
    out.forEach((r, i) => {
      const x = inputs[i]!;
      expect(inconsistencies(r)).toEqual([]);
      expect(r.raw).toEqual(encodeFrame(protocol, x, { checksum: true }));
      const blank = (x.overload || x.underload) && (protocol === 'A12' || protocol === 'MT_SICS');
      if (blank) expect(r.value).toBeNaN();
      else expect(r.value).toBe(x.value === 0 ? 0 : x.value); // never -0
      expect(r.overload).toBe(c.range ? x.overload === true : false);
      expect(r.underload).toBe(c.range ? x.underload === true : false);
      if (c.units.length > 0 && !(blank && protocol === 'MT_SICS')) expect(r.unit).toBe(x.unit);
      if (c.modes.length > 0) expect(r.mode).toBe(x.mode);
      // ST_GS's OL and MT-SICS's S +/S - replace the stability field; Toledo keeps its motion bit.
      const statusHidesMotion = protocol === 'ST_GS' || protocol === 'MT_SICS';
      expect(r.stable).toBe(!c.stable ? null : statusHidesMotion && (x.overload || x.underload) ? false : x.stable);
    });
  });

  it('round-trips the Toledo 7-E-1 and no-checksum variants', () => {
    const inputs: FrameInput[] = [{ value: 12.5, decimals: 1, unit: 't' }, { value: -3, stable: false }, { value: 850, decimals: -1 }];
    for (const checksum of [true, false]) {
      const plain = decodeAll(createDecoder('TOLEDO_CONTINUOUS'), encodeStream('TOLEDO_CONTINUOUS', inputs, { checksum }));
      const e71 = decodeAll(createDecoder('TOLEDO_CONTINUOUS'), encodeStream('TOLEDO_CONTINUOUS', inputs, { checksum, parity: 'even' }));
      expect(plain.map((r) => r.value)).toEqual([12.5, -3, 850]);
      expect(e71.map(fields)).toEqual(plain.map(fields));
    }
  });

  it('round-trips the A12E xorStart, tf=1/tf=2 options and ST_GS spacing variants', () => {
    const xs: FrameInput[] = [{ value: 1.5, decimals: 1 }, { value: -20, decimals: 1 }];
    const a12 = decodeAll(createDecoder('A12', { checksum: true, xorStart: 1 }), encodeStream('A12', xs, { checksum: true, xorStart: 1 }));
    expect(a12.map((r) => r.value)).toEqual([1.5, -20]);
    for (const protocol of ['XK3190_TF1', 'XK3190_TF2'] as const) {
      const s = encodeStream(protocol, xs, { negativeSign: '1', digits: 8 });
      expect(decodeAll(createDecoder(protocol), s).map((r) => r.value)).toEqual([1.5, -20]);
    }
    for (const secondComma of [true, false]) for (const plusSign of [true, false]) for (const unitSpace of [true, false]) {
      const s = encodeStream('ST_GS', xs, { secondComma, plusSign, unitSpace });
      expect(decodeAll(createDecoder('ST_GS'), s).map((r) => r.value)).toEqual([1.5, -20]);
    }
  });
});
