/**
 * The protocol's error codes (PROTOCOL.md, "Error codes"). This list is the contract: the docs
 * in protocol/README.md and the error classes are checked against it by a test. A retired code
 * is never reused.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'NOT_AUTHENTICATED',
  'FORBIDDEN',
  'AUTH_FAILED',
  'AUTH_UNAVAILABLE',
  'RATE_LIMITED',
  'SESSION_EXISTS',
  'SESSION_NOT_FOUND',
  'BUSY',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES);

/** True when `value` is one of the protocol's error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODE_SET.has(value);
}
