/**
 * Mettler Toledo "Toledo Continuous" output, and the 8142 variant
 * (PROTOCOLS.md, "Mettler Toledo Toledo Continuous"):
 *   STX SWA SWB SWC <weight 6> <tare 6> CR [checksum]
 */
import { CR, STX } from './bytes.js';
import { FrameStream } from './frame-stream.js';
import { makeReading } from './reading.js';
import type { DecodeResult, FrameScan, Framer, StreamOptions, Unit } from './types.js';
import { LAYOUT_ERROR } from './types.js';

export type ToledoVariant = 'TOLEDO_CONTINUOUS' | 'TOLEDO_8142';

export interface ToledoOptions extends StreamOptions {
  /**
   * true: 18-byte frames, checksum verified. false: 17-byte frames.
   * 'auto' (default): a frame is taken as checksummed when byte 17 is its
   * checksum and byte 18 starts the next frame; from then on the checksum is
   * required. Until then a frame counts as unchecked only if the next frame
   * starts right after its CR (byte 17 = STX); anything else is a bad checksum.
   */
  checksum?: boolean | 'auto';
  /** Clear bit 7 before framing (default true: Toledo lines are often 7-E-1, and every Toledo char is 7-bit). */
  stripParity?: boolean;
}

const BODY = 17; // STX .. CR
const CHECKED = 18;

/** PROTOCOLS.md: checksum = (−Σ bytes 0..16) & 0x7F. */
export function toledoChecksum(buf: Uint8Array, start = 0): number {
  let sum = 0;
  for (let i = start; i < start + BODY; i++) sum += buf[i]!;
  return -sum & 0x7f;
}

function toledoFramer(checksum: boolean | 'auto'): Framer & { maxHoldBytes: number } {
  let required: boolean | null = checksum === 'auto' ? null : checksum; // null: still detecting
  const frame = (s: number, len: number): FrameScan => ({ kind: 'frame', start: s, end: s + len, resumeOnReject: s + 1 });
  // Resync one byte past the rejected STX: a frame cut short may hide the next STX inside this window.
  const bad = (reason: 'checksum' | 'layout', s: number): FrameScan => ({ kind: 'bad', reason, resumeAt: s + 1 });
  return {
    maxHoldBytes: CHECKED + 1,
    scan(buf, from, final) {
      const s = buf.indexOf(STX, from);
      if (s < 0) return { kind: 'more', keepFrom: buf.length };
      const avail = buf.length - s;
      if (avail < BODY) return { kind: 'more', keepFrom: s };
      if (buf[s + 16] !== CR) return bad('layout', s);
      if (required === false) return frame(s, BODY);
      if (required === true && avail < CHECKED) return { kind: 'more', keepFrom: s };
      if (required === null && avail < CHECKED + 1 && !final) return { kind: 'more', keepFrom: s };
      const cs = toledoChecksum(buf, s);
      const b17 = buf[s + 17];
      if (required === true) return b17 === cs ? frame(s, CHECKED) : bad('checksum', s);
      if (b17 === undefined) return frame(s, BODY); // flush: the stream ended after the CR
      const b18 = buf[s + 18];
      if (b17 === cs && b18 === STX) {
        required = true;
        return frame(s, CHECKED);
      }
      if (b17 === STX) return frame(s, BODY);
      if (b17 === cs) return frame(s, CHECKED);
      return bad('checksum', s);
    },
    reset() {
      required = checksum === 'auto' ? null : checksum;
    },
  };
}

/**
 * A 6-char digit field: right-aligned, space-padded (TOLEDO_CONTINUOUS) or
 * zero-padded (TOLEDO_8142: "leading spaces are sent as '0'"). The continuous
 * format also accepts zeros. Returns the integer, -1 if malformed, -2 if blank.
 */
function digitField(f: Uint8Array, at: number, variant: ToledoVariant): number {
  let i = at;
  if (variant === 'TOLEDO_CONTINUOUS') while (i < at + 6 && f[i] === 0x20) i++;
  if (i === at + 6) return -2;
  let n = 0;
  for (; i < at + 6; i++) {
    const d = f[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * SWB bit 4 picks kg/lb; SWC bits 0–2 name "another unit", of which PROTOCOLS.md
 * only defines 2 = t. Other codes name units we cannot express, so the frame is
 * refused rather than reported in the wrong unit.
 */
function toledoUnit(swb: number, swc: number): Unit | null {
  const other = swc & 0x07;
  if (other === 2) return 't';
  if (other !== 0) return null;
  return swb & 0x10 ? 'kg' : 'lb';
}

/** Decodes a framed 17/18-byte Toledo frame (parity already stripped). Bit 5 is never checked. */
export function decodeToledoFrame(f: Uint8Array, raw: Uint8Array, variant: ToledoVariant): DecodeResult {
  const swa = f[1]!;
  const swb = f[2]!;
  const swc = f[3]!;
  const weight = digitField(f, 4, variant);
  const tare = digitField(f, 10, variant);
  // A blank tare means "no tare" on some indicators; a blank weight is no number at all.
  if (weight < 0 || tare === -1) return LAYOUT_ERROR;
  const unit = toledoUnit(swb, swc);
  if (!unit) return LAYOUT_ERROR;
  // SWA bits 0–2: codes 0–2 are integer displays (fixed zeros are in the field),
  // code c ≥ 3 puts c−2 digits after the point.
  const code = swa & 0x07;
  const negative = (swb & 0x02) !== 0;
  // SWB bit 2 is "out of range (over or under)": the sign tells which.
  const outOfRange = (swb & 0x04) !== 0;
  const reading = makeReading(
    {
      magnitude: weight,
      decimals: code >= 3 ? code - 2 : 0,
      negative,
      unit,
      mode: swb & 0x01 ? 'net' : 'gross',
      stable: (swb & 0x08) === 0,
      overload: outOfRange && !negative,
      underload: outOfRange && negative,
    },
    raw,
  );
  return { ok: true, reading };
}

export function createToledoDecoder(variant: ToledoVariant, options: ToledoOptions = {}): FrameStream {
  return new FrameStream({
    protocol: variant,
    framer: toledoFramer(options.checksum ?? 'auto'),
    decode: (f, raw) => decodeToledoFrame(f, raw, variant),
    stripParity: options.stripParity ?? true,
    maxBufferBytes: options.maxBufferBytes,
  });
}
