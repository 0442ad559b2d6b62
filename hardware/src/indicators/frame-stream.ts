/**
 * The streaming half of every decoder: owns the byte buffer and the counters,
 * asks a Framer where frames are and a FrameDecoder what they mean.
 * Never holds more than `maxBufferBytes` between pushes, so a line of garbage
 * without a frame start cannot grow memory.
 */
import { concatBytes, copyBytes } from './bytes.js';
import type {
  DecoderStats,
  FrameDecoder,
  Framer,
  IndicatorDecoder,
  IndicatorReading,
  ProtocolName,
  RejectReason,
} from './types.js';

export const DEFAULT_MAX_BUFFER_BYTES = 4096;
const EMPTY = new Uint8Array(0);

export interface FrameStreamConfig {
  protocol: ProtocolName;
  framer: Framer & { readonly maxHoldBytes: number };
  decode: FrameDecoder;
  stripParity?: boolean;
  maxBufferBytes?: number;
}

export class FrameStream implements IndicatorDecoder {
  readonly protocol: ProtocolName;
  private readonly framer: FrameStreamConfig['framer'];
  private readonly decode: FrameDecoder;
  private readonly stripParity: boolean;
  private readonly maxBufferBytes: number;
  private pending: Uint8Array = EMPTY;
  private readonly counts: DecoderStats = { frames: 0, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 };

  constructor(cfg: FrameStreamConfig) {
    this.protocol = cfg.protocol;
    this.framer = cfg.framer;
    this.decode = cfg.decode;
    this.stripParity = cfg.stripParity ?? false;
    this.maxBufferBytes = cfg.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
    if (!(this.maxBufferBytes >= cfg.framer.maxHoldBytes)) {
      throw new RangeError(
        `${cfg.protocol}: maxBufferBytes must be at least ${cfg.framer.maxHoldBytes} (got ${cfg.maxBufferBytes})`,
      );
    }
  }

  get stats(): DecoderStats {
    return { ...this.counts };
  }

  get bufferedBytes(): number {
    return this.pending.length;
  }

  push(chunk: Uint8Array): IndicatorReading[] {
    return this.run(chunk, false);
  }

  flush(): IndicatorReading[] {
    return this.run(EMPTY, true);
  }

  reset(): void {
    this.pending = EMPTY;
    this.framer.reset?.();
  }

  private run(chunk: Uint8Array, final: boolean): IndicatorReading[] {
    const data = this.pending.length === 0 ? chunk : concatBytes(this.pending, chunk);
    const view = this.stripParity ? stripBit7(data) : data;
    const out: IndicatorReading[] = [];
    let pos = 0;
    while (pos < view.length) {
      const scan = this.framer.scan(view, pos, final);
      let next: number;
      if (scan.kind === 'more') {
        this.discard(scan.keepFrom - pos);
        pos = scan.keepFrom;
        break;
      } else if (scan.kind === 'skip') {
        next = scan.resumeAt;
      } else if (scan.kind === 'bad') {
        this.reject(scan.reason);
        next = scan.resumeAt;
      } else {
        const raw = copyBytes(data.subarray(scan.start, scan.end));
        const result = this.decode(view === data ? raw : view.subarray(scan.start, scan.end), raw);
        if (result.ok) {
          this.counts.frames++;
          this.discard(scan.start - pos);
          if (result.reading) out.push(result.reading);
          pos = scan.end;
          continue;
        }
        this.reject(result.reason);
        next = scan.resumeOnReject;
      }
      if (next <= pos) throw new Error(`${this.protocol}: framer made no progress at ${pos}`);
      this.discard(next - pos);
      pos = next;
    }
    this.keepTail(data, pos, final);
    return out;
  }

  private keepTail(data: Uint8Array, pos: number, final: boolean): void {
    const tail = data.length - pos;
    if (final || tail > this.maxBufferBytes) {
      this.discard(tail);
      this.pending = EMPTY;
      if (!final && tail > 0) this.framer.lostSync?.();
      return;
    }
    this.pending = tail === 0 ? EMPTY : copyBytes(data.subarray(pos));
  }

  private discard(n: number): void {
    this.counts.bytesDiscarded += n;
  }

  private reject(reason: RejectReason): void {
    if (reason === 'checksum') this.counts.badChecksum++;
    else this.counts.badLayout++;
  }
}

function stripBit7(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! & 0x7f;
  return out;
}
