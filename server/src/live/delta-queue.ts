import type { ServerToClientEvents } from '@haulproof/contracts';

export type DeltaEvent = Exclude<keyof ServerToClientEvents, 'snapshot'>;
export interface Delta<E extends DeltaEvent = DeltaEvent> {
  event: E;
  payload: Parameters<ServerToClientEvents[E]>[0];
}

/** One thing on the client's screen: a ticket, a device or a station event. Later deltas for it replace earlier ones. */
function keyOf(d: Delta): string {
  if (d.event === 'device.status') return `device:${(d as Delta<'device.status'>).payload.deviceId}`;
  if (d.event === 'station.event') return `event:${(d as Delta<'station.event'>).payload.id}`;
  if (d.event === 'anomaly.raised' || d.event === 'anomaly.updated' || d.event === 'anomaly.left') return `anomaly:${(d as Delta<'anomaly.raised'>).payload.id}`;
  if (d.event === 'reconciliation.updated') return `reconciliation:${(d as Delta<'reconciliation.updated'>).payload.days.join(',')}`;
  return `ticket:${(d as Delta<'ticket.accepted'>).payload.id}`;
}

export type Drained = { kind: 'deltas'; deltas: Delta[] } | { kind: 'resync' };

/**
 * The deltas waiting for one socket, merged by id. A ticket accepted and then
 * voided inside one window goes out once, as `ticket.accepted` carrying the
 * voided view: the client has never seen it, and the view says it is void.
 * Otherwise the latest event and view win. Insertion order is kept.
 *
 * When the backlog outgrows `maxBacklog` (a replay of thousands of tickets),
 * sending it piecemeal would only flood the client, so the queue is dropped
 * and the caller sends a fresh snapshot instead.
 */
export class DeltaQueue {
  private pending = new Map<string, Delta>();
  private overflowed = false;

  constructor(
    private readonly maxPerFlush: number,
    private readonly maxBacklog: number,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  push(d: Delta): void {
    if (this.overflowed) return; // a snapshot is coming; it will include this
    const key = keyOf(d);
    const prior = this.pending.get(key);
    // never seen by the client: still news, whatever happened to it since
    const event = prior?.event === 'ticket.accepted' && d.event !== 'device.status' ? 'ticket.accepted' : prior?.event === 'anomaly.raised' && d.event === 'anomaly.updated' ? 'anomaly.raised' : d.event;
    this.pending.set(key, { event, payload: d.payload } as Delta);
    if (this.pending.size > this.maxBacklog) {
      this.pending.clear();
      this.overflowed = true;
    }
  }

  /** What to send now: up to `maxPerFlush` deltas, oldest first, or a request to resync. */
  drain(): Drained {
    if (this.overflowed) {
      this.overflowed = false;
      return { kind: 'resync' };
    }
    const deltas: Delta[] = [];
    for (const [key, d] of this.pending) {
      if (deltas.length >= this.maxPerFlush) break;
      deltas.push(d);
      this.pending.delete(key);
    }
    return { kind: 'deltas', deltas };
  }

  clear(): void {
    this.pending.clear();
    this.overflowed = false;
  }
}
