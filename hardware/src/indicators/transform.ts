/**
 * A stream.Transform around a decoder, for `port.pipe(...)`: bytes in,
 * IndicatorReading objects out. It keeps no buffer of its own; the decoder
 * splits frames in _transform and decides the tail in _flush (STYLE.md item 1).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { createDecoder, type DecoderOptionsByProtocol } from './index.js';
import type { IndicatorDecoder, ProtocolName } from './types.js';

export class IndicatorTransform extends Transform {
  constructor(readonly decoder: IndicatorDecoder) {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.forward(() => this.decoder.push(chunk), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.forward(() => this.decoder.flush(), callback);
  }

  private forward(decode: () => ReturnType<IndicatorDecoder['push']>, callback: TransformCallback): void {
    let readings;
    try {
      readings = decode();
    } catch (err) {
      callback(err as Error);
      return;
    }
    for (const r of readings) this.push(r);
    callback();
  }
}

export function createIndicatorTransform<P extends ProtocolName>(
  protocol: P,
  options?: DecoderOptionsByProtocol[P],
): IndicatorTransform {
  return new IndicatorTransform(createDecoder(protocol, options));
}
