/** Request ids and the calls waiting for their responses. */
import { MAX_REQUEST_ID } from '../protocol/index.ts';

export interface Pending {
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
}

/**
 * Allocates request ids and settles the calls waiting on them.
 * Shortcoming: no per-request timeout; on a silently dead network calls wait until the hub's
 * idle ping (two minutes) or the socket closes them.
 */
export class RequestTracker {
  readonly #waiting = new Map<number, Pending>();
  #lastId = 0;

  get size(): number {
    return this.#waiting.size;
  }

  /** Registers a call and returns its id: the next integer in 1..2^32-1 that is not in use. */
  add(pending: Pending): number {
    do {
      this.#lastId = this.#lastId >= MAX_REQUEST_ID ? 1 : this.#lastId + 1;
    } while (this.#waiting.has(this.#lastId));
    this.#waiting.set(this.#lastId, pending);
    return this.#lastId;
  }

  /** Removes and returns the call waiting on `id`, if any. */
  take(id: number): Pending | undefined {
    const pending = this.#waiting.get(id);
    this.#waiting.delete(id);
    return pending;
  }

  /** Rejects every waiting call with the error `make` builds. */
  rejectAll(make: () => Error): void {
    const all = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const pending of all) pending.reject(make());
  }
}
