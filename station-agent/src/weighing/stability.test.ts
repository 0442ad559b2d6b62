import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WeightSample } from '../types.js';
import { StabilityDetector, type StabilityOptions } from './stability.js';

// 60 t × 20 kg class III truck scale: Min = 20 e = 400 kg, Max + 9 e = 60 180 kg (PROTOCOLS.md)
const SCALE: StabilityOptions = { maxKg: 60_000, divisionKg: 20, minLoadKg: 400 };

let det: StabilityDetector;
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-03-01T00:00:00Z'));
  det = new StabilityDetector(SCALE, () => Date.now());
});
afterEach(() => vi.useRealTimers());

/** One frame 100 ms after the previous (10 Hz), on the fake clock. */
function frame(kg: number | null, more: Partial<WeightSample> = {}, gapMs = 100) {
  vi.advanceTimersByTime(gapMs);
  return det.push({ lane: 'L1', at: Date.now(), kg, motion: null, overload: false, underload: false, negative: false, ...more });
}

function feed(values: number[], more: Partial<WeightSample> = {}) {
  return values.map((kg) => frame(kg, more));
}

const noisy = (kg: number, n: number) => Array.from({ length: n }, (_, i) => kg + [0, 20, -20, 0, 20][i % 5]!);

describe('StabilityDetector', () => {
  it('defaults follow common practice: T = 2 s, N ≥ 10 from 10 Hz, gap 300 ms', () => {
    expect(det.windowMs).toBe(2000);
    expect(det.minSamples).toBe(16);
    expect(det.maxGapMs).toBe(300);
  });

  it('readings within ±1 e become stable once they span T, reported as the median on the e grid', () => {
    const results = feed(noisy(25_000, 20)); // 20 frames span 1.9 s
    expect(results.every((r) => !r.verdict.stable)).toBe(true);
    expect(results.at(-1)!.verdict).toMatchObject({ stable: false, reason: 'SHORT_WINDOW' });
    const { verdict } = frame(25_000); // the 21st frame: the run now spans 2.0 s
    expect(verdict).toMatchObject({ stable: true, kg: 25_000, samples: 21, spreadKg: 40 });
  });

  it('rounds the median to a multiple of e (OIML R76: at most 1 e from the final value)', () => {
    // half the frames read 25 000, half 25 020: the median 25 010 is not a displayable value
    const r = feed(Array.from({ length: 22 }, (_, i) => (i % 2 ? 25_020 : 25_000)));
    const v = r.at(-1)!.verdict;
    expect(v.stable).toBe(true);
    if (v.stable) expect(v.kg % 20).toBe(0);
  });

  it('a spread beyond ±1 e is not stable', () => {
    const r = feed(Array.from({ length: 30 }, (_, i) => 25_000 + (i % 2) * 60));
    expect(r.at(-1)!.verdict).toMatchObject({ stable: false, reason: 'SPREAD' });
  });

  it('the indicator motion flag blocks stability until the flagged frame leaves the window', () => {
    expect(feed(noisy(25_000, 40), { motion: true }).some((r) => r.verdict.stable)).toBe(false);
    frame(25_000, { motion: true });
    const after = feed(noisy(25_000, 20), { motion: false });
    expect(after.every((r) => !r.verdict.stable)).toBe(true);
    expect(after.at(-1)!.verdict).toMatchObject({ reason: 'MOTION' });
    expect(frame(25_000, { motion: false }).verdict.stable).toBe(true);
  });

  it('a ramp (vehicle driving on) is never stable and is not a jump', () => {
    const values = Array.from({ length: 80 }, (_, i) => 400 + i * 300);
    const r = feed(values);
    expect(r.some((x) => x.verdict.stable || x.jump)).toBe(false);
  });

  it('a steady value below the minimum load is never stable', () => {
    const r = feed(noisy(380, 40));
    expect(r.some((x) => x.verdict.stable)).toBe(false);
    expect(r.at(-1)!.verdict).toMatchObject({ reason: 'BELOW_MIN' });
  });

  it('a steady value above Max + 9 e is never stable; Max + 9 e itself is', () => {
    const over = feed(Array(40).fill(60_200));
    expect(over.some((x) => x.verdict.stable)).toBe(false);
    expect(over.at(-1)!.verdict).toMatchObject({ reason: 'ABOVE_MAX' });
    det = new StabilityDetector(SCALE, () => Date.now());
    expect(feed(Array(25).fill(60_180)).at(-1)!.verdict).toMatchObject({ stable: true, kg: 60_180 });
  });

  it('an overload, underload or empty frame breaks the run', () => {
    feed(Array(25).fill(25_000));
    expect(frame(25_000, { overload: true }).verdict).toMatchObject({ stable: false, reason: 'NO_WEIGHT' });
    expect(feed(Array(20).fill(25_000)).at(-1)!.verdict.stable).toBe(false);
    expect(frame(25_000).verdict.stable).toBe(true);
  });

  it('a gap in the frames blocks stability while it lies inside the window', () => {
    feed(Array(15).fill(25_000));
    const afterGap = frame(25_000, {}, 400); // 400 ms > 300 ms
    expect(afterGap.verdict.stable).toBe(false);
    const r = feed(Array(16).fill(25_000));
    expect(r.at(-1)!.verdict).toMatchObject({ stable: false, reason: 'GAP' });
    expect(feed(Array(5).fill(25_000)).at(-1)!.verdict.stable).toBe(true);
  });

  it('goes stale when frames stop (the clock ages the last reading)', () => {
    feed(Array(25).fill(25_000));
    expect(det.verdict().stable).toBe(true);
    vi.advanceTimersByTime(301);
    expect(det.verdict()).toMatchObject({ stable: false, reason: 'STALE' });
  });

  it('detects a step larger than k·e inside a window that otherwise looked stable, once', () => {
    feed(noisy(25_000, 25));
    const r = feed(noisy(25_200, 10)); // 10 e: someone stepped onto the deck
    const jumps = r.flatMap((x) => (x.jump ? [x.jump] : []));
    expect(jumps).toEqual([expect.objectContaining({ fromKg: 25_000, toKg: 25_200, jumpKg: 200 })]);
    expect(feed(noisy(25_200, 30)).some((x) => x.jump)).toBe(false); // the same jump is not reported again
  });

  it('detects a spike that returns to the plateau', () => {
    feed(noisy(25_000, 25));
    const spike = frame(25_300);
    const r = feed(noisy(25_000, 5));
    expect(spike.jump).toBeNull();
    expect(r.flatMap((x) => (x.jump ? [x.jump] : []))).toEqual([expect.objectContaining({ fromKg: 25_000, toKg: 25_300, jumpKg: 300 })]);
  });

  it('noise within ±1 e and steps of at most k·e are not jumps', () => {
    expect(feed(noisy(25_000, 60)).some((x) => x.jump)).toBe(false);
    expect(feed(noisy(25_100, 30)).some((x) => x.jump)).toBe(false); // 5 e: not larger than k·e
  });

  it('tracks the return to zero between vehicles', () => {
    expect(det.returnedToZero()).toBe(true); // nothing captured yet
    feed(Array(25).fill(25_000));
    det.markCaptured();
    expect(det.returnedToZero()).toBe(false);
    feed([12_000, 5_000, 420]);
    expect(det.returnedToZero()).toBe(false);
    feed([380]); // below Min: the default zero band
    expect(det.returnedToZero()).toBe(true);
    expect(det.deckEmpty()).toBe(true);
  });

  it('a configured zero band (±n e) is stricter than the minimum load', () => {
    det = new StabilityDetector({ ...SCALE, zeroBandE: 2 }, () => Date.now());
    det.markCaptured();
    feed([200, 100, 60]);
    expect(det.returnedToZero()).toBe(false); // mud on the deck: below Min but not at zero
    feed([-40]);
    expect(det.returnedToZero()).toBe(true);
  });
});
