/**
 * MT-SICS is request/response (PROTOCOLS.md): the host asks with `SIR` (send
 * weight repeatedly) once, or with `SI` (send weight now) on a timer.
 */
import { SICS_REQUEST } from '@haulproof/hardware';
import type { Timers } from './timers.js';

export type SicsMode = { mode: 'repeat' } | { mode: 'poll'; intervalMs: number };

const REPEAT = Buffer.from(SICS_REQUEST.repeat, 'latin1');
const IMMEDIATE = Buffer.from(SICS_REQUEST.immediate, 'latin1');

export class SicsPoller {
  private timer: unknown = null;

  constructor(
    private readonly mode: SicsMode,
    private readonly timers: Timers,
    private readonly write: (data: Uint8Array) => void,
  ) {}

  /** The link is up: ask. */
  begin(): void {
    this.end();
    if (this.mode.mode === 'repeat') {
      this.write(REPEAT);
      return;
    }
    this.write(IMMEDIATE);
    this.timer = this.timers.setInterval(() => this.write(IMMEDIATE), this.mode.intervalMs);
  }

  /** The indicator went quiet (power-cycled, or it forgot SIR): ask again. */
  nudge(): void {
    this.write(this.mode.mode === 'repeat' ? REPEAT : IMMEDIATE);
  }

  end(): void {
    if (this.timer !== null) this.timers.clearInterval(this.timer);
    this.timer = null;
  }
}
