/** A user authenticated through the hub, as the client library hands it out. */
import type { Mechanism, WireSession, WireUser } from '../protocol/index.ts';

/** What a user object needs from its client: the two session operations. */
export interface UserLink {
  startSession(user: RemoteUser): Promise<string>;
  endSession(user: RemoteUser): Promise<void>;
}

// Symbol keys keep the client's bookkeeping methods off the public surface.
export const kBindSession = Symbol('bindSession');
export const kUnbindSession = Symbol('unbindSession');
export const kUpdate = Symbol('update');

/**
 * An authenticated user (the reference API's user object). Obtain one from
 * `client.authenticateUser()` or `client.validateSession()`; never construct it directly.
 * Validating the cookie of a live session through the same client returns the same object, so
 * it is a place to keep per-user data.
 *
 * @example
 * const user = await client.authenticateUser('alice', password);
 * if (user !== null) {
 *   const cookie = await user.startSession();
 *   console.log(user.username, user.readWrite, user.sessionStart);
 *   await user.endSession();
 * }
 */
export class RemoteUser {
  username: string;
  /** True when the user has read-write privilege (may list and clear sessions). */
  readWrite: boolean;
  /** The mechanism that authenticated the user. */
  mechanism: Mechanism;
  /** The secret session cookie once a session is started or validated, else null. */
  sessionCookie: string | null = null;
  /** When the session started, in milliseconds since the Unix epoch, else null. */
  sessionStart: number | null = null;
  /** The session's public record (its `id` is what operators clear), else null. */
  session: WireSession | null = null;
  readonly #link: UserLink;

  constructor(wire: WireUser, link: UserLink) {
    this.username = wire.username;
    this.readWrite = wire.readWrite;
    this.mechanism = wire.mechanism;
    this.#link = link;
  }

  /**
   * Starts a session and resolves to its cookie. Rejects with `SessionExistsError` when this
   * user already has one.
   */
  startSession(): Promise<string> {
    return this.#link.startSession(this);
  }

  /** Ends the session. Rejects with `SessionDoesNotExistError` when this user has none. */
  endSession(): Promise<void> {
    return this.#link.endSession(this);
  }

  [kUpdate](wire: WireUser): void {
    this.username = wire.username;
    this.readWrite = wire.readWrite;
    this.mechanism = wire.mechanism;
  }

  [kBindSession](session: WireSession, cookie: string): void {
    this.session = session;
    this.sessionCookie = cookie;
    this.sessionStart = session.startedAt;
  }

  [kUnbindSession](): void {
    this.session = null;
    this.sessionCookie = null;
    this.sessionStart = null;
  }
}
