/**
 * The in-process event bus. Delivery is deferred to a later turn of the event loop so that a
 * request's response always goes out before the event it caused (PROTOCOL.md, "Events").
 */
import type { BusStatus, EventBus, SessionEvent, SessionEventListener } from './session-events.ts';

export class MemoryEventBus implements EventBus {
  readonly #listeners = new Set<SessionEventListener>();
  readonly #queue: SessionEvent[] = [];
  #scheduled = false;
  #closed = false;

  async publish(event: SessionEvent): Promise<void> {
    if (this.#closed) return;
    this.#queue.push(event);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#drain());
    }
  }

  #drain(): void {
    this.#scheduled = false;
    // One queue for every session keeps created before cleared for each of them.
    for (let event = this.#queue.shift(); event; event = this.#queue.shift()) {
      for (const listener of this.#listeners) listener(event);
    }
  }

  subscribe(listener: SessionEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onResync(): () => void {
    return () => {}; // nothing is ever missed in one process
  }

  status(): BusStatus {
    return this.#closed ? 'closed' : 'ready';
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
  }
}
