/**
 * Property tests: random bytes never become a reading unless they happen to
 * form a genuinely valid frame, checked here by rules restated from
 * PROTOCOLS.md (frame-checks.ts), not by the decoders' own code.
 */
import { describe, expect, it } from 'vitest';
import { isGenuineFrame } from './frame-checks.js';
import { createDecoder, encodeFrame, type IndicatorDecoder, type IndicatorReading, type ProtocolName } from './index.js';
import { bytes, decodeAll, inconsistencies, prng, randomBytes, text } from './test-support.js';

interface Case {
  label: string;
  protocol: ProtocolName;
  options: Record<string, unknown>;
  /** A checksum guards every frame, so uniform noise must yield nothing. */
  checked: boolean;
  /** Likely fragments of a frame, to make "unchecked" noise produce some readings. */
  tokens: string[];
}

const DIGITS = '0123456789'.split('');
const HEX = [...DIGITS, 'A', 'B', 'C', 'D', 'E', 'F'];
const toledoTokens = [
  '\x02', '\x02\x2a\x30\x20', '\x02\x2c\x3b\x22', '\x02\x2a\x20\x20', '  8520', '     0', '000120', '\r', '\r', ' ', ...DIGITS,
];
const equalsTokens = ['=', '=', ...DIGITS, '.', '.', '-'];
const cases: Case[] = [
  { label: 'TOLEDO_CONTINUOUS checksum on', protocol: 'TOLEDO_CONTINUOUS', options: { checksum: true }, checked: true, tokens: toledoTokens },
  { label: 'TOLEDO_8142 checksum on', protocol: 'TOLEDO_8142', options: { checksum: true }, checked: true, tokens: toledoTokens },
  { label: 'TOLEDO_CONTINUOUS checksum auto', protocol: 'TOLEDO_CONTINUOUS', options: {}, checked: false, tokens: toledoTokens },
  { label: 'TOLEDO_CONTINUOUS checksum off', protocol: 'TOLEDO_CONTINUOUS', options: { checksum: false }, checked: false, tokens: toledoTokens },
  { label: 'XK3190_TF0', protocol: 'XK3190_TF0', options: {}, checked: true, tokens: ['\x02', '\x03', '+', '-', ...HEX] },
  { label: 'XK3190_TF1 length auto', protocol: 'XK3190_TF1', options: {}, checked: false, tokens: equalsTokens },
  { label: 'XK3190_TF1 any length', protocol: 'XK3190_TF1', options: { frameLength: 'any' }, checked: false, tokens: equalsTokens },
  { label: 'XK3190_TF2 length auto', protocol: 'XK3190_TF2', options: {}, checked: false, tokens: equalsTokens },
  {
    label: 'A12 checksum on', protocol: 'A12', options: { checksum: true }, checked: true,
    tokens: ['ww', 'wn', 'w', 't', ' ', '-', '.', 'OL', 'kg', 'g', '\r\n', ...HEX],
  },
  {
    label: 'A12 checksum auto', protocol: 'A12', options: {}, checked: false,
    tokens: ['ww', 'wn', 'wt', ' ', ' ', '-', '.', 'OL', 'LO', 'kg', 't', 'lb', '\r\n', ...DIGITS],
  },
  {
    label: 'ST_GS', protocol: 'ST_GS', options: {}, checked: false,
    tokens: ['ST,GS,', 'US,NT,', 'OL,TR', 'ST,', 'GS', ',', '+', '-', ' ', '.', 'kg', ' t', '  g', '\r\n', '\r\n', '0085.00', ...DIGITS],
  },
  { label: 'MT_SICS', protocol: 'MT_SICS', options: {}, checked: false, tokens: ['S ', 'S ', 'D ', ' ', ' ', '-', '+', '.', ' kg', ' g', '\r\n', ...DIGITS] },
];

const make = (c: Case): IndicatorDecoder => createDecoder(c.protocol, c.options as never);

/** Feed `data` in random chunk sizes; check the buffer stays bounded; return all readings. */
function feed(d: IndicatorDecoder, data: Uint8Array, rand: () => number): IndicatorReading[] {
  const out: IndicatorReading[] = [];
  for (let i = 0; i < data.length; ) {
    const n = 1 + Math.floor(rand() * 700);
    out.push(...d.push(data.subarray(i, i + n)));
    expect(d.bufferedBytes).toBeLessThanOrEqual(4096);
    i += n;
  }
  out.push(...d.flush());
  expect(d.bufferedBytes).toBe(0);
  return out;
}

function expectGenuine(c: Case, readings: IndicatorReading[]): void {
  for (const r of readings) {
    expect(inconsistencies(r), text(r.raw)).toEqual([]);
    // Frames without a checksum byte are genuine only where the mode allows them.
    const checksum = c.protocol.startsWith('TOLEDO') ? r.raw.length === 18 : c.options.checksum === true;
    expect(isGenuineFrame(c.protocol, r.raw, { checksum }), JSON.stringify(text(r.raw))).toBe(true);
    // The frame alone decodes to the same reading (fixing the "=" length, which one frame cannot teach).
    const alone = c.protocol.startsWith('XK3190_TF') && c.protocol !== 'XK3190_TF0'
      ? createDecoder(c.protocol, { frameLength: r.raw.length })
      : make(c);
    expect(decodeAll(alone, r.raw)).toEqual([r]);
  }
}

/** Every byte is either in a reading's raw or counted as discarded. */
function expectAccounted(d: IndicatorDecoder, readings: IndicatorReading[], total: number): void {
  const inFrames = readings.reduce((n, r) => n + r.raw.length, 0);
  expect(inFrames + d.stats.bytesDiscarded).toBe(total);
  expect(d.stats.frames).toBe(readings.length);
}

function tokenNoise(tokens: string[], count: number, rand: () => number): Uint8Array {
  let s = '';
  for (let i = 0; i < count; i++) {
    s += rand() < 0.03 ? String.fromCharCode(Math.floor(rand() * 256)) : tokens[Math.floor(rand() * tokens.length)]!;
  }
  return bytes(s);
}

describe.each(cases)('$label on random input', (c) => {
  it('200 kB of uniform random bytes: nothing but genuine frames, and none at all when checksummed', () => {
    const rand = prng(20240601);
    const noise = randomBytes(rand, 200_000);
    const d = make(c);
    const out = feed(d, noise, rand);
    if (c.checked) expect(out).toEqual([]);
    expectGenuine(c, out);
    expectAccounted(d, out, noise.length);
  });

  it('still finds real frames inside that noise (so the test above can fail)', () => {
    const rand = prng(7);
    const frame = encodeFrame(c.protocol, { value: 12.5, decimals: 1 }, { checksum: c.options.checksum !== false });
    const lineBreak = c.protocol === 'A12' || c.protocol === 'ST_GS' || c.protocol === 'MT_SICS' ? '\r\n' : '';
    const after = c.protocol.startsWith('XK3190_TF') && c.protocol !== 'XK3190_TF0' ? '=' : '';
    const stream = bytes(randomBytes(rand, 5000), lineBreak, frame, frame, frame, after, randomBytes(rand, 5000));
    const out = feed(make(c), stream, rand);
    expect(out.filter((r) => text(r.raw) === text(frame))).toHaveLength(3);
    expectGenuine(c, out);
  });

  it('200k tokens of frame-like noise: every reading genuine and consistent', () => {
    const rand = prng(99);
    const noise = tokenNoise(c.tokens, 200_000, rand);
    const d = make(c);
    const out = feed(d, noise, rand);
    if (!c.checked) expect(out.length).toBeGreaterThan(0); // the noise does exercise the decoder
    expectGenuine(c, out);
    expectAccounted(d, out, noise.length);
  });
});
