import { describe, expect, it } from 'vitest';
import { FrameHealth } from './frame-health.js';

const good = (n = 1) => ({ frames: n, badChecksum: 0, badLayout: 0, bytesDiscarded: 0 });
const bad = (n = 1) => ({ frames: 0, badChecksum: n, badLayout: 0, bytesDiscarded: 12 * n });

describe('FrameHealth', () => {
  it('is healthy while frames arrive, and measures the rate over the window', () => {
    const h = new FrameHealth({ windowMs: 5000 });
    h.restart(0);
    for (let t = 100; t <= 10_000; t += 100) h.record(t, good());
    expect(h.verdict(10_000)).toEqual({ ok: true });
    expect(h.stats(10_000)).toMatchObject({ framesPerSecond: 10, frames: 100, lastFrameAt: 10_000, badShare: 0 });
  });

  it('faults after maxSilenceMs without a frame, counting from connect when none came', () => {
    const h = new FrameHealth({ maxSilenceMs: 2000 });
    h.restart(1000);
    expect(h.verdict(3000)).toEqual({ ok: true });
    expect(h.verdict(3001)).toMatchObject({ ok: false, reason: 'silent', detail: 'no frame since connecting for 2.0 s' });
    h.record(3500, good());
    expect(h.verdict(5500)).toEqual({ ok: true });
    expect(h.verdict(5600)).toMatchObject({ ok: false, reason: 'silent', detail: 'no frame for 2.1 s' });
  });

  it('faults when the bad share passes the threshold, and recovers when the bad frames leave the window', () => {
    const h = new FrameHealth({ windowMs: 1000, maxBadShare: 0.2, minBadFrames: 3 });
    h.restart(0);
    for (let t = 100; t <= 1000; t += 100) h.record(t, good());
    h.record(1000, bad(2));
    expect(h.verdict(1000)).toEqual({ ok: true }); // 2 bad: below minBadFrames
    h.record(1050, bad(2));
    expect(h.verdict(1050)).toMatchObject({ ok: false, reason: 'bad-frames' }); // 4 of 14
    for (let t = 1100; t <= 2100; t += 100) h.record(t, good());
    expect(h.verdict(2100)).toEqual({ ok: true });
    expect(h.stats(2100)).toMatchObject({ frames: 21, badChecksum: 4, bytesDiscarded: 48 });
  });

  it('optionally faults when the frame rate drops below the expected one', () => {
    const h = new FrameHealth({ windowMs: 2000, maxSilenceMs: 5000, minFramesPerSecond: 8 });
    h.restart(0);
    for (let t = 100; t <= 1500; t += 100) h.record(t, good());
    expect(h.verdict(1500)).toEqual({ ok: true }); // not a full window yet
    for (let t = 1750; t <= 4000; t += 250) h.record(t, good()); // 4 Hz
    expect(h.verdict(4000)).toEqual({ ok: false, reason: 'slow', detail: '4.0 frames/s, expected at least 8' });
  });
});
