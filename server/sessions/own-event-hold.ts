/**
 * Holds back this process's own events that come back through the bus before their publish
 * was acknowledged, so that a request's response always goes out before the event it caused
 * (PROTOCOL.md, "Events"). A session's later events queue behind a held one, in order.
 */
import type { SessionEvent } from '../events/session-events.ts';

export class OwnEventHold {
  // Publishes not yet acknowledged, by session id.
  readonly #publishing = new Map<string, Promise<void>>();
  readonly #held = new Map<string, SessionEvent[]>();

  /** Marks a publish as under way until `published` settles. */
  track(sessionId: string, published: Promise<void>): void {
    const settled = published.then(
      () => {},
      () => {},
    );
    this.#publishing.set(sessionId, settled);
    void settled.then(() => {
      if (this.#publishing.get(sessionId) === settled) this.#publishing.delete(sessionId);
    });
  }

  /** Applies an event from the bus now, or once its session's publish has settled. */
  route(event: SessionEvent, apply: (event: SessionEvent) => void): void {
    const id = event.session.id;
    const held = this.#held.get(id);
    if (held) return void held.push(event);
    const pending = this.#publishing.get(id);
    if (!pending) return apply(event);
    this.#held.set(id, [event]);
    void pending.then(() =>
      setImmediate(() => {
        const events = this.#held.get(id) ?? [];
        this.#held.delete(id);
        for (const each of events) apply(each);
      }),
    );
  }
}
