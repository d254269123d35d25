/**
 * Lets at most `limit` logins with one key (a username, or a source address) be decided at
 * once; the others wait their turn. With the limit equal to the failures allowed before
 * throttling, a burst of concurrent guesses cannot all be tried before the first failures are
 * counted, while a burst of correct logins still succeeds, only queued.
 */
import { BusyError } from '../errors.ts';

interface Gate {
  running: number;
  waiting: Array<() => void>;
}

export class LoginGate {
  readonly #limit: number;
  readonly #maxWaiting: number;
  readonly #gates = new Map<string, Gate>();
  #waitingTotal = 0;

  /** `limit` 0 turns the gate off; `maxWaiting` bounds the queue over all keys. */
  constructor(limit: number, maxWaiting: number) {
    this.#limit = limit;
    this.#maxWaiting = maxWaiting;
  }

  /** Logins with this key holding a slot now. */
  running(key: string): number {
    return this.#gates.get(key)?.running ?? 0;
  }

  /** Resolves when the login may proceed, to a function that must be called when it is done. */
  async enter(key: string): Promise<() => void> {
    if (this.#limit <= 0) return () => {};
    let gate = this.#gates.get(key);
    if (!gate) this.#gates.set(key, (gate = { running: 0, waiting: [] }));
    if (gate.running >= this.#limit) {
      if (this.#waitingTotal >= this.#maxWaiting) throw new BusyError('too many logins queued');
      this.#waitingTotal++;
      await new Promise<void>((resolve) => gate.waiting.push(resolve));
      this.#waitingTotal--;
    } else {
      gate.running++;
    }
    return this.#leaver(key, gate);
  }

  #leaver(key: string, gate: Gate): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = gate.waiting.shift();
      if (next) return next(); // the slot passes straight to the next login
      gate.running--;
      if (gate.running === 0) this.#gates.delete(key);
    };
  }
}
