/**
 * The client's errors. Every one has a stable `code`: the protocol's error code when the hub
 * answered with an error, or `CONNECTION_CLOSED` when the connection went away first. Test and
 * branch on `code` (or `instanceof`), never on the message.
 */
import type { ErrorCode } from '../protocol/index.ts';

/** Codes of failures the client detects itself, without an answer from the hub. */
export type ClientOnlyCode = 'CONNECTION_CLOSED';

/** Every code a client call can fail with. */
export type ClientErrorCode = ErrorCode | ClientOnlyCode;

/**
 * The hub answered a request with an error.
 *
 * @example
 * try {
 *   await client.getSessions();
 * } catch (error) {
 *   if (error instanceof HubError && error.code === 'FORBIDDEN') showReadOnlyNotice();
 * }
 */
export class HubError extends Error {
  override name = 'HubError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * `startSession()` on a user that already has a session (the hub answered `SESSION_EXISTS`).
 *
 * @example
 * try {
 *   await user.startSession();
 * } catch (error) {
 *   if (error instanceof SessionExistsError) useCookie(user.sessionCookie);
 * }
 */
export class SessionExistsError extends HubError {
  override name = 'SessionExistsError';

  constructor(message = 'the user already has a session') {
    super('SESSION_EXISTS', message);
  }
}

/**
 * `endSession()` on a user without a live session: it never started one, it already ended, or
 * the hub answered `SESSION_NOT_FOUND` (the session was cleared or expired meanwhile).
 *
 * @example
 * await user.endSession().catch((error) => {
 *   if (!(error instanceof SessionDoesNotExistError)) throw error;
 * });
 */
export class SessionDoesNotExistError extends HubError {
  override name = 'SessionDoesNotExistError';

  constructor(message = 'the user has no session') {
    super('SESSION_NOT_FOUND', message);
  }
}

/**
 * The connection closed (or was never opened) before the hub answered. `closeCode` is the
 * WebSocket close code when there was one (1009: a message was too large for the hub).
 *
 * @example
 * client.validateSession(cookie).catch((error) => {
 *   if (error instanceof ConnectionClosedError) retryLater();
 * });
 */
export class ConnectionClosedError extends Error {
  override name = 'ConnectionClosedError';
  readonly code: ClientOnlyCode = 'CONNECTION_CLOSED';
  readonly closeCode: number | null;

  constructor(message = 'the connection to the hub closed', closeCode: number | null = null) {
    super(message);
    this.closeCode = closeCode;
  }
}
