/**
 * The "ST,GS" ASCII family (A&D and many Chinese indicators; PROTOCOLS.md):
 *   <ST|US|OL>,<GS|NT|TR>,<signed 8-char value><unit> CR LF
 */
import { FrameStream } from './frame-stream.js';
import { lineContent, lineFramer } from './line-framer.js';
import { makeReading, parseDecimal } from './reading.js';
import type { DecodeResult, StreamOptions, Unit, WeighMode } from './types.js';
import { LAYOUT_ERROR } from './types.js';

export interface StGsOptions extends StreamOptions {
  /** Longest line considered (default 40 bytes). */
  maxLineBytes?: number;
}

/**
 * PROTOCOLS.md: "Parse tolerantly with one anchored regular expression, and
 * reject anything else." Tolerated, because models differ: a missing second
 * comma, a missing sign, spaces padding the value (before or after the sign),
 * and zero to two spaces before the unit (`kg`, ` t`, ` kg`, A&D's `  g`).
 */
export const ST_GS_LINE = /^(ST|US|OL),(GS|NT|TR),? *([-+]?) *(\d{1,10}(?:\.\d{1,9})?) {0,2}(kg|lb|t|g)$/;

const MODES: Record<string, WeighMode> = { GS: 'gross', NT: 'net', TR: 'tare' };

export function decodeStGsLine(text: string, raw: Uint8Array): DecodeResult {
  const m = ST_GS_LINE.exec(text);
  if (!m) return LAYOUT_ERROR;
  const [, status, modeCode, sign, digits, unit] = m;
  const num = parseDecimal(digits!);
  if (!num) return LAYOUT_ERROR;
  const negative = sign === '-';
  // OL is a single "out of range" status; a negative value says it is under range.
  const outOfRange = status === 'OL';
  const reading = makeReading(
    {
      magnitude: num.magnitude,
      decimals: num.decimals,
      negative,
      unit: unit as Unit,
      mode: MODES[modeCode!]!,
      stable: status === 'ST',
      overload: outOfRange && !negative,
      underload: outOfRange && negative,
    },
    raw,
  );
  return { ok: true, reading };
}

export function createStGsDecoder(options: StGsOptions = {}): FrameStream {
  return new FrameStream({
    protocol: 'ST_GS',
    framer: lineFramer(options.maxLineBytes ?? 40),
    decode: (f, raw) => decodeStGsLine(lineContent(f), raw),
    stripParity: options.stripParity,
    maxBufferBytes: options.maxBufferBytes,
  });
}
