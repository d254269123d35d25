/** Reconnection delays: exponential backoff with jitter. */

/** How the client reconnects after losing its connection. */
export interface ReconnectOptions {
  /** Delay ceiling before the first retry, in milliseconds. @default 250 */
  initialDelayMs: number;
  /** Largest delay ceiling, in milliseconds. @default 10000 */
  maxDelayMs: number;
  /** Growth of the ceiling per failed attempt. @default 2 */
  factor: number;
  /** Attempts before giving up and closing; 0 means never give up. @default 0 */
  maxAttempts: number;
}

export const RECONNECT_DEFAULTS: Readonly<ReconnectOptions> = Object.freeze({
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  factor: 2,
  maxAttempts: 0,
});

/**
 * The delay before retry number `attempt` (0 for the first): a uniform draw between half the
 * ceiling and the ceiling. The jitter spreads the clients of a restarted hub over time instead
 * of having them all return at once; the lower half-bound keeps a client from retrying in a
 * tight loop.
 */
export function backoffDelay(
  options: ReconnectOptions,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** attempt);
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}
