import { describe, expect, it } from 'vitest';
import {
  R2000Decoder,
  decodeR2000Frame,
  encodeInventoryEnd,
  encodeRealtimeInventory,
  encodeTagReport,
  type R2000Message,
} from './r2000.js';
import { R2000FrameStream } from './r2000-frame.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

// Worked examples (checksums computed independently of this code):
// the manual's real-time inventory command, one 96-bit tag on antenna 1, the end of the round.
const INVENTORY_CMD = hex('A0 04 01 89 01 D1');
const TAG = hex('A0 13 01 89 14 30 00 E2 00 00 17 22 11 01 44 18 90 AB CD 51 9D');
const ROUND_END = hex('A0 0A 01 89 00 00 1E 00 00 00 05 A9');
const EXPECTED_TAG = { kind: 'tag', address: 1, epc: 'e2000017221101441890abcd', rssi: -48, antenna: 1, frequencyIndex: 5, pc: 0x3000 };

function decodeAll(d: R2000Decoder, ...chunks: Uint8Array[]): R2000Message[] {
  return chunks.flatMap((c) => d.push(c));
}

describe('R2000 framing and decoding', () => {
  it('decodes a captured tag report', () => {
    const d = new R2000Decoder();
    expect(d.push(TAG)).toEqual([EXPECTED_TAG]);
    expect(d.stats).toEqual({ frames: 1, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 });
  });

  it('decodes the end of a round and an error reply', () => {
    const d = new R2000Decoder();
    const err = hex('A0 04 01 89 22'); // antenna missing
    const errFrame = Uint8Array.from([...err, -err.reduce((a, b) => a + b, 0) & 0xff]);
    expect(decodeAll(d, ROUND_END, errFrame)).toEqual([
      { kind: 'inventory-end', address: 1, antenna: 1, readRate: 30, totalRead: 5 },
      { kind: 'error', address: 1, command: 0x89, code: 0x22 },
    ]);
  });

  it('reassembles a frame split into single bytes', () => {
    const d = new R2000Decoder();
    const out = decodeAll(d, ...Array.from(TAG, (b) => Uint8Array.of(b)));
    expect(out).toEqual([EXPECTED_TAG]);
    expect(d.stats.bytesDiscarded).toBe(0);
  });

  it('resyncs after garbage, including a fake head byte with a long length', () => {
    const d = new R2000Decoder();
    const garbage = hex('00 FF A0 40 12 34 A0 01 55');
    // A0 40 claims 66 bytes: the tags behind it wait until that many arrive (a few ms at 115200 baud).
    const out = decodeAll(d, garbage, TAG, hex('13 37'), TAG);
    expect(out).toEqual([]);
    expect(decodeAll(d, TAG)).toEqual([EXPECTED_TAG, EXPECTED_TAG, EXPECTED_TAG]);
    const s = d.stats;
    expect(s.frames).toBe(3);
    expect(s.badLayout).toBeGreaterThanOrEqual(1); // A0 01: length below the minimum
    expect(s.badChecksum).toBeGreaterThanOrEqual(1); // A0 40 …: swallowed the first tag, failed its check
  });

  it('drops and counts a frame with a corrupt checksum, keeping the next one', () => {
    const bad = TAG.slice();
    bad[10] = bad[10]! ^ 0x01;
    const d = new R2000Decoder();
    expect(decodeAll(d, bad, TAG)).toEqual([EXPECTED_TAG]);
    expect(d.stats.badChecksum).toBe(1);
  });

  it('counts a 0x89 frame whose EPC is not whole words as a bad layout', () => {
    const d = new R2000Decoder();
    const odd = hex('A0 08 01 89 00 30 00 E2 51'); // one EPC byte
    const f = Uint8Array.from([...odd, -odd.reduce((a, b) => a + b, 0) & 0xff]);
    expect(d.push(f)).toEqual([]);
    expect(d.stats).toMatchObject({ frames: 0, badLayout: 1 });
  });

  it('passes through replies to other commands', () => {
    const f = new R2000FrameStream().push(hex('A0 04 01 72 10 D9'))[0]!; // get firmware version, checksum of A0 04 01 72 10
    expect(decodeR2000Frame(f)).toMatchObject({ kind: 'other', frame: { command: 0x72 } });
  });

  it('holds at most one frame and discards the tail on flush', () => {
    const d = new R2000FrameStream();
    d.push(TAG.subarray(0, 10));
    expect(d.bufferedBytes).toBe(10);
    d.flush();
    expect(d.bufferedBytes).toBe(0);
    expect(d.stats.bytesDiscarded).toBe(10);
  });

  it('finds no tag in a million random bytes (seeded)', () => {
    let a = 12345;
    const rand = (): number => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0), a >>> 24);
    const d = new R2000Decoder();
    let tags = 0;
    for (let i = 0; i < 1000; i++) {
      const chunk = new Uint8Array(1000).map(() => rand());
      tags += d.push(chunk).filter((m) => m.kind === 'tag').length;
    }
    // A random frame passes the 8-bit check 1 time in 256; the EPC-length rule and the
    // command byte keep almost all of those out, but not all: the check is only 8 bits.
    expect(tags).toBeLessThan(5);
    expect(d.stats.badChecksum).toBeGreaterThan(3000);
  });
});

describe('R2000 encoders', () => {
  it('writes the manual’s inventory command', () => {
    expect(encodeRealtimeInventory(1, 1)).toEqual(INVENTORY_CMD);
  });

  it('writes tag reports and round ends the decoder reads back', () => {
    expect(encodeTagReport({ epc: 'E2000017221101441890ABCD', rssi: -48, antenna: 1, frequencyIndex: 5 })).toEqual(TAG);
    expect(encodeInventoryEnd({ readRate: 30, totalRead: 5 })).toEqual(ROUND_END);
    const d = new R2000Decoder();
    expect(d.push(encodeTagReport({ epc: '3034257bf7194e4000001a85', antenna: 4, rssi: -70 }))).toEqual([
      { kind: 'tag', address: 1, epc: '3034257bf7194e4000001a85', rssi: -70, antenna: 4, frequencyIndex: 0, pc: 0x3000 },
    ]);
  });

  it('refuses what the frame cannot carry', () => {
    expect(() => encodeTagReport({ epc: 'abc' })).toThrow(RangeError);
    expect(() => encodeTagReport({ epc: 'abcd', antenna: 5 })).toThrow(RangeError);
    expect(() => encodeTagReport({ epc: 'abcd', rssi: 200 })).toThrow(RangeError);
  });
});
