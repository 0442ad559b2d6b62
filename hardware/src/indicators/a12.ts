/**
 * A12 family lines (PROTOCOLS.md, "A12 family"): `ww000.000kg`, `wn-0000.1kg`,
 * `wt000.000kg` + CR LF. A12E adds two upper-case hex chars (an XOR) before
 * CR LF, 15 bytes in all. Overload shows spaces + `OL`, below −20 d spaces + `LO`.
 */
import { fromLatin1, xorOf } from './bytes.js';
import { FrameStream } from './frame-stream.js';
import { lineContent, lineFramer } from './line-framer.js';
import { makeBlankReading, makeReading, parseDecimal } from './reading.js';
import type { DecodeResult, Framer, StreamOptions, Unit, WeighMode } from './types.js';
import { CHECKSUM_ERROR, LAYOUT_ERROR } from './types.js';

export interface A12Options extends StreamOptions {
  /**
   * A12E checksum. true: required on every line. false: not required, but
   * verified when present. 'auto' (default): as false until the first line with
   * a valid checksum, then required.
   */
  checksum?: boolean | 'auto';
  /**
   * First byte covered by the A12E XOR. "XOR over bytes 1–11" of a 15-byte line
   * counts the 11 bytes before the hex, i.e. from the first 'w' (0, default);
   * set 1 for indicators that leave out the leading 'w'.
   */
  xorStart?: 0 | 1;
  /** Longest line considered (default 40 bytes). */
  maxLineBytes?: number;
}

/**
 * One anchored pattern: 'w', mode letter, then either spaces + OL/LO or an
 * optionally signed number, then the unit, then the optional A12E hex pair.
 * The mode letter is g/n/t per the notes; the notes' own example `ww000.000kg`
 * uses 'w' for gross, so both are accepted.
 */
const A12_LINE = /^w([wgnt])(?: *(OL|LO)| *([-+]?) *(\d+(?:\.\d+)?))(kg|lb|t|g)([0-9A-F]{2})?$/;

const MODES: Record<string, WeighMode> = { w: 'gross', g: 'gross', n: 'net', t: 'tare' };

/** The XOR an A12E line carries for `payload` (the text before the hex pair). */
export function a12Xor(payload: Uint8Array, xorStart: 0 | 1 = 0): number {
  return xorOf(payload, xorStart, payload.length);
}

export function decodeA12Line(
  text: string,
  raw: Uint8Array,
  opts: { checksumRequired: boolean; xorStart: 0 | 1 },
): DecodeResult {
  const m = A12_LINE.exec(text);
  if (!m) return LAYOUT_ERROR;
  const [, modeLetter, blank, sign, digits, unitText, hex] = m;
  if (hex !== undefined) {
    const payload = fromLatin1(text.slice(0, -2));
    if (a12Xor(payload, opts.xorStart) !== Number.parseInt(hex, 16)) return CHECKSUM_ERROR;
  } else if (opts.checksumRequired) {
    return CHECKSUM_ERROR; // a checksum is expected and missing
  }
  const mode = MODES[modeLetter!]!;
  const unit = unitText as Unit;
  if (blank !== undefined) {
    // OL: over range. LO: "below −20 d", so the weight is negative.
    const under = blank === 'LO';
    const reading = makeBlankReading(
      { negative: under, unit, mode, stable: null, overload: !under, underload: under },
      raw,
    );
    return { ok: true, reading };
  }
  const num = parseDecimal(digits!);
  if (!num) return LAYOUT_ERROR;
  // A12 lines carry no motion flag.
  const reading = makeReading(
    { magnitude: num.magnitude, decimals: num.decimals, negative: sign === '-', unit, mode, stable: null },
    raw,
  );
  return { ok: true, reading };
}

export function createA12Decoder(options: A12Options = {}): FrameStream {
  const policy = options.checksum ?? 'auto';
  const xorStart = options.xorStart ?? 0;
  let required = policy === true;
  const lines = lineFramer(options.maxLineBytes ?? 40);
  const framer: Framer & { maxHoldBytes: number } = {
    maxHoldBytes: lines.maxHoldBytes,
    scan: (buf, from, final) => lines.scan(buf, from, final),
    lostSync: () => lines.lostSync?.(),
    reset: () => {
      lines.reset?.();
      required = policy === true;
    },
  };
  return new FrameStream({
    protocol: 'A12',
    framer,
    decode: (f, raw) => {
      const text = lineContent(f);
      const result = decodeA12Line(text, raw, { checksumRequired: required, xorStart });
      // 'auto': once a line has proved the indicator sends A12E checksums, insist on them.
      // (An accepted line ends in two hex chars only if it carried a checksum: no unit ends in one.)
      if (result.ok && policy === 'auto' && /[0-9A-F]{2}$/.test(text)) required = true;
      return result;
    },
    stripParity: options.stripParity,
    maxBufferBytes: options.maxBufferBytes,
  });
}
