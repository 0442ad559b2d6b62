import type { Namespace } from 'socket.io';
import type { LaneFeedEvents } from '@haulproof/contracts';
import { canSee, roomsOf, type Principal, type ResourceScope } from '../services/principal.js';

/**
 * Relays a station's live lane feed to the people watching it. Live weights are not evidence and
 * go stale in a second, so they skip the merged delta queue of live/socket.ts and go out at once,
 * to the sockets in the site's rooms that `canSee` the site (the rooms are an index; canSee is the rule).
 */
export class LaneFeedRelay {
  constructor(private readonly people: Namespace) {}

  emit<E extends keyof LaneFeedEvents>(event: E, payload: Parameters<LaneFeedEvents[E]>[0], scope: ResourceScope): void {
    const seen = new Set<string>();
    for (const room of roomsOf(scope)) {
      for (const id of this.people.adapter.rooms.get(room) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        const socket = this.people.sockets.get(id);
        const principal = (socket?.data as { principal?: Principal } | undefined)?.principal;
        if (socket && principal && canSee(principal, scope)) (socket.emit as (e: string, p: unknown) => boolean)(event, payload);
      }
    }
  }
}

/**
 * At most one value per key per interval, and never a stale last word: the first value goes out at
 * once, later ones inside the interval replace each other and the latest goes out when it ends.
 * Used per lane so a 20 Hz indicator reaches screens at ≤ 5 updates/s with its final weight intact.
 */
export class Throttle<T> {
  private readonly keys = new Map<string, { lastAt: number; pending: T | null; timer: NodeJS.Timeout | null }>();

  constructor(
    private readonly intervalMs: number,
    private readonly send: (value: T) => void,
    private readonly now: () => number = Date.now,
  ) {}

  push(key: string, value: T): void {
    let k = this.keys.get(key);
    if (!k) this.keys.set(key, (k = { lastAt: -Infinity, pending: null, timer: null }));
    const wait = k.lastAt + this.intervalMs - this.now();
    if (wait <= 0 && !k.timer) {
      k.lastAt = this.now();
      this.send(value);
      return;
    }
    k.pending = value;
    const slot = k;
    slot.timer ??= setTimeout(() => {
      slot.timer = null;
      const v = slot.pending;
      slot.pending = null;
      if (v !== null) {
        slot.lastAt = this.now();
        this.send(v);
      }
    }, Math.max(wait, 0));
  }

  /** Drops whatever is pending (the source went away). */
  stop(): void {
    for (const k of this.keys.values()) if (k.timer) clearTimeout(k.timer);
    this.keys.clear();
  }
}
