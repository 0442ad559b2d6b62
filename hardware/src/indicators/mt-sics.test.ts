import { describe, expect, it } from 'vitest';
import { createDecoder, SICS_REQUEST, type MtSicsOptions } from './index.js';
import { bytes, decodeAll, expectSplitInvariant } from './test-support.js';

const sics = (o?: MtSicsOptions) => createDecoder('MT_SICS', o);
const line = (s: string) => bytes(s, '\r\n');

describe('MT_SICS replies from the spec', () => {
  it('decodes S S (stable) as the net weight, as MT-SICS defines S/SI', () => {
    const d = sics();
    expect(decodeAll(d, line('S S     100.00 kg'))).toEqual([
      {
        value: 100, unit: 'kg', valueKg: 100, mode: 'net', stable: true,
        overload: false, underload: false, negative: false, raw: line('S S     100.00 kg'),
      },
    ]);
    expect(d.stats).toEqual({ frames: 1, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 });
  });

  it('decodes S D (dynamic) as unstable, with a negative value and other units', () => {
    const out = decodeAll(sics(), line('S D      -12.5 kg'), line('S S      12.34 t'), line('S S    850.0 g'), line('S S 1 lb'));
    expect(out.map((r) => [r.stable, r.value, r.unit, r.valueKg])).toEqual([
      [false, -12.5, 'kg', null],
      [true, 12.34, 't', 12340],
      [true, 850, 'g', null],
      [true, 1, 'lb', null],
    ]);
  });

  it('S I (busy) is a valid reply that carries no weight', () => {
    const d = sics();
    expect(decodeAll(d, line('S I'))).toEqual([]);
    expect(d.stats).toMatchObject({ frames: 1, badLayout: 0, bytesDiscarded: 0 });
  });

  it('S + is overload and S - underload, with no number and the configured unit', () => {
    const [over, under] = decodeAll(sics({ unit: 't' }), line('S +'), line('S -'));
    expect(over).toMatchObject({ overload: true, underload: false, negative: false, stable: false, unit: 't', valueKg: null });
    expect(over?.value).toBeNaN();
    expect(under).toMatchObject({ overload: false, underload: true, negative: true, stable: false });
    expect(under?.value).toBeNaN();
  });

  it('reports the configured mode', () => {
    expect(decodeAll(sics({ mode: 'gross' }), line('S S 5 kg'))[0]?.mode).toBe('gross');
  });

  it.each(['S X     100.00 kg', 'S S     100.00 oz', 'S S     100.00kg', 'S S 1.2.3 kg', 'SI', 'S  S 1 kg', 'S', 'S S', 'ES', 's s 1 kg'])(
    'rejects %j',
    (text) => {
      const d = sics();
      expect(decodeAll(d, line(text))).toEqual([]);
      expect(d.stats).toMatchObject({ frames: 0, badLayout: 1 });
    },
  );

  it('exposes the host requests', () => {
    expect(SICS_REQUEST).toEqual({ immediate: 'SI\r\n', repeat: 'SIR\r\n' });
  });
});

describe('MT_SICS streaming', () => {
  it('decodes the same at every split point', () => {
    const stream = bytes(line('S S     100.00 kg'), 'garbage\r\n', line('S I'), line('S D      -12.5 kg'), line('S +'));
    const out = expectSplitInvariant(() => sics(), stream);
    expect(out.map((r) => r.overload)).toEqual([false, false, true]);
  });

  it('flush drops an unterminated reply', () => {
    const d = sics();
    expect(decodeAll(d, line('S S 1 kg'), bytes('S S 2'))).toHaveLength(1);
    expect(d.stats.bytesDiscarded).toBe(5);
  });
});
