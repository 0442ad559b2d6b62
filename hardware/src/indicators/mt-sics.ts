/**
 * MT-SICS replies (PROTOCOLS.md, "MT-SICS (request/response)"). The host sends
 * `SI` or `SIR` + CR LF; this decodes what comes back:
 *   `S S <value> <unit>` stable, `S D <value> <unit>` dynamic,
 *   `S I` busy (no weight), `S +` overload, `S -` underload.
 */
import { FrameStream } from './frame-stream.js';
import { lineContent, lineFramer } from './line-framer.js';
import { makeBlankReading, makeReading, parseDecimal } from './reading.js';
import type { DecodeResult, StreamOptions, Unit, WeighMode } from './types.js';
import { LAYOUT_ERROR } from './types.js';

export interface MtSicsOptions extends StreamOptions {
  /**
   * The reply has no gross/net field. MT-SICS defines S/SI/SIR as "the current
   * net weight value", which equals gross while no tare is set. Default 'net'.
   */
  mode?: WeighMode;
  /** Unit reported with `S +` / `S -`, which carry none (default kg). */
  unit?: Unit;
  /** Longest line considered (default 40 bytes). */
  maxLineBytes?: number;
}

/** The weight value is right-aligned in a space-padded field; the unit follows after a space. */
const WEIGHT_REPLY = /^S ([SD]) +(-?)(\d{1,10}(?:\.\d{1,9})?) (kg|lb|t|g)$/;
const STATUS_REPLY = /^S ([I+-])$/;

/** The requests a host sends (for simulators and for the agent's poller). */
export const SICS_REQUEST = { immediate: 'SI\r\n', repeat: 'SIR\r\n' } as const;

export function decodeSicsLine(
  text: string,
  raw: Uint8Array,
  opts: { mode: WeighMode; unit: Unit },
): DecodeResult {
  const w = WEIGHT_REPLY.exec(text);
  if (w) {
    const [, status, sign, digits, unit] = w;
    const num = parseDecimal(digits!);
    if (!num) return LAYOUT_ERROR;
    const reading = makeReading(
      {
        magnitude: num.magnitude,
        decimals: num.decimals,
        negative: sign === '-',
        unit: unit as Unit,
        mode: opts.mode,
        stable: status === 'S',
      },
      raw,
    );
    return { ok: true, reading };
  }
  const s = STATUS_REPLY.exec(text);
  if (!s) return LAYOUT_ERROR;
  // `S I`: "command not executable" (busy, or no stability reached). A valid reply, but no weight.
  if (s[1] === 'I') return { ok: true, reading: null };
  const over = s[1] === '+';
  // Out of range is never a stable weight, so stable is false rather than "no flag".
  const reading = makeBlankReading(
    { negative: !over, unit: opts.unit, mode: opts.mode, stable: false, overload: over, underload: !over },
    raw,
  );
  return { ok: true, reading };
}

export function createMtSicsDecoder(options: MtSicsOptions = {}): FrameStream {
  const opts = { mode: options.mode ?? 'net', unit: options.unit ?? 'kg' };
  return new FrameStream({
    protocol: 'MT_SICS',
    framer: lineFramer(options.maxLineBytes ?? 40),
    decode: (f, raw) => decodeSicsLine(lineContent(f), raw, opts),
    stripParity: options.stripParity,
    maxBufferBytes: options.maxBufferBytes,
  });
}
