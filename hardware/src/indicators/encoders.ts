/**
 * Frame writers for every protocol, for simulators and tests. Each produces a
 * frame its decoder accepts; a reading the format cannot express (a tare-mode
 * Toledo frame, an overload in XK3190 tf=0, a number too wide for the field)
 * throws a RangeError instead of being written wrongly.
 */
import { ETX, STX, concatBytes, fromLatin1, hex2, withEvenParity, xorOf } from './bytes.js';
import { toledoChecksum } from './toledo-continuous.js';
import { formatScaled, scaleValue } from './reading.js';
import type { ProtocolName, Unit, WeighMode } from './types.js';

/** Reading-like input. Defaults: kg, gross, stable, in range, decimals inferred from `value`. */
export interface FrameInput {
  value: number;
  /** Digits shown after the point. Toledo also takes −1/−2 for its one/two fixed zeros. */
  decimals?: number;
  unit?: Unit;
  mode?: WeighMode;
  stable?: boolean | null;
  overload?: boolean;
  underload?: boolean;
  /** Sign shown even for a zero value. */
  negative?: boolean;
  /** Toledo tare field, same decimals as the weight (default 0). */
  tare?: number;
}

export interface EncodeOptions {
  /** TOLEDO_*: append the checksum byte (default true). A12: write A12E with the XOR (default false). */
  checksum?: boolean;
  /** TOLEDO_*: 'even' sets bit 7 as even parity, i.e. a 7-E-1 line read at 8 bits (default 'none'). */
  parity?: 'none' | 'even';
  /** A12E: first byte the XOR covers (default 0). */
  xorStart?: 0 | 1;
  /** XK3190_TF1/TF2: the negative sign character (default '-'). */
  negativeSign?: '-' | '1';
  /** XK3190_TF1/TF2: digits on the display (default 6). */
  digits?: number;
  /** ST_GS spacing variants (defaults: second comma, '+' sign, no space before the unit). */
  secondComma?: boolean;
  plusSign?: boolean;
  unitSpace?: boolean;
}

function inferDecimals(value: number, max: number): number {
  for (let d = 0; d <= max; d++) {
    const scaled = value * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6) return d;
  }
  throw new RangeError(`${value} needs more than ${max} decimals`);
}

function decimalsFor(input: FrameInput, min: number, max: number): number {
  const d = input.decimals ?? inferDecimals(input.value, max);
  if (!Number.isInteger(d) || d < min || d > max) throw new RangeError(`decimals must be ${min}..${max}, got ${d}`);
  return d;
}

const isNegative = (i: FrameInput): boolean => i.value < 0 || i.negative === true || i.underload === true;

function noRangeFlags(protocol: ProtocolName, i: FrameInput): void {
  if (i.overload || i.underload) throw new RangeError(`${protocol} frames carry no overload/underload flag`);
}

function encodeToledo(variant: ProtocolName, i: FrameInput, o: EncodeOptions): Uint8Array {
  const unit = i.unit ?? 'kg';
  if (unit === 'g') throw new RangeError('Toledo frames here express kg, lb or t only');
  if (i.mode === 'tare') throw new RangeError('Toledo continuous frames show gross or net only');
  const d = decimalsFor(i, -2, 5);
  const pad = variant === 'TOLEDO_8142' ? '0' : ' '; // 8142: "leading spaces are sent as '0'"
  const field = (v: number): string => {
    // Codes 0–1 (d < 0) show fixed zeros: the field holds the integer, rounded to them.
    const mag = d >= 0 ? scaleValue(v, d) : Math.round(Math.abs(v) / 10 ** -d) * 10 ** -d;
    const s = String(mag).padStart(6, pad);
    if (s.length > 6) throw new RangeError(`${v} does not fit Toledo's 6 digits`);
    return s;
  };
  const swa = 0x20 | 0x08 | (d + 2); // fixed bit 5, increment ×1, decimal code = d + 2
  const swb =
    0x20 |
    (i.mode === 'net' ? 0x01 : 0) |
    (isNegative(i) ? 0x02 : 0) |
    (i.overload || i.underload ? 0x04 : 0) |
    (i.stable === false ? 0x08 : 0) |
    (unit === 'lb' ? 0 : 0x10);
  const swc = 0x20 | (unit === 't' ? 2 : 0);
  const body = concatBytes(
    Uint8Array.of(STX, swa, swb, swc),
    fromLatin1(field(i.value) + field(i.tare ?? 0) + '\r'),
  );
  const frame = o.checksum === false ? body : concatBytes(body, Uint8Array.of(toledoChecksum(body)));
  return o.parity === 'even' ? withEvenParity(frame) : frame;
}

function encodeTf0(i: FrameInput): Uint8Array {
  noRangeFlags('XK3190_TF0', i);
  const d = decimalsFor(i, 0, 4);
  // Byte 8 is the count of decimals; the six digits carry no point.
  const body = `${isNegative(i) ? '-' : '+'}${formatScaled(scaleValue(i.value, d), 0, 6)}${d}`;
  const xor = xorOf(fromLatin1(body), 0, body.length);
  return concatBytes(fromLatin1(`\x02${body}${hex2(xor)}`), Uint8Array.of(ETX));
}

function encodeEquals(protocol: ProtocolName, i: FrameInput, o: EncodeOptions): Uint8Array {
  noRangeFlags(protocol, i);
  const digits = o.digits ?? 6;
  const d = decimalsFor(i, 0, digits - 1);
  const display = (isNegative(i) ? (o.negativeSign ?? '-') : '0') + formatScaled(scaleValue(i.value, d), d, digits);
  // tf=1 sends the display reversed, sign last; tf=2 as shown.
  return fromLatin1('=' + (protocol === 'XK3190_TF1' ? display.split('').reverse().join('') : display));
}

const A12_LETTER: Record<WeighMode, string> = { gross: 'w', net: 'n', tare: 't' };

function encodeA12(i: FrameInput, o: EncodeOptions): Uint8Array {
  let field: string;
  if (i.overload || i.underload) {
    field = (i.overload ? 'OL' : 'LO').padStart(7, ' ');
  } else {
    const d = decimalsFor(i, 0, 5);
    const neg = isNegative(i);
    const width = 7 - (neg ? 1 : 0) - (d > 0 ? 1 : 0); // the field is 7 chars with sign and point
    field = (neg ? '-' : '') + formatScaled(scaleValue(i.value, d), d, width);
  }
  const payload = fromLatin1(`w${A12_LETTER[i.mode ?? 'gross']}${field}${i.unit ?? 'kg'}`);
  const check = o.checksum ? hex2(xorOf(payload, o.xorStart ?? 0, payload.length)) : '';
  return concatBytes(payload, fromLatin1(check + '\r\n'));
}

const ST_GS_MODE: Record<WeighMode, string> = { gross: 'GS', net: 'NT', tare: 'TR' };

function encodeStGs(i: FrameInput, o: EncodeOptions): Uint8Array {
  const status = i.overload || i.underload ? 'OL' : i.stable === false ? 'US' : 'ST';
  const d = decimalsFor(i, 0, 5);
  const sign = isNegative(i) ? '-' : o.plusSign === false ? '' : '+';
  const value = formatScaled(scaleValue(i.value, d), d, d > 0 ? 6 : 7); // 7 chars, 8 with the sign
  const unit = (o.unitSpace ? ' ' : '') + (i.unit ?? 'kg');
  const comma = o.secondComma === false ? '' : ',';
  return fromLatin1(`${status},${ST_GS_MODE[i.mode ?? 'gross']}${comma}${sign}${value}${unit}\r\n`);
}

function encodeSics(i: FrameInput): Uint8Array {
  if (i.overload) return fromLatin1('S +\r\n');
  if (i.underload) return fromLatin1('S -\r\n');
  const d = decimalsFor(i, 0, 6);
  const mag = scaleValue(i.value, d);
  const text = (isNegative(i) ? '-' : '') + formatScaled(mag, d, Math.max(String(mag).length, d + 1));
  return fromLatin1(`S ${i.stable === false ? 'D' : 'S'} ${text.padStart(10, ' ')} ${i.unit ?? 'kg'}\r\n`);
}

export function encodeFrame(protocol: ProtocolName, input: FrameInput, options: EncodeOptions = {}): Uint8Array {
  switch (protocol) {
    case 'TOLEDO_CONTINUOUS':
    case 'TOLEDO_8142':
      return encodeToledo(protocol, input, options);
    case 'XK3190_TF0':
      return encodeTf0(input);
    case 'XK3190_TF1':
    case 'XK3190_TF2':
      return encodeEquals(protocol, input, options);
    case 'A12':
      return encodeA12(input, options);
    case 'ST_GS':
      return encodeStGs(input, options);
    case 'MT_SICS':
      return encodeSics(input);
    default: {
      const never: never = protocol;
      throw new RangeError(`unknown protocol ${String(never)}`);
    }
  }
}

/** Several frames back to back, as an indicator streams them. */
export function encodeStream(protocol: ProtocolName, inputs: readonly FrameInput[], options?: EncodeOptions): Uint8Array {
  const frames = inputs.map((i) => encodeFrame(protocol, i, options));
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}
