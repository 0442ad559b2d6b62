/** Byte helpers shared by framers, decoders and encoders. */

export const STX = 0x02;
export const ETX = 0x03;
export const LF = 0x0a;
export const CR = 0x0d;

/** Bytes [start, end) as a Latin-1 string (every byte maps to one char, so regexes see the raw bytes). */
export function latin1(buf: Uint8Array, start = 0, end = buf.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

/** A Latin-1 string as bytes. Throws on chars above 0xFF so an encoder cannot emit garbage silently. */
export function fromLatin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`not a Latin-1 char: ${JSON.stringify(s[i])}`);
    out[i] = c;
  }
  return out;
}

export function xorOf(buf: Uint8Array, start: number, end: number): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= buf[i]!;
  return x;
}

const HEX_UPPER = '0123456789ABCDEF';

export function hex2(byte: number): string {
  return HEX_UPPER[(byte >> 4) & 0xf]! + HEX_UPPER[byte & 0xf]!;
}

/** Value of one upper-case hex digit byte, or -1. */
function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

/** Two upper-case hex chars at buf[i], buf[i+1] as a byte, or -1 if either is not [0-9A-F]. */
export function parseHex2(buf: Uint8Array, i: number): number {
  const hi = hexDigit(buf[i] ?? 0);
  const lo = hexDigit(buf[i + 1] ?? 0);
  return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
}

export function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/** A copy that is a plain Uint8Array even when `view` is a Node Buffer (whose slice() is a view). */
export function copyBytes(view: Uint8Array): Uint8Array {
  const out = new Uint8Array(view.length);
  out.set(view);
  return out;
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Set bit 7 so that each byte has even parity: what a 7-E-1 character looks like read as 8-N-1. */
export function withEvenParity(bytes: Uint8Array): Uint8Array {
  return bytes.map((b) => {
    let ones = 0;
    for (let v = b & 0x7f; v; v >>= 1) ones += v & 1;
    return (b & 0x7f) | (ones & 1 ? 0x80 : 0);
  });
}
