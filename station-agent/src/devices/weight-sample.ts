/** An indicator reading as the agent sees it: integer kg or null (types.ts WeightSample). */
import type { IndicatorReading } from '@haulproof/hardware';
import type { WeightSample } from '../types.js';

/** 1 lb = 0.45359237 kg exactly (international yard and pound agreement, 1959). */
const KG_PER_UNIT = { kg: 1, t: 1000, g: 0.001, lb: 0.45359237 } as const;

/**
 * kg as an integer, or null when the indicator shows no usable number
 * (overload, underload, blank display). The decoder gives exact kg when the
 * display is a whole number of kg; otherwise (pounds, grams, a ton display
 * with more decimals than kg) the value is rounded to the nearest kg. The
 * pound is not a legal unit of measurement in China, so a lb display is
 * converted for display and stability only; the division check belongs to
 * the weighing logic.
 */
export function readingKg(r: IndicatorReading): number | null {
  if (r.overload || r.underload || !Number.isFinite(r.value)) return null;
  if (r.valueKg !== null) return r.valueKg;
  const kg = Math.round(r.value * KG_PER_UNIT[r.unit]);
  return Object.is(kg, -0) ? 0 : kg;
}

export function toWeightSample(lane: string, at: number, r: IndicatorReading): WeightSample {
  return {
    lane,
    at,
    kg: readingKg(r),
    motion: r.stable === null ? null : !r.stable,
    overload: r.overload,
    underload: r.underload,
    negative: r.negative,
  };
}
