import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { encodeStream, type IndicatorReading } from './index.js';
import { chunksOf } from './test-support.js';
import { createIndicatorTransform } from './transform.js';

async function collect(source: Readable, transform: ReturnType<typeof createIndicatorTransform>): Promise<IndicatorReading[]> {
  const out: IndicatorReading[] = [];
  await pipeline(source, transform, async (readings: AsyncIterable<IndicatorReading>) => {
    for await (const r of readings) out.push(r);
  });
  return out;
}

describe('IndicatorTransform', () => {
  it('turns piped byte chunks into reading objects, the last one on end', async () => {
    // tf=1 frames end only where the next one starts: the last is decided in _flush.
    const data = encodeStream('XK3190_TF1', [1, 2, 3].map((value) => ({ value, decimals: 2 })));
    const t = createIndicatorTransform('XK3190_TF1');
    const out = await collect(Readable.from(chunksOf(Buffer.from(data), 5)), t);
    expect(out.map((r) => r.value)).toEqual([1, 2, 3]);
    expect(t.decoder.stats.frames).toBe(3);
    expect(t.readableObjectMode).toBe(true);
  });

  it('uses the same decoder: garbage is counted, not emitted', async () => {
    const frame = encodeStream('XK3190_TF0', [{ value: 85 }]);
    const t = createIndicatorTransform('XK3190_TF0');
    const out = await collect(Readable.from([Buffer.from('garbage'), Buffer.from(frame)]), t);
    expect(out).toHaveLength(1);
    expect(t.decoder.stats.bytesDiscarded).toBe(7);
  });

  it('passes a decoder failure to the pipeline as an error', async () => {
    const t = createIndicatorTransform('ST_GS');
    t.decoder.push = () => {
      throw new Error('decoder broke');
    };
    await expect(collect(Readable.from([Buffer.from('x')]), t)).rejects.toThrow('decoder broke');
  });
});
