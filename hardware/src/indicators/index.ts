/** Weighing-indicator decoders: pick one by protocol name, push bytes, get readings. */
import { createA12Decoder, type A12Options } from './a12.js';
import { createEqualsDecoder, type EqualsOptions } from './equals-mode.js';
import { createMtSicsDecoder, type MtSicsOptions } from './mt-sics.js';
import { createStGsDecoder, type StGsOptions } from './st-gs.js';
import { createToledoDecoder, type ToledoOptions } from './toledo-continuous.js';
import { PROTOCOL_NAMES, type IndicatorDecoder, type ProtocolName } from './types.js';
import { createXk3190Tf0Decoder, type Xk3190Options } from './xk3190.js';

export * from './types.js';
export { encodeFrame, encodeStream, type EncodeOptions, type FrameInput } from './encoders.js';
export type { A12Options, EqualsOptions, MtSicsOptions, StGsOptions, ToledoOptions, Xk3190Options };
export { SICS_REQUEST } from './mt-sics.js';

export interface DecoderOptionsByProtocol {
  TOLEDO_CONTINUOUS: ToledoOptions;
  TOLEDO_8142: ToledoOptions;
  XK3190_TF0: Xk3190Options;
  XK3190_TF1: EqualsOptions;
  XK3190_TF2: EqualsOptions;
  A12: A12Options;
  ST_GS: StGsOptions;
  MT_SICS: MtSicsOptions;
}

export function isProtocolName(name: unknown): name is ProtocolName {
  return typeof name === 'string' && (PROTOCOL_NAMES as readonly string[]).includes(name);
}

/**
 * A streaming decoder for `protocol`. Throws a RangeError naming the valid
 * protocols when `protocol` is not one (it often comes from configuration).
 */
export function createDecoder<P extends ProtocolName>(
  protocol: P,
  options?: DecoderOptionsByProtocol[P],
): IndicatorDecoder {
  const p: ProtocolName = protocol;
  switch (p) {
    case 'TOLEDO_CONTINUOUS':
    case 'TOLEDO_8142':
      return createToledoDecoder(p, options as ToledoOptions | undefined);
    case 'XK3190_TF0':
      return createXk3190Tf0Decoder(options as Xk3190Options | undefined);
    case 'XK3190_TF1':
    case 'XK3190_TF2':
      return createEqualsDecoder(p, options as EqualsOptions | undefined);
    case 'A12':
      return createA12Decoder(options as A12Options | undefined);
    case 'ST_GS':
      return createStGsDecoder(options as StGsOptions | undefined);
    case 'MT_SICS':
      return createMtSicsDecoder(options as MtSicsOptions | undefined);
    default: {
      const unknown: never = p;
      throw new RangeError(`unknown indicator protocol ${JSON.stringify(unknown)}; expected one of ${PROTOCOL_NAMES.join(', ')}`);
    }
  }
}
