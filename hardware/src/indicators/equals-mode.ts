/**
 * XK3190 / Keli "=" modes (PROTOCOLS.md, "tf=1" and "tf=2"):
 *   tf=1: '=' + display string reversed, sign last:  "=000.3000" → 3.000, "=00.1000-" → −1.00
 *   tf=2: '=' + display string as shown, sign first: "=0003.000" → 3.000
 * Frames run back to back with no terminator and no checksum, so a frame ends
 * where the next '=' starts.
 */
import { latin1 } from './bytes.js';
import { FrameStream } from './frame-stream.js';
import { makeReading, parseDecimal } from './reading.js';
import type { DecodeResult, FrameScan, Framer, StreamOptions, Unit, WeighMode } from './types.js';
import { LAYOUT_ERROR } from './types.js';

export type EqualsVariant = 'XK3190_TF1' | 'XK3190_TF2';

export interface EqualsOptions extends StreamOptions {
  /** The frame carries no unit; the indicator's configured one (default kg). */
  unit?: Unit;
  /** The frame carries no gross/net flag (default gross). */
  mode?: WeighMode;
  /**
   * Bytes per frame including the '='. "Length varies by model" but not within
   * one stream, and with no checksum the length is the only guard against a lost
   * byte (a frame cut short can flip its sign). 'auto' (default) learns it: no
   * frame is used until two consecutive frames agree in length and layout, and
   * after that other lengths are rejected. 'any' checks no length.
   */
  frameLength?: number | 'auto' | 'any';
  /** "some models use `1` for negative" (default true: '1' in the sign place means negative). */
  oneMeansNegative?: boolean;
  /** Longest frame considered before the rest is treated as garbage (default 16). */
  maxFrameBytes?: number;
}

const EQ = 0x3d; // '='

export interface EqualsFormat {
  variant: EqualsVariant;
  oneMeansNegative: boolean;
}

/** Sign and digits of a frame f = '=' + body, or null if the layout is impossible. */
export function parseEqualsBody(
  f: Uint8Array,
  start: number,
  end: number,
  fmt: EqualsFormat,
): { magnitude: number; decimals: number; negative: boolean } | null {
  let text = latin1(f, start + 1, end);
  if (fmt.variant === 'XK3190_TF1') text = text.split('').reverse().join('');
  const sign = text[0];
  let negative: boolean;
  if (sign === '0') negative = false;
  else if (sign === '-' || (sign === '1' && fmt.oneMeansNegative)) negative = true;
  else return null;
  const num = parseDecimal(text.slice(1));
  return num && { magnitude: num.magnitude, decimals: num.decimals, negative };
}

function equalsFramer(
  policy: number | 'auto' | 'any',
  maxLen: number,
  isValid: (buf: Uint8Array, s: number, e: number) => boolean,
): Framer & { maxHoldBytes: number } {
  let locked: number | null = typeof policy === 'number' ? policy : null;
  const frame = (s: number, e: number): FrameScan => ({ kind: 'frame', start: s, end: e, resumeOnReject: e });
  const bad = (resumeAt: number): FrameScan => ({ kind: 'bad', reason: 'layout', resumeAt });
  /** End of the frame starting at s: the next '=', or the end of input on flush; -1 if unknown yet. */
  const endOf = (buf: Uint8Array, s: number, final: boolean): number => {
    const n = buf.indexOf(EQ, s + 1);
    return n >= 0 ? n : final ? buf.length : -1;
  };
  return {
    maxHoldBytes: 2 * maxLen + 1,
    scan(buf, from, final) {
      const s = buf.indexOf(EQ, from);
      if (s < 0) return { kind: 'more', keepFrom: buf.length };
      const e = endOf(buf, s, final);
      if (e < 0) return buf.length - s > maxLen ? bad(s + 1) : { kind: 'more', keepFrom: s };
      if (e - s > maxLen) return bad(e);
      if (policy === 'any') return frame(s, e);
      if (locked !== null) return e - s === locked ? frame(s, e) : bad(e);
      // Learning: this frame counts only if the one after it has the same length and both parse.
      if (e === buf.length) return bad(e); // flush, nothing after it to confirm it
      const e2 = endOf(buf, e, final);
      if (e2 < 0) return buf.length - e > maxLen ? bad(e) : { kind: 'more', keepFrom: s };
      if (e2 - e === e - s && isValid(buf, s, e) && isValid(buf, e, e2)) {
        locked = e - s;
        return frame(s, e);
      }
      return bad(e);
    },
    reset() {
      locked = typeof policy === 'number' ? policy : null;
    },
  };
}

export function decodeEqualsFrame(
  f: Uint8Array,
  raw: Uint8Array,
  fmt: EqualsFormat & { unit: Unit; mode: WeighMode },
): DecodeResult {
  if (f[0] !== EQ) return LAYOUT_ERROR;
  const body = parseEqualsBody(f, 0, f.length, fmt);
  if (!body) return LAYOUT_ERROR;
  // No motion or overload flags in these modes.
  const { magnitude, decimals, negative } = body;
  return { ok: true, reading: makeReading({ magnitude, decimals, negative, unit: fmt.unit, mode: fmt.mode, stable: null }, raw) };
}

export function createEqualsDecoder(variant: EqualsVariant, options: EqualsOptions = {}): FrameStream {
  const fmt = {
    variant,
    oneMeansNegative: options.oneMeansNegative ?? true,
    unit: options.unit ?? 'kg',
    mode: options.mode ?? 'gross',
  };
  const policy = options.frameLength ?? 'auto';
  if (typeof policy === 'number' && !(Number.isInteger(policy) && policy >= 3)) {
    throw new RangeError(`${variant}: frameLength must be an integer ≥ 3 (got ${policy})`);
  }
  const maxLen = Math.max(options.maxFrameBytes ?? 16, typeof policy === 'number' ? policy : 0);
  const framer = equalsFramer(policy, maxLen, (buf, s, e) => parseEqualsBody(buf, s, e, fmt) !== null);
  return new FrameStream({
    protocol: variant,
    framer,
    decode: (f, raw) => decodeEqualsFrame(f, raw, fmt),
    stripParity: options.stripParity,
    maxBufferBytes: options.maxBufferBytes,
  });
}
