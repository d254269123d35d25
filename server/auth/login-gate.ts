/**
 * Lets only as many logins with one key (a username, or a source address) be decided at once
 * as that key has failures left before throttling; the others wait their turn. Then a burst of
 * concurrent guesses cannot all be tried before the first failures are counted, while a burst
 * of correct logins still succeeds, only queued.
 */
import { BusyError } from '../errors.ts';

interface Gate {
  running: number;
  waiting: Array<() => void>;
}

/** Failures a key may still have in its window; Infinity when throttling is off. */
export type Allowance = (key: string) => number;

export class LoginGate {
  readonly #allowance: Allowance;
  readonly #maxWaiting: number;
  readonly #gates = new Map<string, Gate>();
  #waitingTotal = 0;

  /** `maxWaiting` bounds the queue over all keys. */
  constructor(allowance: Allowance, maxWaiting: number) {
    this.#allowance = allowance;
    this.#maxWaiting = maxWaiting;
  }

  /** Logins with this key holding a slot now. */
  running(key: string): number {
    return this.#gates.get(key)?.running ?? 0;
  }

  /**
   * How many may run now. At least one, even with no allowance left, so that waiting logins
   * come through one by one and are refused at once by the throttle check after the gate.
   */
  #slots(key: string): number {
    return Math.max(1, this.#allowance(key));
  }

  /** Resolves when the login may proceed, to a function that must be called when it is done. */
  async enter(key: string): Promise<() => void> {
    if (this.#allowance(key) === Infinity) return () => {};
    let gate = this.#gates.get(key);
    if (!gate) this.#gates.set(key, (gate = { running: 0, waiting: [] }));
    if (gate.running < this.#slots(key)) {
      gate.running++;
    } else {
      if (this.#waitingTotal >= this.#maxWaiting) throw new BusyError('too many logins queued');
      this.#waitingTotal++;
      await new Promise<void>((resolve) => gate.waiting.push(resolve));
      this.#waitingTotal--;
    }
    return this.#leaver(key, gate);
  }

  #leaver(key: string, gate: Gate): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      gate.running--;
      // The allowance may have grown (a success) or shrunk (a failure) meanwhile.
      while (gate.waiting.length > 0 && gate.running < this.#slots(key)) {
        gate.running++;
        gate.waiting.shift()!();
      }
      if (gate.running === 0) this.#gates.delete(key);
    };
  }
}
