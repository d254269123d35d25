/**
 * The in-process API, mirroring the reference API (DESIGN.md): authenticate users, start and
 * validate sessions, list and clear them. The WebSocket hub is built on it.
 *
 * @example
 * const user = await hub.api.authenticateUser('alice', 'secret', '192.0.2.7');
 * if (user) {
 *   const cookie = await user.startSession('192.0.2.7');
 *   (await hub.api.validateSession(cookie)) === user; // true: the same object
 * }
 */
import type { Authenticator } from '../auth/authenticator.ts';
import { HubError } from '../errors.ts';
import type { PublicSession } from '../events/session-events.ts';
import { normalizeAddress } from '../net/address.ts';
import type { HubUser } from '../sessions/hub-user.ts';
import type { SessionManager } from '../sessions/session-manager.ts';

export type AuthCallback = (user: HubUser | null, error?: HubError) => void;

export class HubApi {
  readonly #auth: Authenticator;
  readonly #sessions: SessionManager;

  constructor(auth: Authenticator, sessions: SessionManager) {
    this.#auth = auth;
    this.#sessions = sessions;
  }

  /**
   * Resolves to a new user object, or null when the credentials are wrong. Rejects with
   * RateLimitedError, AuthUnavailableError or BusyError when no verdict could be had.
   */
  async authenticateUser(
    username: string,
    password: string,
    srcAddr: string,
  ): Promise<HubUser | null> {
    if (typeof username !== 'string' || typeof password !== 'string') {
      throw new TypeError('username and password must be strings');
    }
    const address = checkedAddress(srcAddr);
    const user = await this.#auth.authenticate({ username, password, srcAddr: address });
    return user ? this.#sessions.newUser(user) : null;
  }

  /**
   * Returns at once and later calls `callback(user)`, or `callback(null)` when authentication
   * failed; the second argument carries the error when no verdict could be had.
   */
  authenticateUserAsync(
    callback: AuthCallback,
    username: string,
    password: string,
    srcAddr: string,
  ): void {
    if (typeof callback !== 'function') throw new TypeError('callback must be a function');
    this.authenticateUser(username, password, srcAddr).then(
      (user) => callback(user),
      (error: unknown) => callback(null, error instanceof HubError ? error : undefined),
    );
  }

  /** Resolves to the user object of a live session (the same object each time), or null. */
  async validateSession(cookie: string): Promise<HubUser | null> {
    if (typeof cookie !== 'string') throw new TypeError('cookie must be a string');
    const result = await this.#sessions.validate(cookie);
    return result?.user ?? null;
  }

  /** The active sessions, oldest first. */
  getSessions(): Promise<PublicSession[]> {
    return this.#sessions.list();
  }

  /** Clears a session as an operator would; resolves false when there is no such session. */
  async clearSession(sessionId: string): Promise<boolean> {
    return (await this.#sessions.clearSession(sessionId, 'cleared')) !== null;
  }

  /** Clears every session of one user ("log out everywhere"); resolves to how many. */
  clearUserSessions(username: string): Promise<number> {
    return this.#sessions.clearUserSessions(username);
  }
}

function checkedAddress(srcAddr: string): string {
  const address = typeof srcAddr === 'string' ? normalizeAddress(srcAddr) : null;
  if (address === null) throw new TypeError('srcAddr must be an IPv4 or IPv6 address');
  return address;
}
