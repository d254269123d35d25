/**
 * Throttles failed logins per username and per source address: after `failuresBeforeThrottle`
 * failures within `windowMs` for a username, or four times as many for an address (many users
 * may share one, behind NAT or a proxy), further attempts are refused until the window ends.
 * Memory is bounded: entries expire, and the oldest go first past `maxKeys`.
 */

/** How many more failures an address may have than a username. */
export const ADDRESS_LIMIT_FACTOR = 4;
export interface LoginThrottleOptions {
  /** Default 5. */
  failuresBeforeThrottle: number;
  /** Default 300000 (5 minutes). */
  windowMs: number;
  /** Default 100000 keys per kind. */
  maxKeys?: number;
}

interface Window {
  failures: number;
  startedAt: number;
}

class FailureCounter {
  readonly #windows = new Map<string, Window>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly maxKeys: number,
  ) {}

  /** Failures the key may still have in its window. */
  remaining(key: string, now: number): number {
    const window = this.#windows.get(key);
    if (window && now - window.startedAt >= this.windowMs) this.#windows.delete(key);
    return Math.max(0, this.limit - (this.#windows.get(key)?.failures ?? 0));
  }

  limited(key: string, now: number): boolean {
    return this.remaining(key, now) === 0;
  }

  fail(key: string, now: number): void {
    const window = this.#windows.get(key);
    if (window && now - window.startedAt < this.windowMs) {
      window.failures++;
      return;
    }
    this.#windows.delete(key);
    if (this.#windows.size >= this.maxKeys) this.#evictOldest();
    this.#windows.set(key, { failures: 1, startedAt: now });
  }

  /** Milliseconds left in the key's window, 0 when it has none. */
  endsIn(key: string, now: number): number {
    const window = this.#windows.get(key);
    return window ? Math.max(0, window.startedAt + this.windowMs - now) : 0;
  }

  clear(key: string): void {
    this.#windows.delete(key);
  }

  #evictOldest(): void {
    const oldest = this.#windows.keys().next();
    if (!oldest.done) this.#windows.delete(oldest.value);
  }
}

// Shortcoming: the counts live in this process; in a cluster each hub process counts on its
// own, so a guesser spread over N processes gets N times the allowance.
// Shortcoming: IPv6 clients are counted per address, and a host holding a /64 has many.
export class LoginThrottle {
  readonly #byUser: FailureCounter;
  readonly #byAddress: FailureCounter;

  constructor(options: LoginThrottleOptions) {
    const maxKeys = options.maxKeys ?? 100_000;
    const { failuresBeforeThrottle: limit, windowMs } = options;
    this.#byUser = new FailureCounter(limit, windowMs, maxKeys);
    this.#byAddress = new FailureCounter(limit * ADDRESS_LIMIT_FACTOR, windowMs, maxKeys);
  }

  /** True when this username or this address must wait. A limit of 0 turns throttling off. */
  /** True when this username or this address must wait. A limit of 0 turns throttling off. */
  isLimited(username: string, srcAddr: string, now = Date.now()): boolean {
    if (this.#byUser.limit <= 0) return false;
    return this.#byUser.limited(username, now) || this.#byAddress.limited(srcAddr, now);
  }

  /** Failures the username may still have; Infinity with throttling off. */
  userAllowance(username: string, now = Date.now()): number {
    return this.#byUser.limit <= 0 ? Infinity : this.#byUser.remaining(username, now);
  }

  /** Failures the address may still have; Infinity with throttling off. */
  addressAllowance(srcAddr: string, now = Date.now()): number {
    return this.#byUser.limit <= 0 ? Infinity : this.#byAddress.remaining(srcAddr, now);
  }

  recordFailure(username: string, srcAddr: string, now = Date.now()): void {
    this.#byUser.fail(username, now);
    this.#byAddress.fail(srcAddr, now);
  }

  /** Milliseconds until the username and the address may both try again. */
  retryAfterMs(username: string, srcAddr: string, now = Date.now()): number {
    return Math.max(this.#byUser.endsIn(username, now), this.#byAddress.endsIn(srcAddr, now));
  }

  /** A success clears the username's count (its address keeps its own). */
  recordSuccess(username: string): void {
    this.#byUser.clear(username);
  }
}
