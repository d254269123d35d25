/**
 * Tries the configured mechanisms in order (CONFIG.md, "Order and fallback"): the first that
 * gives an answer decides; the next is tried only when no server of the earlier one answered.
 * Failed logins are throttled per username and per source address.
 */
import pino, { type Logger } from 'pino';
import type { Mechanism } from '../../protocol/index.ts';
import { AuthUnavailableError, BusyError, RateLimitedError } from '../errors.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { AuthAttempt, AuthMechanism } from './mechanism.ts';
import type { LoginGate } from './login-gate.ts';

export interface AuthenticatedUser {
  username: string;
  readWrite: boolean;
  mechanism: Mechanism;
  authInfo?: string;
}

export interface AuthenticatorOptions {
  mechanisms: AuthMechanism[];
  throttle: LoginThrottle;
  /** Logins decided at once per username and per source address; the others queue. */
  gates: { user: LoginGate; address: LoginGate };
  logger?: Logger;
}

export class Authenticator {
  readonly #mechanisms: AuthMechanism[];
  readonly #throttle: LoginThrottle;
  readonly #gates: { user: LoginGate; address: LoginGate };
  readonly #log: Logger;

  constructor(options: AuthenticatorOptions) {
    this.#mechanisms = options.mechanisms;
    this.#throttle = options.throttle;
    this.#gates = options.gates;
    this.#log = options.logger ?? pino({ level: 'silent' });
  }

  get mechanismNames(): Mechanism[] {
    return this.#mechanisms.map((m) => m.name);
  }

  /**
   * Resolves to the user, or null for wrong credentials. Rejects with RateLimitedError,
   * AuthUnavailableError or BusyError.
   */
  async authenticate(attempt: AuthAttempt): Promise<AuthenticatedUser | null> {
    const { username, srcAddr } = attempt;
    if (this.#throttle.isLimited(username, srcAddr)) {
      this.#log.warn({ username, srcAddr }, 'login refused: too many failures');
      throw this.#rateLimited(username, srcAddr);
    }
    const leaveAddress = await this.#gates.address.enter(srcAddr);
    let leaveUser: (() => void) | undefined;
    try {
      leaveUser = await this.#gates.user.enter(username);
      // Checked again: failures may have been counted while this login waited its turn.
      if (this.#throttle.isLimited(username, srcAddr)) throw this.#rateLimited(username, srcAddr);
      return await this.#decide(attempt);
    } finally {
      leaveUser?.();
      leaveAddress();
    }
  }

  #rateLimited(username: string, srcAddr: string): RateLimitedError {
    const seconds = Math.ceil(this.#throttle.retryAfterMs(username, srcAddr) / 1000);
    const wait = seconds > 0 ? `retry in ${seconds} s` : 'retry shortly';
    return new RateLimitedError(`too many failed logins for this user or address; ${wait}`);
  }

  async #decide(attempt: AuthAttempt): Promise<AuthenticatedUser | null> {
    const { username, srcAddr } = attempt;
    const reasons: string[] = [];
    for (const mechanism of this.#mechanisms) {
      const outcome = await mechanism.authenticate(attempt);
      switch (outcome.kind) {
        case 'accept': {
          this.#throttle.recordSuccess(username);
          const user: AuthenticatedUser = {
            username: outcome.username,
            readWrite: outcome.readWrite,
            mechanism: mechanism.name,
          };
          if (outcome.serverKey !== undefined) user.authInfo = outcome.serverKey;
          this.#log.info({ username, srcAddr, mechanism: mechanism.name }, 'login succeeded');
          return user;
        }
        case 'reject':
          this.#throttle.recordFailure(username, srcAddr);
          this.#log.info({ username, srcAddr, mechanism: mechanism.name }, 'login failed');
          return null;
        case 'unavailable':
          this.#log.warn(
            { username, srcAddr, mechanism: mechanism.name, reason: outcome.reason },
            'login could not be decided',
          );
          if (outcome.busy) throw new BusyError(outcome.reason);
          throw new AuthUnavailableError(`${mechanism.name}: ${outcome.reason}`);
        case 'no-answer':
          reasons.push(`${mechanism.name}: ${outcome.reason}`);
      }
    }
    this.#log.warn({ username, srcAddr, reasons }, 'login could not be decided: no answer');
    throw new AuthUnavailableError(reasons.join('; ') || 'no mechanism is configured');
  }

  async close(): Promise<void> {
    await Promise.all(this.#mechanisms.map((m) => m.close()));
  }
}
