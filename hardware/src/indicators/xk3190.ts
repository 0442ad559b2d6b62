/**
 * Yaohua XK3190 / Keli continuous output, tf=0 (PROTOCOLS.md, "tf=0 (12 bytes)"):
 *   0x02, sign, 6 digits, decimals '0'..'4', 2 upper-case hex = XOR of bytes 1–8, 0x03
 * Example: '+' "000085" '0' → XOR 0x16 → 85 kg.
 */
import { ETX, STX, parseHex2, xorOf } from './bytes.js';
import { FrameStream } from './frame-stream.js';
import { makeReading } from './reading.js';
import type { DecodeResult, FrameScan, Framer, StreamOptions, Unit, WeighMode } from './types.js';
import { LAYOUT_ERROR } from './types.js';

export interface Xk3190Options extends StreamOptions {
  /** The frame carries no unit; the indicator's configured one (default kg). */
  unit?: Unit;
  /** The frame carries no gross/net flag (default gross). */
  mode?: WeighMode;
}

export const XK3190_TF0_LENGTH = 12;

function tf0Framer(): Framer & { maxHoldBytes: number } {
  // Resync one byte past a rejected STX: a frame cut short may hide the next STX in this window.
  const bad = (reason: 'checksum' | 'layout', s: number): FrameScan => ({ kind: 'bad', reason, resumeAt: s + 1 });
  return {
    maxHoldBytes: XK3190_TF0_LENGTH,
    scan(buf, from) {
      const s = buf.indexOf(STX, from);
      if (s < 0) return { kind: 'more', keepFrom: buf.length };
      if (buf.length - s < XK3190_TF0_LENGTH) return { kind: 'more', keepFrom: s };
      if (buf[s + 11] !== ETX) return bad('layout', s);
      const sent = parseHex2(buf, s + 9);
      if (sent < 0) return bad('layout', s); // not two upper-case hex chars
      if (sent !== xorOf(buf, s + 1, s + 9)) return bad('checksum', s);
      return { kind: 'frame', start: s, end: s + XK3190_TF0_LENGTH, resumeOnReject: s + 1 };
    },
  };
}

/** Decodes a framed, checksum-verified tf=0 frame. */
export function decodeXk3190Tf0Frame(f: Uint8Array, raw: Uint8Array, unit: Unit, mode: WeighMode): DecodeResult {
  const sign = f[1];
  if (sign !== 0x2b && sign !== 0x2d) return LAYOUT_ERROR; // '+' | '-'
  let magnitude = 0;
  for (let i = 2; i < 8; i++) {
    const d = f[i]! - 0x30;
    if (d < 0 || d > 9) return LAYOUT_ERROR;
    magnitude = magnitude * 10 + d;
  }
  // Byte 8 is the count of decimal places, not a seventh digit.
  const decimals = f[8]! - 0x30;
  if (decimals < 0 || decimals > 4) return LAYOUT_ERROR;
  // No motion flag in this format: the agent judges stability itself.
  const reading = makeReading({ magnitude, decimals, negative: sign === 0x2d, unit, mode, stable: null }, raw);
  return { ok: true, reading };
}

export function createXk3190Tf0Decoder(options: Xk3190Options = {}): FrameStream {
  const unit = options.unit ?? 'kg';
  const mode = options.mode ?? 'gross';
  return new FrameStream({
    protocol: 'XK3190_TF0',
    framer: tf0Framer(),
    decode: (f, raw) => decodeXk3190Tf0Frame(f, raw, unit, mode),
    stripParity: options.stripParity,
    maxBufferBytes: options.maxBufferBytes,
  });
}
