/**
 * Framing for R2000-module UHF readers (PROTOCOLS.md, "R2000-module readers"):
 *   A0 | Len | Addr | Cmd | Data… | Check
 * Len counts the bytes after itself (Addr, Cmd, Data and Check), so a frame is
 * Len + 2 bytes. Check is the two's complement of the sum of all preceding bytes.
 * This file only finds frames and checks them; r2000.ts says what they mean.
 */

export const R2000_HEAD = 0xa0;
/** Addr + Cmd + Check: the smallest legal Len. */
export const R2000_MIN_LEN = 3;

export interface R2000Frame {
  address: number;
  command: number;
  data: Uint8Array;
  /** The whole frame as received, head to check. */
  raw: Uint8Array;
}

export interface R2000Stats {
  frames: number;
  badChecksum: number;
  badLayout: number;
  /** Input bytes not part of an accepted frame (garbage, rejected frames, a flushed tail). */
  bytesDiscarded: number;
}

/** Two's complement of the byte sum of buf[start, end). */
export function r2000Checksum(buf: Uint8Array, start = 0, end = buf.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += buf[i]!;
  return -sum & 0xff;
}

export function encodeR2000Frame(address: number, command: number, data: Uint8Array | readonly number[] = []): Uint8Array {
  for (const [name, v] of [['address', address], ['command', command]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`${name} must be a byte, got ${v}`);
  }
  const len = data.length + R2000_MIN_LEN;
  if (len > 0xff) throw new RangeError(`R2000 data is at most ${0xff - R2000_MIN_LEN} bytes, got ${data.length}`);
  const out = new Uint8Array(len + 2);
  out.set([R2000_HEAD, len, address, command], 0);
  out.set(data, 4);
  out[out.length - 1] = r2000Checksum(out, 0, out.length - 1);
  return out;
}

const EMPTY = new Uint8Array(0);

/**
 * Streaming framer: push chunks, get checked frames. Garbage before a head byte
 * is dropped; a frame with a bad length or checksum is counted and scanning
 * resumes one byte after its head, because a real frame may start inside it.
 * Holds at most one maximal frame (257 bytes) between pushes.
 */
export class R2000FrameStream {
  private pending: Uint8Array = EMPTY;
  private readonly counts: R2000Stats = { frames: 0, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 };

  get stats(): R2000Stats {
    return { ...this.counts };
  }

  get bufferedBytes(): number {
    return this.pending.length;
  }

  push(chunk: Uint8Array): R2000Frame[] {
    const buf = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    const out: R2000Frame[] = [];
    let pos = 0;
    for (;;) {
      const s = buf.indexOf(R2000_HEAD, pos);
      if (s < 0) {
        this.counts.bytesDiscarded += buf.length - pos;
        pos = buf.length;
        break;
      }
      this.counts.bytesDiscarded += s - pos;
      pos = s;
      if (buf.length - s < 2) break; // need the length byte
      const len = buf[s + 1]!;
      if (len < R2000_MIN_LEN) {
        this.counts.badLayout++;
        this.counts.bytesDiscarded++;
        pos = s + 1;
        continue;
      }
      const end = s + len + 2;
      if (end > buf.length) break; // wait for the rest
      if (r2000Checksum(buf, s, end - 1) !== buf[end - 1]) {
        this.counts.badChecksum++;
        this.counts.bytesDiscarded++;
        pos = s + 1;
        continue;
      }
      const raw = buf.slice(s, end);
      out.push({ address: raw[2]!, command: raw[3]!, data: raw.subarray(4, raw.length - 1), raw });
      this.counts.frames++;
      pos = end;
    }
    this.pending = pos >= buf.length ? EMPTY : buf.slice(pos);
    return out;
  }

  /** End of input: whatever is held can never complete a frame. */
  flush(): void {
    this.counts.bytesDiscarded += this.pending.length;
    this.pending = EMPTY;
  }

  /** Forget held bytes (after a reconnect). Counters stay. */
  reset(): void {
    this.pending = EMPTY;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
