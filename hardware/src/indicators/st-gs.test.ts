import { describe, expect, it } from 'vitest';
import { createDecoder } from './index.js';
import { bytes, decodeAll, expectSplitInvariant } from './test-support.js';

const stGs = () => createDecoder('ST_GS');
const line = (s: string) => bytes(s, '\r\n');

describe('ST_GS lines from the spec', () => {
  it('decodes the canonical line', () => {
    const d = stGs();
    expect(decodeAll(d, line('ST,GS,+0085.00kg'))).toEqual([
      {
        value: 85, unit: 'kg', valueKg: 85, mode: 'gross', stable: true,
        overload: false, underload: false, negative: false, raw: line('ST,GS,+0085.00kg'),
      },
    ]);
    expect(d.stats).toEqual({ frames: 1, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 });
  });

  it('maps the header: ST/US stability, GS/NT/TR mode', () => {
    const out = decodeAll(stGs(), line('US,NT,-0001.20kg'), line('ST,TR,+0012.50kg'));
    expect(out.map((r) => [r.stable, r.mode, r.value, r.negative])).toEqual([
      [false, 'net', -1.2, true],
      [true, 'tare', 12.5, false],
    ]);
  });

  it('reads OL as out of range: overload when positive, underload when negative', () => {
    const [over, under] = decodeAll(stGs(), line('OL,GS,+9999999kg'), line('OL,GS,-0000100kg'));
    expect(over).toMatchObject({ overload: true, underload: false, stable: false, value: 9999999 });
    expect(under).toMatchObject({ overload: false, underload: true, stable: false, value: -100 });
  });

  it.each([
    ['second comma missing', 'ST,GS+0085.00kg', 85, 'kg'],
    ['sign missing', 'ST,GS,0085.00kg', 85, 'kg'],
    ['space before t', 'ST,GS,+0003.50 t', 3.5, 't'],
    ['space before kg', 'ST,GS,+0085.00 kg', 85, 'kg'],
    ['A&D two spaces before g', 'ST,GS,+00850.0  g', 850, 'g'],
    ['spaces padding the value', 'ST,GS,+   85.00kg', 85, 'kg'],
    ['spaces before the sign', 'ST,GS,   -85.00kg', -85, 'kg'],
    ['lb', 'ST,GS,+0085.00lb', 85, 'lb'],
    ['integer value', 'ST,GS,+0008520kg', 8520, 'kg'],
  ])('tolerates %s: %j', (_label, text, value, unit) => {
    const [r] = decodeAll(stGs(), line(text));
    expect(r).toMatchObject({ value, unit });
  });

  it('changes valueKg with the unit', () => {
    const out = decodeAll(stGs(), line('ST,GS,+0003.50 t'), line('ST,GS,+00850.0  g'), line('ST,GS,+0085.00lb'));
    expect(out.map((r) => r.valueKg)).toEqual([3500, null, null]);
  });

  it.each([
    'st,gs,+0085.00kg',
    'ST,GS,,+0085.00kg',
    'ST,XX,+0085.00kg',
    'XX,GS,+0085.00kg',
    'ST;GS;+0085.00kg',
    'ST,GS,+0085.00KG',
    'ST,GS,+0085.00',
    'ST,GS,+00 85.00kg',
    'ST,GS,+85.kg',
    'ST,GS,+.5kg',
    'ST,GS,+-85kg',
    'ST,GS,+0085.00   kg',
    'ST,GS,+0085.00kg extra',
    ' ST,GS,+0085.00kg',
    'ST,GS,+0085.00oz',
  ])('rejects %j', (text) => {
    const d = stGs();
    expect(decodeAll(d, line(text))).toEqual([]);
    expect(d.stats).toMatchObject({ frames: 0, badLayout: 1, bytesDiscarded: text.length + 2 });
  });
});

describe('ST_GS streaming', () => {
  it('resynchronises on the next line after garbage', () => {
    const d = stGs();
    const out = decodeAll(d, bytes('\x00\x13ST,GS,+00', '\xff\xfe\r\n'), line('US,GS,+0085.00kg'));
    expect(out.map((r) => r.stable)).toEqual([false]);
    expect(d.stats.badLayout).toBe(1);
  });

  it('decodes the same at every split point', () => {
    const stream = bytes(line('ST,GS,+0085.00kg'), 'noise\n', line('US,NT,-0001.20 kg'), line('OL,GS,+9999999kg'));
    expect(expectSplitInvariant(stGs, stream)).toHaveLength(3);
  });

  it('flush drops an unterminated line', () => {
    const d = stGs();
    expect(decodeAll(d, line('ST,GS,+0085.00kg'), bytes('ST,GS,+0086.00kg'))).toHaveLength(1);
    expect(d.stats).toMatchObject({ frames: 1, bytesDiscarded: 16 });
  });
});
