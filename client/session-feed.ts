/** The listeners of the `sessions` topic and what they are told. */
import type { ClearReason, WireSession } from '../protocol/index.ts';

/**
 * What a session listener receives:
 * - `created` / `cleared`: a session started or ended anywhere on the hub;
 * - `snapshot`: the full list again, after the client reconnected and subscribed anew (events
 *   may have been missed in between);
 * - `ended`: the subscription is over because the connection's user changed or its session
 *   ended, or it could not be resumed after a reconnect. No further calls follow.
 */
export type SessionFeedEvent =
  | { type: 'created'; session: WireSession }
  | { type: 'cleared'; session: WireSession; reason: ClearReason }
  | { type: 'snapshot'; sessions: WireSession[] }
  | { type: 'ended' };

export type SessionFeedListener = (event: SessionFeedEvent) => void;

/** The set of listeners, and whether the hub currently counts this connection a subscriber. */
export class SessionFeed {
  readonly #listeners = new Set<SessionFeedListener>();
  /** True while the hub holds a subscription for this connection. */
  live = false;

  get size(): number {
    return this.#listeners.size;
  }

  add(listener: SessionFeedListener): void {
    this.#listeners.add(listener);
  }

  /** Removes a listener; true when it was the last one. */
  remove(listener: SessionFeedListener): boolean {
    return this.#listeners.delete(listener) && this.#listeners.size === 0;
  }

  has(listener: SessionFeedListener): boolean {
    return this.#listeners.has(listener);
  }

  /** Tells every listener; a throwing listener is reported and does not stop the others. */
  deliver(event: SessionFeedEvent, onError: (error: unknown) => void): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        onError(error);
      }
    }
  }

  /** Ends the subscription: listeners hear `ended` once and are dropped. */
  end(onError: (error: unknown) => void): void {
    this.live = false;
    if (this.#listeners.size === 0) return;
    this.deliver({ type: 'ended' }, onError);
    this.#listeners.clear();
  }
}
