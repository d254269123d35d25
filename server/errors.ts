/**
 * The hub's error classes. Each carries a stable `code`; those that reach the wire use the
 * protocol's codes (protocol/error-codes.ts), so a client sees exactly what the hub threw.
 */
import type { ErrorCode } from '../protocol/index.ts';

/** Base class of every error the hub answers with a protocol code. */
export class HubError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'HubError';
    this.code = code;
  }
}

/** The user object already has a session (the reference API's AaaSessionExistsError). */
export class SessionExistsError extends HubError {
  constructor(message = 'this user already has a session') {
    super('SESSION_EXISTS', message);
    this.name = 'SessionExistsError';
  }
}

/** No such session (the reference API's AaaSessionDoesNotExistError). */
export class SessionDoesNotExistError extends HubError {
  constructor(message = 'no such session') {
    super('SESSION_NOT_FOUND', message);
    this.name = 'SessionDoesNotExistError';
  }
}

export class NotAuthenticatedError extends HubError {
  constructor(message = 'authenticate or validate a session first') {
    super('NOT_AUTHENTICATED', message);
    this.name = 'NotAuthenticatedError';
  }
}

export class ForbiddenError extends HubError {
  constructor(message = 'this operation needs a read-write user') {
    super('FORBIDDEN', message);
    this.name = 'ForbiddenError';
  }
}

export class RateLimitedError extends HubError {
  constructor(message = 'too many failed logins; try again later') {
    super('RATE_LIMITED', message);
    this.name = 'RateLimitedError';
  }
}

export class AuthUnavailableError extends HubError {
  constructor(message = 'no authentication mechanism could answer') {
    super('AUTH_UNAVAILABLE', message);
    this.name = 'AuthUnavailableError';
  }
}

export class BusyError extends HubError {
  constructor(message = 'the hub is busy; try again') {
    super('BUSY', message);
    this.name = 'BusyError';
  }
}

/** Configuration that cannot be used: names the key and what is expected. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
