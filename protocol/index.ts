/**
 * session-hub protocol version 1: message types, error codes, the MessagePack codec and request
 * validation, shared by the hub and its clients. Imports nothing from Node's I/O modules.
 *
 * @example
 * import { encodeMessage } from 'session-hub/protocol';
 * socket.send(encodeMessage({ id: 1, op: 'session.validate', cookie }));
 */
export { ERROR_CODES, isErrorCode } from './error-codes.ts';
export type { ErrorCode } from './error-codes.ts';
export { FIELD_LIMITS, MAX_REQUEST_ID, DEFAULT_MAX_PAYLOAD_BYTES } from './limits.ts';
export { encodeMessage, decodeMessage, toPlain } from './codec.ts';
export type { DecodeResult } from './codec.ts';
export { parseRequest } from './validate-request.ts';
export type { ParsedFrame } from './validate-request.ts';
export * from './messages.ts';
