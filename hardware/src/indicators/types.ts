/**
 * Shared types for weighing-indicator decoders.
 *
 * A decoder is split in two (STYLE.md item 1):
 *  - a `Framer` finds candidate frames in a byte buffer, checks start/end bytes
 *    and checksums, and says where to resynchronise after garbage;
 *  - a `FrameDecoder` turns one framed byte string into a reading (digits,
 *    sign, decimal point, status bits) or rejects its layout.
 * `FrameStream` (frame-stream.ts) glues the two together and owns the buffer.
 */

/** Protocol names, spelled exactly as in contracts' INDICATOR_PROTOCOLS. */
export const PROTOCOL_NAMES = [
  'TOLEDO_CONTINUOUS',
  'TOLEDO_8142',
  'XK3190_TF0',
  'XK3190_TF1',
  'XK3190_TF2',
  'A12',
  'ST_GS',
  'MT_SICS',
] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

export type Unit = 'kg' | 't' | 'lb' | 'g';
export type WeighMode = 'gross' | 'net' | 'tare';

export interface IndicatorReading {
  /** Weight in `unit`, as displayed. NaN when the indicator shows no number (OL/LO, `S +`, `S -`). */
  value: number;
  unit: Unit;
  /** `value` in kg when that is a whole number of kg (exact decimal arithmetic), else null. */
  valueKg: number | null;
  mode: WeighMode;
  /** false while the indicator flags motion; null when the format carries no motion flag. */
  stable: boolean | null;
  overload: boolean;
  underload: boolean;
  /** The indicator signalled a negative weight (it may do so for a displayed zero too). */
  negative: boolean;
  /** The exact bytes of the frame as received (parity bits included). */
  raw: Uint8Array;
}

export interface DecoderStats {
  /** Frames accepted (a frame may carry no weight, e.g. MT-SICS `S I`). */
  frames: number;
  badChecksum: number;
  badLayout: number;
  /** Every input byte not part of an accepted frame: garbage, rejected frames, a flushed tail. */
  bytesDiscarded: number;
}

export interface IndicatorDecoder {
  readonly protocol: ProtocolName;
  /** A snapshot of the counters. */
  readonly stats: DecoderStats;
  /** Bytes held back waiting for the rest of a frame. Bounded by `maxBufferBytes`. */
  readonly bufferedBytes: number;
  push(chunk: Uint8Array): IndicatorReading[];
  /** End of input: decode what can be decided without more bytes and drop the rest. */
  flush(): IndicatorReading[];
  /** Forget buffered bytes and anything auto-detected (checksum mode, frame length). Counters stay. */
  reset(): void;
}

export interface StreamOptions {
  /** Clear bit 7 of every byte before framing (7-E-1 line read as 8 bits). */
  stripParity?: boolean;
  /** Hard cap on bytes held between pushes. */
  maxBufferBytes?: number;
}

export type RejectReason = 'checksum' | 'layout';

/** What a framer found, scanning `buf` from index `from`. Indices are absolute. */
export type FrameScan =
  /** Bytes [from, keepFrom) are garbage; the rest may be the start of a frame: wait for more. */
  | { kind: 'more'; keepFrom: number }
  /** Bytes [from, resumeAt) are dropped without being counted as a bad frame. */
  | { kind: 'skip'; resumeAt: number }
  /** A candidate frame was rejected; bytes [from, resumeAt) are dropped. */
  | { kind: 'bad'; reason: RejectReason; resumeAt: number }
  /** buf[start, end) is a frame; if its layout is rejected, resume at `resumeOnReject`. */
  | { kind: 'frame'; start: number; end: number; resumeOnReject: number };

export interface Framer {
  /** `final` is true on flush: no more bytes will come. */
  scan(buf: Uint8Array, from: number, final: boolean): FrameScan;
  /** Bytes were lost (buffer cap hit): the next bytes may be the middle of a frame. */
  lostSync?(): void;
  reset?(): void;
}

export type DecodeResult =
  | { ok: true; reading: IndicatorReading | null }
  | { ok: false; reason: RejectReason };

/**
 * Decodes one framed byte string. `frame` is what the framer saw (parity
 * stripped if configured); `raw` is a private copy of the received bytes.
 */
export type FrameDecoder = (frame: Uint8Array, raw: Uint8Array) => DecodeResult;

export const LAYOUT_ERROR: DecodeResult = Object.freeze({ ok: false, reason: 'layout' });
export const CHECKSUM_ERROR: DecodeResult = Object.freeze({ ok: false, reason: 'checksum' });
