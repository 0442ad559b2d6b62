/**
 * Test support: independent checks that a frame's raw bytes are a genuinely
 * valid frame of its protocol, restated from PROTOCOLS.md rather than taken
 * from the decoders, so the property tests do not grade the decoders by
 * their own rules.
 */
import type { ProtocolName } from './types.js';

const str = (raw: Uint8Array) => String.fromCharCode(...raw);

function toledoValid(raw: Uint8Array, checksum: boolean, zeroPadded: boolean): boolean {
  const s = str(raw.map((b) => b & 0x7f));
  if (raw.length !== (checksum ? 18 : 17) || s[0] !== '\x02' || s[16] !== '\r') return false;
  const weight = zeroPadded ? /^\d{6}$/ : /^ *\d+$/;
  const tare = zeroPadded ? /^\d{6}$/ : /^ *\d*$/;
  if (!weight.test(s.slice(4, 10)) || !tare.test(s.slice(10, 16))) return false;
  // With the checksum byte the sum of all 18 bytes is 0 mod 128: (Σ0..16 + (−Σ0..16 & 0x7F)) & 0x7F = 0.
  return !checksum || (raw.reduce((a, b) => a + (b & 0x7f), 0) & 0x7f) === 0;
}

function xorHexValid(s: string, from: number, to: number, hexAt: number): boolean {
  let x = 0;
  for (let i = from; i < to; i++) x ^= s.charCodeAt(i);
  return s.slice(hexAt, hexAt + 2) === x.toString(16).toUpperCase().padStart(2, '0');
}

export interface CheckOptions {
  checksum?: boolean;
}

/** Whether `raw` is a genuinely valid frame of `protocol` (with or without a checksum). */
export function isGenuineFrame(protocol: ProtocolName, raw: Uint8Array, o: CheckOptions = {}): boolean {
  const s = str(raw);
  switch (protocol) {
    case 'TOLEDO_CONTINUOUS':
      return toledoValid(raw, o.checksum ?? true, false);
    case 'TOLEDO_8142':
      return toledoValid(raw, o.checksum ?? true, true);
    case 'XK3190_TF0':
      return /^\x02[+-]\d{6}[0-4][0-9A-F]{2}\x03$/.test(s) && xorHexValid(s, 1, 9, 9);
    case 'XK3190_TF1':
      return /^=\d+(\.\d+)?[-01]$/.test(s); // reversed display, sign last
    case 'XK3190_TF2':
      return /^=[-01]\d+(\.\d+)?$/.test(s);
    case 'A12': {
      const m = /^(w[wgnt](?: *(?:OL|LO)| *[-+]? *\d+(?:\.\d+)?)(?:kg|lb|t|g))([0-9A-F]{2})?\r?\n$/.exec(s);
      if (!m) return false;
      if (m[2] === undefined) return !o.checksum;
      return xorHexValid(s, 0, m[1]!.length, m[1]!.length);
    }
    case 'ST_GS':
      return /^(ST|US|OL),(GS|NT|TR),? *[-+]? *\d+(\.\d+)? {0,2}(kg|lb|t|g)\r?\n$/.test(s);
    case 'MT_SICS':
      return /^S ([SD] +-?\d+(\.\d+)? (kg|lb|t|g)|[+-])\r?\n$/.test(s);
  }
}
