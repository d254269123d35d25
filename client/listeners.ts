/**
 * A small typed listener registry. Node's EventEmitter is not available in browsers, and the
 * client needs only on/off/emit.
 */

type Listener<A extends unknown[]> = (...args: A) => void;
// Stored untyped; `on` and `emit` pair each event name with its own argument types.
type AnyListener = (...args: unknown[]) => void;

/** Listener sets keyed by event name; `Events` maps each name to its argument tuple. */
export class Listeners<Events extends { [K in keyof Events]: unknown[] }> {
  readonly #sets = new Map<keyof Events, Set<AnyListener>>();

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#sets.get(event);
    if (set === undefined) {
      set = new Set();
      this.#sets.set(event, set);
    }
    set.add(listener as unknown as AnyListener);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#sets.get(event)?.delete(listener as unknown as AnyListener);
  }

  /**
   * Calls every listener of `event`. A listener that throws does not stop the others or the
   * client's own processing; its error is handed to `onError`.
   */
  emit<K extends keyof Events>(event: K, args: Events[K], onError: (error: unknown) => void): void {
    const set = this.#sets.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        onError(error);
      }
    }
  }
}
