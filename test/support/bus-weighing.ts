// Drives an in-process StationAgent's lane through its event bus, on a virtual
// clock: a card read, a truck settling at a weight, the deck returning to zero.
import type { StationAgent } from '../../station-agent/src/agent.js';

export class BusWeighing {
  constructor(
    private readonly agent: StationAgent,
    private readonly clock: { now: number },
    private readonly lane = 'L1',
    private readonly reader = 'r1',
  ) {}

  private sample(kg: number): void {
    this.agent.bus.emit({ type: 'weight.sample', sample: { lane: this.lane, at: this.clock.now, kg, motion: null, overload: false, underload: false, negative: false } });
  }

  /** One vehicle visit at 10 Hz: 3 s settled at `kg`, 1.5 s back at zero, 5 s before the next. */
  visit(cardUid: string, kg: number): void {
    this.agent.bus.emit({ type: 'card.presented', reader: this.reader, uid: cardUid, at: this.clock.now });
    for (let k = 0; k < 30; k++, this.clock.now += 100) this.sample(kg);
    for (let k = 0; k < 15; k++, this.clock.now += 100) this.sample(0);
    this.agent.bus.emit({ type: 'card.removed', reader: this.reader, uid: cardUid, at: this.clock.now });
    this.clock.now += 5_000;
  }
}

export const noDevice = () => ({ start: async () => undefined, stop: async () => undefined });
export const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
