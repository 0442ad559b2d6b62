/** Weights are integers in kg everywhere. Anything above this is not a road vehicle. */
export const ABSURD_KG = 300_000;

/** OIML R76: an indicator may show up to Max + 9 e before it must blank. */
export function maxDisplayableKg(maxKg: number, divisionKg: number): number {
  return maxKg + 9 * divisionKg;
}
