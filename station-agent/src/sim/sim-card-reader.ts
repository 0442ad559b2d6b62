/**
 * A simulated lane card reader (IC card or UHF windshield tag): it says what a
 * real reader adapter says on the bus (`reader.state`, `card.presented`,
 * `card.removed`) when the driver presents or takes away a card.
 */
import type { StartStop } from '../device-factory.js';
import { normaliseUid } from '../devices/card-reader.js';
import type { EventBus } from '../event-bus.js';
import type { Clock } from '../types.js';

export class SimulatedCardReader implements StartStop {
  private card: string | null = null;
  private running = false;

  constructor(
    readonly reader: string,
    private readonly bus: EventBus,
    private readonly clock: Clock = Date.now,
  ) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.bus.emit({ type: 'reader.state', reader: this.reader, state: 'ready', detail: 'simulated reader', at: this.clock() });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.remove();
    this.running = false;
    this.bus.emit({ type: 'reader.state', reader: this.reader, state: 'absent', detail: 'stopped', at: this.clock() });
  }

  /** The card currently on the reader. */
  get present(): string | null {
    return this.card;
  }

  /** A driver holds a card (UID as hex) to the reader; a card already there is taken away first. */
  presentCard(uid: string): void {
    const normal = normaliseUid(uid);
    if (!normal) throw new Error(`${uid} is not a card UID (hex)`);
    if (!this.running) return; // a stopped reader reads nothing
    if (this.card === normal) return;
    if (this.card) this.remove();
    this.card = normal;
    this.bus.emit({ type: 'card.presented', reader: this.reader, uid: normal, at: this.clock() });
  }

  remove(): void {
    const uid = this.card;
    this.card = null;
    if (uid && this.running) this.bus.emit({ type: 'card.removed', reader: this.reader, uid, at: this.clock() });
  }
}
