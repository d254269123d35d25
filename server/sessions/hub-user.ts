/**
 * The user object of the reference API. Obtain it from `authenticateUser` or `validateSession`;
 * every validation of one live session returns the same object, so applications may keep
 * per-user data on it (`data`).
 */
import type { Mechanism, WireUser } from '../../protocol/index.ts';

/** What a user object needs from the session manager; kept narrow to avoid a cycle. */
export interface SessionOwner {
  startSession(user: HubUser, srcAddr: string): Promise<string>;
  endSession(user: HubUser): Promise<void>;
}

export class HubUser {
  readonly username: string;
  readonly readWrite: boolean;
  readonly mechanism: Mechanism;
  /** The session's secret cookie, once a session is started or validated. */
  sessionCookie: string | null = null;
  /** When the session started, in milliseconds since the Unix epoch. */
  sessionStart: number | null = null;
  /** The session's public id. */
  sessionId: string | null = null;
  /** A place for the application's own per-user data; the hub never reads it. */
  readonly data = new Map<string, unknown>();
  /** Opaque data of the mechanism that authenticated the user (e.g. the RADIUS server). */
  readonly authInfo: string | undefined;
  readonly #owner: SessionOwner;

  constructor(
    owner: SessionOwner,
    fields: { username: string; readWrite: boolean; mechanism: Mechanism; authInfo?: string },
  ) {
    this.#owner = owner;
    this.username = fields.username;
    this.readWrite = fields.readWrite;
    this.mechanism = fields.mechanism;
    this.authInfo = fields.authInfo;
  }

  /**
   * Starts a session for this user and resolves to its cookie.
   * Rejects with SessionExistsError if this object already has a session.
   *
   * @example
   * const cookie = await user.startSession('192.0.2.7');
   */
  startSession(srcAddr: string): Promise<string> {
    return this.#owner.startSession(this, srcAddr);
  }

  /** Ends this user's session. Rejects with SessionDoesNotExistError if there is none. */
  endSession(): Promise<void> {
    return this.#owner.endSession(this);
  }

  toWire(): WireUser {
    return { username: this.username, readWrite: this.readWrite, mechanism: this.mechanism };
  }
}
