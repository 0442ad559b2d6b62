import { describe, expect, it } from 'vitest';
import { FrameStream } from './frame-stream.js';
import { createDecoder, PROTOCOL_NAMES, type FrameScan, type IndicatorReading } from './index.js';
import { makeReading } from './reading.js';
import { bytes } from './test-support.js';

const MiB = 1024 * 1024;

describe('memory stays bounded on endless garbage', () => {
  // Garbage that never completes a frame: no start byte at all, and nothing but start bytes.
  const garbages: [string, number][] = [
    ['letters, no STX, no "=", no LF', 0x41],
    ['only STX', 0x02],
    ['only "="', 0x3d],
    ['only "w"', 0x77],
  ];
  describe.each(PROTOCOL_NAMES)('%s', (protocol) => {
    it.each(garbages)('1 MiB of %s, in 4 KiB chunks', (_label, byte) => {
      const d = createDecoder(protocol);
      const chunk = new Uint8Array(4096).fill(byte);
      let maxHeld = 0;
      for (let sent = 0; sent < MiB; sent += chunk.length) {
        expect(d.push(chunk)).toEqual([]);
        maxHeld = Math.max(maxHeld, d.bufferedBytes);
      }
      expect(maxHeld).toBeLessThanOrEqual(64);
      expect(d.flush()).toEqual([]);
      expect(d.stats.bytesDiscarded).toBe(MiB);
      expect(d.stats.frames).toBe(0);
    });
  });
});

/** A framer that never finds a frame end, to exercise the FrameStream's own cap. */
function hoardingFramer() {
  const calls = { lostSync: 0 };
  return {
    calls,
    framer: {
      maxHoldBytes: 10,
      scan: (_buf: Uint8Array, from: number): FrameScan => ({ kind: 'more', keepFrom: from }),
      lostSync: () => {
        calls.lostSync++;
      },
    },
  };
}

describe('FrameStream', () => {
  it('drops what it holds past maxBufferBytes and tells the framer sync was lost', () => {
    const { framer, calls } = hoardingFramer();
    const s = new FrameStream({ protocol: 'A12', framer, decode: () => ({ ok: true, reading: null }), maxBufferBytes: 100 });
    s.push(new Uint8Array(60));
    expect([s.bufferedBytes, calls.lostSync]).toEqual([60, 0]);
    s.push(new Uint8Array(60));
    expect([s.bufferedBytes, calls.lostSync, s.stats.bytesDiscarded]).toEqual([0, 1, 120]);
  });

  it('refuses a cap smaller than the framer needs', () => {
    const { framer } = hoardingFramer();
    expect(() => new FrameStream({ protocol: 'A12', framer, decode: () => ({ ok: true, reading: null }), maxBufferBytes: 5 })).toThrow(
      /maxBufferBytes must be at least 10/,
    );
    expect(() => createDecoder('XK3190_TF0', { maxBufferBytes: 4 })).toThrow(RangeError);
  });

  it('throws instead of looping when a framer makes no progress', () => {
    const framer = { maxHoldBytes: 1, scan: (_b: Uint8Array, from: number): FrameScan => ({ kind: 'skip', resumeAt: from }) };
    const s = new FrameStream({ protocol: 'A12', framer, decode: () => ({ ok: true, reading: null }) });
    expect(() => s.push(bytes('x'))).toThrow(/no progress/);
  });

  it('gives each reading a private copy of its bytes, even from a reused Buffer', () => {
    const framer = {
      maxHoldBytes: 2,
      scan: (b: Uint8Array, from: number): FrameScan =>
        b.length - from >= 2 ? { kind: 'frame', start: from, end: from + 2, resumeOnReject: from + 1 } : { kind: 'more', keepFrom: from },
    };
    const decode = (_f: Uint8Array, raw: Uint8Array) => ({
      ok: true as const,
      reading: makeReading({ magnitude: 1, decimals: 0, negative: false, unit: 'kg', mode: 'gross', stable: null }, raw),
    });
    const s = new FrameStream({ protocol: 'A12', framer, decode });
    const buf = Buffer.from('ab');
    const [r] = s.push(buf) as [IndicatorReading];
    buf.write('zz');
    expect(Array.from(r.raw)).toEqual([0x61, 0x62]);
    expect(Buffer.isBuffer(r.raw)).toBe(false);
  });

  it('hands out stats as a snapshot', () => {
    const d = createDecoder('ST_GS');
    const snapshot = d.stats;
    d.push(bytes('ST,GS,+0085.00kg\r\n'));
    expect(snapshot.frames).toBe(0);
    expect(d.stats.frames).toBe(1);
  });

  it('reset() drops a held partial frame but keeps the counters', () => {
    const d = createDecoder('XK3190_TF0');
    d.push(bytes(0x02, '+0000'));
    expect(d.bufferedBytes).toBe(6);
    d.reset();
    expect(d.bufferedBytes).toBe(0);
    expect(d.push(bytes('850', '16', 0x03, 0x02, '+000085', '0', '16', 0x03)).map((r) => r.value)).toEqual([85]);
    expect(d.stats.frames).toBe(1);
  });
});
