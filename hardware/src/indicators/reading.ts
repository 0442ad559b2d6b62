/** Building readings from scaled integers, so no decoder does float arithmetic on weights. */
import type { IndicatorReading, Unit, WeighMode } from './types.js';

export interface ReadingParts {
  /** Displayed digits as an integer, decimal point removed (e.g. "003.000" → 3000). */
  magnitude: number;
  /** Digits after the decimal point (e.g. "003.000" → 3). */
  decimals: number;
  negative: boolean;
  unit: Unit;
  mode: WeighMode;
  stable: boolean | null;
  overload?: boolean;
  underload?: boolean;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

function pow10(k: number): number {
  const p = POW10[k];
  if (p === undefined) throw new RangeError(`unsupported power of ten: ${k}`);
  return p;
}

/** kg per unit as a power of ten: t = 10^3 kg, g = 10^-3 kg. */
const KG_EXPONENT: Record<Exclude<Unit, 'lb'>, number> = { kg: 0, t: 3, g: -3 };

/**
 * `signed / 10^decimals` `unit` in kg, when that is a whole number of kg, else null.
 * Exact: integer arithmetic only. 1 lb = 0.45359237 kg exactly (international
 * yard and pound agreement, 1959), so a pound value is whole kg only rarely.
 */
export function kgFromScaled(signed: number, decimals: number, unit: Unit): number | null {
  if (signed === 0) return 0;
  if (unit === 'lb') {
    const num = BigInt(signed) * 45359237n;
    const den = 10n ** BigInt(8 + decimals);
    return num % den === 0n ? Number(num / den) : null;
  }
  const exp = KG_EXPONENT[unit] - decimals;
  if (exp >= 0) {
    const kg = signed * pow10(exp);
    return Number.isSafeInteger(kg) ? kg : null;
  }
  const div = pow10(-exp);
  return signed % div === 0 ? signed / div : null;
}

export function makeReading(p: ReadingParts, raw: Uint8Array): IndicatorReading {
  const signed = p.negative && p.magnitude !== 0 ? -p.magnitude : p.magnitude; // never -0
  return {
    value: signed / pow10(p.decimals),
    unit: p.unit,
    valueKg: kgFromScaled(signed, p.decimals, p.unit),
    mode: p.mode,
    stable: p.stable,
    overload: p.overload ?? false,
    underload: p.underload ?? false,
    negative: p.negative,
    raw,
  };
}

/** A reading for a display that shows no number (OL, LO, `S +`, `S -`). */
export function makeBlankReading(
  p: Omit<ReadingParts, 'magnitude' | 'decimals'>,
  raw: Uint8Array,
): IndicatorReading {
  return {
    value: Number.NaN,
    unit: p.unit,
    valueKg: null,
    mode: p.mode,
    stable: p.stable,
    overload: p.overload ?? false,
    underload: p.underload ?? false,
    negative: p.negative,
    raw,
  };
}

const DECIMAL_TEXT = /^(\d+)(?:\.(\d+))?$/;

/**
 * "003.000" → { magnitude: 3000, decimals: 3 }. Null for anything else or more than 15 digits.
 * (Callers copy the two fields rather than spread the object: spreading it costs microseconds in V8.)
 */
export function parseDecimal(text: string): { magnitude: number; decimals: number } | null {
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return null;
  const int = m[1]!;
  const frac = m[2] ?? '';
  if (int.length + frac.length > 15) return null;
  return { magnitude: Number(int + frac), decimals: frac.length };
}

/** |value| shown with `decimals` digits after the point, as an integer: (12.5, 2) → 1250. */
export function scaleValue(value: number, decimals: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite weight: ${value}`);
  return Math.round(Math.abs(value) * pow10(decimals));
}

/** An integer magnitude as display text with the point inserted: (1250, 2, 6) → "0012.50". */
export function formatScaled(magnitude: number, decimals: number, digits: number): string {
  if (decimals >= digits) throw new RangeError(`${decimals} decimals leave no integer digit in ${digits}`);
  const s = String(magnitude).padStart(digits, '0');
  if (s.length > digits) throw new RangeError(`${magnitude} does not fit in ${digits} digits`);
  return decimals > 0 ? `${s.slice(0, digits - decimals)}.${s.slice(digits - decimals)}` : s;
}
