import { EventEmitter } from 'node:events';
import type { ServerToClientEvents } from '@haulproof/contracts';
import type { ResourceScope } from '../services/principal.js';

type EventName = keyof ServerToClientEvents;
export interface LiveMessage<E extends EventName = EventName> {
  event: E;
  payload: Parameters<ServerToClientEvents[E]>[0];
  scope: ResourceScope;
  /** Not to those who can also see this scope (they hear about it otherwise). */
  except?: ResourceScope;
}

/**
 * Services announce what happened here; the socket layer (live/socket.ts)
 * decides who hears it. Keeps socket.io out of the business rules.
 */
export class LivePublisher {
  private readonly bus = new EventEmitter();

  publish<E extends EventName>(event: E, payload: Parameters<ServerToClientEvents[E]>[0], scope: ResourceScope, except?: ResourceScope): void {
    this.bus.emit('message', { event, payload, scope, ...(except ? { except } : {}) } satisfies LiveMessage<E>);
  }

  subscribe(listener: (m: LiveMessage) => void): () => void {
    const safe = (m: LiveMessage) => {
      try {
        listener(m);
      } catch {
        // a failing listener must never break the request that published
      }
    };
    this.bus.on('message', safe);
    return () => this.bus.off('message', safe);
  }
}
