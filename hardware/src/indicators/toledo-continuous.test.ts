import { describe, expect, it } from 'vitest';
import { createDecoder, type ToledoOptions } from './index.js';
import { toledoChecksum } from './toledo-continuous.js';
import { bytes, decodeAll, expectSplitInvariant, fields, text } from './test-support.js';

// Hand-built frames (PROTOCOLS.md table): STX SWA SWB SWC weight(6) tare(6) CR [checksum].
// SWA 0x2A = fixed bit 5 | increment ×1 (bits 3–4 = 01) | decimal code 2 (integer).
// SWB 0x30 = fixed bit 5 | kg. SWC 0x20 = fixed bit 5. Checksums worked out by hand: (−Σ) & 0x7F.
const F8520 = bytes(0x02, 0x2a, 0x30, 0x20, '  8520', '     0', 0x0d); // 8520 kg, stable, gross
const F8520_CS = 0x18;
const F12_345T = bytes(0x02, 0x2d, 0x31, 0x22, ' 12345', '  2000', 0x0d); // code 5, net, SWC t
const F12_345T_CS = 0x50;

const toledo = (options: ToledoOptions = {}) => createDecoder('TOLEDO_CONTINUOUS', options);
const withCs = (f: Uint8Array, cs: number) => bytes(f, cs);
/** Sets bit 7 for even parity, computed here independently of the encoder. */
const sevenE1 = (f: Uint8Array) =>
  f.map((b) => (b.toString(2).split('1').length - 1) % 2 ? b | 0x80 : b);

describe('TOLEDO_CONTINUOUS frames from the spec', () => {
  it('computes the checksum as (−Σ bytes 0..16) & 0x7F', () => {
    expect(toledoChecksum(F8520)).toBe(F8520_CS);
    expect(toledoChecksum(F12_345T)).toBe(F12_345T_CS);
  });

  it('decodes a 17-byte frame with checksum off', () => {
    const d = toledo({ checksum: false });
    const [r, ...rest] = d.push(F8520);
    expect(rest).toEqual([]);
    expect(r).toEqual({
      value: 8520, unit: 'kg', valueKg: 8520, mode: 'gross', stable: true,
      overload: false, underload: false, negative: false, raw: F8520,
    });
    expect(d.stats).toEqual({ frames: 1, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 });
  });

  it('decodes an 18-byte frame with checksum on, and raw holds all 18 bytes', () => {
    const frame = withCs(F12_345T, F12_345T_CS);
    const [r] = toledo({ checksum: true }).push(frame);
    expect(r).toMatchObject({ value: 12.345, unit: 't', valueKg: 12345, mode: 'net', stable: true });
    expect(r?.raw).toEqual(frame);
  });

  it.each([
    [0, '  8500', 8500], // XXXX00: the fixed zeros are in the field
    [1, '  8520', 8520], // XXXXX0
    [2, '  8521', 8521],
    [3, ' 12345', 1234.5],
    [4, ' 12345', 123.45],
    [7, ' 12345', 0.12345], // X.XXXXX
  ])('decimal code %i with field %j → %d', (code, field, value) => {
    const f = bytes(0x02, 0x28 | code, 0x30, 0x20, field, '     0', 0x0d);
    expect(toledo({ checksum: false }).push(f)[0]?.value).toBe(value);
  });

  it('reads SWB: net, negative, motion, and out-of-range split by sign into overload/underload', () => {
    const frame = (swb: number, w = '   120') => bytes(0x02, 0x2a, swb, 0x20, w, '     0', 0x0d);
    const d = toledo({ checksum: false });
    const [motionNeg] = d.push(frame(0x3a)); // kg | motion | negative
    expect(motionNeg).toMatchObject({ value: -120, valueKg: -120, negative: true, stable: false, mode: 'gross' });
    const [over] = d.push(frame(0x34, '999999'));
    expect(over).toMatchObject({ value: 999999, overload: true, underload: false, negative: false });
    const [under] = d.push(frame(0x36, '  1000'));
    expect(under).toMatchObject({ value: -1000, overload: false, underload: true, negative: true });
    const [net] = d.push(frame(0x31));
    expect(net).toMatchObject({ mode: 'net', value: 120 });
  });

  it('changes unit: SWB bit 4 kg/lb, SWC code 2 = t; lb has no whole-kg value', () => {
    const d = toledo({ checksum: false });
    const lb = d.push(bytes(0x02, 0x2a, 0x20, 0x20, '    85', '     0', 0x0d))[0];
    expect(lb).toMatchObject({ value: 85, unit: 'lb', valueKg: null });
    const zeroLb = d.push(bytes(0x02, 0x2a, 0x20, 0x20, '     0', '     0', 0x0d))[0];
    expect(zeroLb).toMatchObject({ value: 0, unit: 'lb', valueKg: 0 });
    const t = d.push(bytes(0x02, 0x2c, 0x30, 0x22, '  8520', '     0', 0x0d))[0]; // code 4: 85.20 t
    expect(t).toMatchObject({ value: 85.2, unit: 't', valueKg: 85200 });
    expect(d.stats.frames).toBe(3);
  });

  it('refuses a unit code it cannot name rather than guess (SWC bits 0–2 = 1)', () => {
    const d = toledo({ checksum: false });
    expect(d.push(bytes(0x02, 0x2a, 0x30, 0x21, '  8520', '     0', 0x0d))).toEqual([]);
    expect(d.stats.badLayout).toBe(1);
  });

  it('does not reject on the fixed bit 5 (some vendors clear it)', () => {
    const f = bytes(0x02, 0x0a, 0x10, 0x00, '  8520', '     0', 0x0d);
    expect(toledo({ checksum: false }).push(f)[0]?.value).toBe(8520);
  });

  it('rejects impossible fields: a letter, a blank weight, a space between digits', () => {
    const d = toledo({ checksum: false });
    const bad = ['  85A0', '      ', ' 85 20'].map((w) => bytes(0x02, 0x2a, 0x30, 0x20, w, '     0', 0x0d));
    expect(decodeAll(d, ...bad)).toEqual([]);
    expect(d.stats).toMatchObject({ frames: 0, badLayout: 3 });
    // a blank tare field is tolerated: some indicators send it when no tare is set
    expect(toledo({ checksum: false }).push(bytes(0x02, 0x2a, 0x30, 0x20, '  8520', '      ', 0x0d))).toHaveLength(1);
  });
});

describe('TOLEDO_8142 (leading spaces sent as 0)', () => {
  const zeroPadded = bytes(0x02, 0x2a, 0x30, 0x20, '008520', '000000', 0x0d);
  it('decodes a zero-padded frame', () => {
    const [r] = createDecoder('TOLEDO_8142', { checksum: true }).push(bytes(zeroPadded, 0x28));
    expect(r).toMatchObject({ value: 8520, valueKg: 8520 });
  });
  it('rejects space padding, which the 8142 never sends; the continuous decoder takes both', () => {
    const d = createDecoder('TOLEDO_8142', { checksum: false });
    expect(d.push(F8520)).toEqual([]);
    expect(d.stats.badLayout).toBe(1);
    expect(toledo({ checksum: false }).push(zeroPadded)[0]?.value).toBe(8520);
  });
});

describe('TOLEDO_CONTINUOUS checksum and framing', () => {
  const good = withCs(F8520, F8520_CS);
  const corrupt = withCs(bytes(0x02, 0x2a, 0x30, 0x20, '  8620', '     0', 0x0d), F8520_CS); // one digit changed

  it('drops and counts a bad checksum, then decodes the next frame', () => {
    const d = toledo({ checksum: true });
    const out = decodeAll(d, bytes(corrupt, good));
    expect(out.map((r) => r.value)).toEqual([8520]);
    expect(d.stats).toEqual({ frames: 1, badChecksum: 1, badLayout: 0, bytesDiscarded: 18 });
  });

  it('resynchronises after garbage, stray STX and CR bytes, and a frame cut short', () => {
    const cutShort = good.subarray(0, 9);
    const stream = bytes('junk', 0x02, 0x0d, 0xff, cutShort, good, 0x02, 0x02, good, 'tail');
    const d = toledo({ checksum: true });
    expect(decodeAll(d, stream).map((r) => r.value)).toEqual([8520, 8520]);
    expect(d.stats.frames).toBe(2);
    expect(d.stats.bytesDiscarded).toBe(stream.length - 2 * good.length);
  });

  it('decodes the same at every split point (checksum on, off and auto)', () => {
    const two = withCs(F12_345T, F12_345T_CS);
    for (const checksum of [true, 'auto'] as const) {
      const out = expectSplitInvariant(() => toledo({ checksum }), bytes('xx', good, 0x02, two, good));
      expect(out.map((r) => r.value)).toEqual([8520, 12.345, 8520]);
    }
    const off = expectSplitInvariant(() => toledo({ checksum: false }), bytes(F8520, 'z', F12_345T));
    expect(off.map((r) => r.value)).toEqual([8520, 12.345]);
  });

  it('auto: detects the checksum and then requires it', () => {
    const d = toledo(); // 'auto' is the default
    // The first frame's byte 17 is its checksum and byte 18 the next STX: checksums are on.
    expect(d.push(bytes(good, good))).toHaveLength(2);
    // Now a frame without checksum (byte 17 is the next STX) is a checksum failure, not a reading.
    expect(decodeAll(d, bytes(F8520, good)).map((r) => r.value)).toEqual([8520]);
    expect(d.stats).toMatchObject({ frames: 3, badChecksum: 1 });
  });

  it('auto: reads a stream without checksums, frame by frame, the last one at flush', () => {
    const d = toledo();
    expect(d.push(bytes(F8520, F8520, F8520))).toHaveLength(2);
    expect(d.flush()).toHaveLength(1);
    expect(d.stats).toMatchObject({ frames: 3, badChecksum: 0, bytesDiscarded: 0 });
  });

  it('flush: a partial frame is dropped, never decoded; a frame missing its checksum is dropped', () => {
    const partial = toledo({ checksum: true });
    expect(partial.push(good.subarray(0, 12))).toEqual([]);
    expect(partial.bufferedBytes).toBe(12);
    expect(partial.flush()).toEqual([]);
    expect(partial.stats).toMatchObject({ frames: 0, bytesDiscarded: 12 });
    expect(partial.bufferedBytes).toBe(0);
    const noChecksum = toledo({ checksum: true });
    expect(decodeAll(noChecksum, F8520)).toEqual([]);
    expect(noChecksum.stats.bytesDiscarded).toBe(17);
  });
});

describe('TOLEDO_CONTINUOUS on a 7-E-1 line read as 8 bits', () => {
  const line = sevenE1(withCs(F8520, F8520_CS));

  it('has parity bits set in the test data (STX becomes 0x82)', () => {
    expect(line[0]).toBe(0x82);
    expect(text(line)).not.toBe(text(withCs(F8520, F8520_CS)));
  });

  it('strips bit 7 by default and keeps the received bytes in raw', () => {
    const d = toledo({ checksum: true });
    const out = decodeAll(d, bytes(line, line));
    const plain = toledo({ checksum: true }).push(withCs(F8520, F8520_CS));
    expect(out).toHaveLength(2);
    expect(fields(out[0]!)).toEqual(fields(plain[0]!));
    expect(out[0]?.raw).toEqual(line);
    expectSplitInvariant(() => toledo(), bytes(line, line));
  });

  it('finds nothing with stripParity off: the parity bit hides every STX', () => {
    const d = toledo({ checksum: true, stripParity: false });
    expect(decodeAll(d, bytes(line, line))).toEqual([]);
    expect(d.stats.bytesDiscarded).toBe(36);
  });
});
