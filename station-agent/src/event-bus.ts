import type { AgentEvent } from './types.js';

type Listener = (e: AgentEvent) => void;

/** Typed in-process bus. A listener that throws is reported and never breaks the emitter. */
export class EventBus {
  private readonly listeners = new Set<Listener>();
  constructor(private readonly onListenerError: (err: unknown, e: AgentEvent) => void = () => undefined) {}

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: AgentEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.onListenerError(err, e);
      }
    }
  }
}
