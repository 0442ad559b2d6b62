/**
 * Property tests on damaged streams: valid frames with one byte replaced,
 * dropped or inserted in about a third of them, fed in random chunk sizes.
 * A checksummed decoder must never report a damaged frame; an unchecked one
 * must at least never report something that is not a well-formed frame.
 */
import { describe, expect, it } from 'vitest';
import { isGenuineFrame } from './frame-checks.js';
import { createDecoder, encodeFrame, type IndicatorDecoder, type IndicatorReading, type ProtocolName } from './index.js';
import { decodeAll, fields, inconsistencies, prng, text } from './test-support.js';

const COUNT = 3000;

interface Damaged {
  stream: Uint8Array;
  originals: Uint8Array[];
  intact: Set<number>;
}

/** Frame i shows the weight ±i, so a reading names the frame it came from. */
function damagedStream(protocol: ProtocolName, checksum: boolean, rand: () => number): Damaged {
  const originals: Uint8Array[] = [];
  const parts: Uint8Array[] = [];
  const intact = new Set<number>();
  for (let i = 0; i < COUNT; i++) {
    const frame = encodeFrame(protocol, { value: i % 2 ? -i : i, decimals: 0 }, { checksum });
    originals.push(frame);
    if (rand() >= 0.33) {
      intact.add(i);
      parts.push(frame);
      continue;
    }
    const at = Math.floor(rand() * frame.length);
    const kind = Math.floor(rand() * 3);
    const b = Array.from(frame);
    if (kind === 0) b[at] = b[at]! ^ (1 + Math.floor(rand() * 127)); // always changes the low 7 bits
    else if (kind === 1) b.splice(at, 1);
    else b.splice(at, 0, Math.floor(rand() * 256));
    parts.push(Uint8Array.from(b));
  }
  const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (stream.set(p, at), at + p.length), 0);
  return { stream, originals, intact };
}

function feed(d: IndicatorDecoder, data: Uint8Array, rand: () => number): IndicatorReading[] {
  const out: IndicatorReading[] = [];
  for (let i = 0; i < data.length; ) {
    const n = 1 + Math.floor(rand() * 64);
    out.push(...d.push(data.subarray(i, i + n)));
    i += n;
  }
  return [...out, ...d.flush()];
}

describe.each([
  { protocol: 'TOLEDO_CONTINUOUS', fixedLength: true },
  { protocol: 'TOLEDO_8142', fixedLength: true },
  { protocol: 'XK3190_TF0', fixedLength: true },
  { protocol: 'A12', fixedLength: false },
] as { protocol: ProtocolName; fixedLength: boolean }[])('$protocol with checksum, damaged stream', ({ protocol, fixedLength }) => {
  it('reports only undamaged frames, each exactly as sent', () => {
    const rand = prng(31337);
    const { stream, originals, intact } = damagedStream(protocol, true, rand);
    const d = createDecoder(protocol, { checksum: true } as never);
    const out = feed(d, stream, rand);
    const reference = originals.map((f) => decodeAll(createDecoder(protocol, { checksum: true } as never), f)[0]!);
    const seen = new Set<number>();
    for (const r of out) {
      const i = Math.abs(r.value);
      expect(fields(r)).toEqual(fields(reference[i]!));
      // Fixed-length frames come back byte for byte; a line may lose its CR and keep its meaning.
      if (fixedLength) expect(text(r.raw)).toBe(text(originals[i]!));
      seen.add(i);
    }
    expect(d.stats.badChecksum + d.stats.badLayout).toBeGreaterThan(0.2 * COUNT);
    const intactSeen = [...intact].filter((i) => seen.has(i)).length;
    // A fixed-length frame survives any damage to its neighbours; a line can lose its LF and take the next line with it.
    if (fixedLength) expect(intactSeen).toBe(intact.size);
    else expect(intactSeen).toBeGreaterThan(0.8 * intact.size);
  });
});

describe.each([
  { protocol: 'TOLEDO_CONTINUOUS', options: { checksum: false } },
  { protocol: 'XK3190_TF1', options: {} },
  { protocol: 'XK3190_TF2', options: {} },
  { protocol: 'A12', options: {} },
  { protocol: 'ST_GS', options: {} },
  { protocol: 'MT_SICS', options: {} },
] as { protocol: ProtocolName; options: Record<string, unknown> }[])('$protocol without checksum, damaged stream', ({ protocol, options }) => {
  it('reports only well-formed, consistent frames and most undamaged ones', () => {
    const rand = prng(4242);
    const { stream, intact } = damagedStream(protocol, false, rand);
    const d = createDecoder(protocol, options as never);
    const out = feed(d, stream, rand);
    for (const r of out) {
      expect(inconsistencies(r)).toEqual([]);
      expect(isGenuineFrame(protocol, r.raw, { checksum: false }), JSON.stringify(text(r.raw))).toBe(true);
    }
    expect(out.length).toBeGreaterThan(0.8 * intact.size);
  });
});

it('the "=" modes reject every frame that gained or lost a byte', () => {
  // With no checksum, the learned frame length is the only guard: check it catches all length changes.
  const rand = prng(5);
  const frames = Array.from({ length: 500 }, (_, i) => encodeFrame('XK3190_TF1', { value: -i, decimals: 2 }));
  const damagedIdx = new Set<number>();
  const parts = frames.map((f, i) => {
    if (i < 2 || rand() > 0.3) return f; // the first two teach the length
    damagedIdx.add(i);
    const b = Array.from(f);
    const at = 1 + Math.floor(rand() * (f.length - 1)); // keep the '=' so the frame stays delimited
    if (rand() < 0.5) b.splice(at, 1);
    else b.splice(at, 0, 0x30 + Math.floor(rand() * 10));
    return Uint8Array.from(b);
  });
  const stream = Uint8Array.from(parts.flatMap((p) => Array.from(p)));
  const d = createDecoder('XK3190_TF1');
  const out = decodeAll(d, stream);
  expect(out.map((r) => Math.abs(r.value))).toEqual(frames.map((_, i) => i).filter((i) => !damagedIdx.has(i)));
  expect(d.stats.badLayout).toBe(damagedIdx.size);
});
