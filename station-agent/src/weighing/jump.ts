/**
 * PROTOCOLS.md anti-cheat practice: "flag any jump larger than k·e inside a 'stable' window".
 * A jump is a window that would otherwise look stable (flat plateaus, all in the weighing
 * range) but is cut by one sudden step: plateau → step → plateau (someone stepped on, a load
 * was dropped in) or plateau → spike → plateau (a kick, a hand on the deck). A ramp (a truck
 * rolling on or off) is not a jump: its readings between the steps are not flat.
 */
export interface Reading {
  at: number;
  kg: number;
}

export interface WeightJump {
  fromKg: number; // the plateau before the step
  toKg: number; // the reading after the step (the new plateau, or the spike)
  jumpKg: number;
  at: number; // time of the first reading after the step
}

export interface JumpRule {
  stepKg: number; // k·e: a step between consecutive readings larger than this cuts the window
  flatKg: number; // a plateau lies within ±1 e of its median
  plateauSamples: number; // readings needed on each outer plateau
  minKg: number; // weighing range: Min …
  maxKg: number; // … Max + 9 e
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
}

function isFlat(seg: Reading[], flatKg: number): boolean {
  const m = median(seg.map((r) => r.kg));
  return seg.every((r) => Math.abs(r.kg - m) <= flatKg);
}

/** The jump inside `window` (oldest first), or null. Pure; the caller de-duplicates by `at`. */
export function findJump(window: Reading[], rule: JumpRule): WeightJump | null {
  if (window.some((r) => r.kg < rule.minKg || r.kg > rule.maxKg)) return null;
  const segments: Reading[][] = [[]];
  let prev: Reading | undefined;
  for (const r of window) {
    if (prev && Math.abs(r.kg - prev.kg) > rule.stepKg) segments.push([]);
    segments[segments.length - 1]!.push(r);
    prev = r;
  }
  if (segments.length < 2 || segments.length > 3) return null;
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  if (first.length < rule.plateauSamples || last.length < rule.plateauSamples) return null;
  if (!segments.every((s) => isFlat(s, rule.flatKg))) return null;
  const fromKg = median(first.map((r) => r.kg));
  const after = segments[1]!;
  const toKg = median(after.map((r) => r.kg));
  return { fromKg, toKg, jumpKg: Math.abs(toKg - fromKg), at: after[0]!.at };
}
