/**
 * Validation of decoded requests (PROTOCOL.md, "Requests and responses"). Nothing reaches the
 * hub's logic unless it passes here: types, required fields and length limits.
 */
import { FIELD_LIMITS, MAX_REQUEST_ID } from './limits.ts';
import type { Request } from './messages.ts';

export type ParsedFrame =
  | { kind: 'request'; request: Request }
  /** The frame has a usable id but is not a valid request: answer BAD_REQUEST by id. */
  | { kind: 'bad-request'; id: number; message: string }
  /** The frame cannot be answered by id: send an `error` event. */
  | { kind: 'unanswerable'; message: string };

type Fields = ReadonlyMap<unknown, unknown>;

const encoder = new TextEncoder();

/** True when `text` takes more than `limit` bytes as UTF-8. */
function longerThan(text: string, limit: number): boolean {
  // A UTF-16 unit takes 1 to 3 UTF-8 bytes: most strings are decided without encoding.
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return encoder.encode(text).length > limit;
}

function isRequestId(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_REQUEST_ID
  );
}

/** Reads a required string field, or returns the reason it is unusable. */
function stringField(fields: Fields, name: keyof typeof FIELD_LIMITS): string | { error: string } {
  const value = fields.get(name);
  if (value === undefined) return { error: `missing field "${name}"` };
  if (typeof value !== 'string') return { error: `field "${name}" must be a string` };
  if (longerThan(value, FIELD_LIMITS[name])) {
    return { error: `field "${name}" is longer than ${FIELD_LIMITS[name]} bytes` };
  }
  return value;
}

function parseTopic(fields: Fields): 'sessions' | { error: string } {
  const topic = stringField(fields, 'topic');
  if (typeof topic !== 'string') return topic;
  if (topic !== 'sessions') return { error: `unknown topic "${topic}"` };
  return topic;
}

function parseOp(id: number, op: string, fields: Fields): Request | { error: string } {
  switch (op) {
    case 'authenticate': {
      const username = stringField(fields, 'username');
      if (typeof username !== 'string') return username;
      if (username.length === 0) return { error: 'field "username" must not be empty' };
      const password = stringField(fields, 'password');
      if (typeof password !== 'string') return password;
      return { id, op, username, password };
    }
    case 'session.validate': {
      const cookie = stringField(fields, 'cookie');
      if (typeof cookie !== 'string') return cookie;
      return { id, op, cookie };
    }
    case 'session.clear': {
      const sessionId = stringField(fields, 'sessionId');
      if (typeof sessionId !== 'string') return sessionId;
      return { id, op, sessionId };
    }
    case 'subscribe':
    case 'unsubscribe': {
      const topic = parseTopic(fields);
      if (typeof topic !== 'string') return topic;
      return { id, op, topic };
    }
    case 'session.start':
    case 'session.end':
    case 'session.list':
      return { id, op };
    default:
      return { error: `unknown op "${op.slice(0, FIELD_LIMITS.op)}"` };
  }
}

/** Checks a decoded MessagePack value against the request schema. */
export function parseRequest(value: unknown): ParsedFrame {
  if (!(value instanceof Map)) {
    return { kind: 'unanswerable', message: 'a message must be a MessagePack map' };
  }
  const id = value.get('id');
  if (!isRequestId(id)) {
    const why = id === undefined ? 'has no "id"' : 'has an "id" that is not an integer 1..2^32-1';
    return { kind: 'unanswerable', message: `the request ${why}` };
  }
  const op = value.get('op');
  if (typeof op !== 'string') {
    const message = op === undefined ? 'missing field "op"' : 'field "op" must be a string';
    return { kind: 'bad-request', id, message };
  }
  const parsed = parseOp(id, op, value);
  if ('error' in parsed) return { kind: 'bad-request', id, message: parsed.error };
  return { kind: 'request', request: parsed };
}
