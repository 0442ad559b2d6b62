/** Framing for the line-based formats (A12, ST,GS, MT-SICS): one frame per LF-terminated line. */
import { CR, LF, latin1 } from './bytes.js';
import type { FrameScan, Framer } from './types.js';

export type LineFramer = Framer & { readonly maxHoldBytes: number };

/**
 * Splits on LF; the frame includes its terminator (CR LF, or a bare LF).
 * A line longer than `maxLineBytes` is counted once as a bad layout and
 * dropped up to its LF, because its start is gone and its tail must not be
 * parsed as a line of its own. Blank lines are skipped silently.
 */
export function lineFramer(maxLineBytes: number): LineFramer {
  let skipping = false;
  return {
    maxHoldBytes: maxLineBytes,
    scan(buf: Uint8Array, from: number): FrameScan {
      const lf = buf.indexOf(LF, from);
      if (lf < 0) {
        if (skipping) return { kind: 'more', keepFrom: buf.length };
        if (buf.length - from > maxLineBytes) {
          skipping = true;
          return { kind: 'bad', reason: 'layout', resumeAt: buf.length };
        }
        return { kind: 'more', keepFrom: from };
      }
      const end = lf + 1;
      if (skipping) {
        skipping = false;
        return { kind: 'skip', resumeAt: end };
      }
      if (end - from > maxLineBytes) return { kind: 'bad', reason: 'layout', resumeAt: end };
      const contentEnd = lf > from && buf[lf - 1] === CR ? lf - 1 : lf;
      if (contentEnd === from) return { kind: 'skip', resumeAt: end };
      return { kind: 'frame', start: from, end, resumeOnReject: end };
    },
    lostSync() {
      skipping = true;
    },
    reset() {
      skipping = false;
    },
  };
}

/** The text of a line frame without its CR LF / LF terminator, one char per byte. */
export function lineContent(frame: Uint8Array): string {
  let end = frame.length;
  if (frame[end - 1] === LF) end--;
  if (frame[end - 1] === CR) end--;
  return latin1(frame, 0, end);
}
