/** What the agent needs from a weighing indicator, whatever carries its bytes (STYLE.md item 3). */
import type { FrameStats } from './frame-health.js';
import type { ScaleStateName } from './states.js';

export type { ScaleStateName };

export interface IndicatorStats extends FrameStats {
  state: ScaleStateName | 'stopped';
  /** Successful opens since start (1 = never reconnected). */
  connects: number;
  /** Failed opens and drops since the last healthy link. */
  failures: number;
}

/**
 * A weighing indicator. Constructing one does nothing; `start()` opens the
 * port (and resolves after the first attempt, open or not); `stop()` releases
 * it. Everything it learns goes to the agent's EventBus as AgentEvents:
 * `weight.sample` per frame, `scale.state` on every change of connected /
 * disconnected / fault. It never throws after `start()` resolves.
 */
export interface IndicatorSource {
  readonly lane: string;
  readonly state: ScaleStateName | 'stopped';
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): IndicatorStats;
}
