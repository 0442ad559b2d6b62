/** Helpers for the decoder tests (not a test file itself). */
import { expect } from 'vitest';
import type { IndicatorDecoder, IndicatorReading } from './types.js';

/** Bytes from Latin-1 strings and byte values, e.g. bytes(0x02, '+000085', '0', '16', 0x03). */
export function bytes(...parts: (string | number | readonly number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const c of p) out.push(c.charCodeAt(0));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

export function text(raw: Uint8Array): string {
  return String.fromCharCode(...raw);
}

/** mulberry32: a small seeded PRNG, so "random" tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

/** Push every chunk, then flush; all readings in order. */
export function decodeAll(decoder: IndicatorDecoder, ...chunks: Uint8Array[]): IndicatorReading[] {
  const out: IndicatorReading[] = [];
  for (const c of chunks) out.push(...decoder.push(c));
  out.push(...decoder.flush());
  return out;
}

export function chunksOf(data: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

/**
 * The stream split at every byte boundary, and fed one byte at a time, must
 * decode exactly as in one piece. Returns the one-piece readings, which must
 * not be empty (so the comparison cannot pass vacuously).
 */
export function expectSplitInvariant(make: () => IndicatorDecoder, stream: Uint8Array): IndicatorReading[] {
  const reference = make();
  const whole = decodeAll(reference, stream);
  expect(whole.length).toBeGreaterThan(0);
  for (let k = 0; k <= stream.length; k++) {
    const d = make();
    expect(decodeAll(d, stream.subarray(0, k), stream.subarray(k)), `split at ${k}`).toEqual(whole);
    expect(d.stats, `stats, split at ${k}`).toEqual(reference.stats);
  }
  const oneByOne = make();
  expect(decodeAll(oneByOne, ...chunksOf(stream, 1))).toEqual(whole);
  expect(oneByOne.stats).toEqual(reference.stats);
  return whole;
}

/** Readings without `raw`, for comparing what was decoded rather than how it was framed. */
export function fields(r: IndicatorReading): Omit<IndicatorReading, 'raw'> {
  const { raw: _raw, ...rest } = r;
  return rest;
}

const KG_PER: Record<string, number> = { kg: 1, t: 1000, g: 0.001 };

/** Problems with a reading's internal consistency; empty when it is consistent. */
export function inconsistencies(r: IndicatorReading): string[] {
  const p: string[] = [];
  if (!(r.raw instanceof Uint8Array) || r.raw.length === 0) p.push('raw is empty');
  if (r.overload && r.underload) p.push('both overload and underload');
  if (Number.isNaN(r.value)) {
    if (!r.overload && !r.underload) p.push('NaN value without overload/underload');
    if (r.valueKg !== null) p.push('NaN value with a valueKg');
  } else {
    if (!Number.isFinite(r.value)) p.push('value not finite');
    if (Object.is(r.value, -0)) p.push('value is -0');
    if (r.value !== 0 && r.negative !== r.value < 0) p.push('negative flag disagrees with the sign');
    if (r.valueKg !== null && !Number.isSafeInteger(r.valueKg)) p.push('valueKg not an integer');
    const factor = KG_PER[r.unit];
    if (factor !== undefined) {
      const kg = r.value * factor;
      const whole = Math.abs(kg - Math.round(kg)) <= 1e-9 + Math.abs(kg) * 4 * Number.EPSILON;
      if (whole && r.valueKg !== Math.round(kg)) p.push(`valueKg ${r.valueKg} != ${kg}`);
      if (!whole && r.valueKg !== null) p.push(`valueKg ${r.valueKg} for fractional ${kg} kg`);
    } else if (r.value !== 0 && r.valueKg !== null && Math.abs(r.valueKg - r.value * 0.45359237) > 1e-6) {
      p.push('lb valueKg wrong');
    }
  }
  return p;
}
