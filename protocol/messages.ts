/** Message and object types of protocol version 1 (PROTOCOL.md). */
import type { ErrorCode } from './error-codes.ts';

export const PROTOCOL_VERSION = 1;

export type Mechanism = 'local' | 'radius';

/** A user as the wire shows it (PROTOCOL.md, "Objects"). */
export interface WireUser {
  username: string;
  readWrite: boolean;
  mechanism: Mechanism;
}

/** A session as the wire shows it; it never carries the cookie. */
export interface WireSession {
  id: string;
  username: string;
  readWrite: boolean;
  srcAddr: string;
  startedAt: number;
  lastSeenAt: number;
  mechanism: Mechanism;
}

export type ClearReason = 'logout' | 'cleared' | 'expired';

export type Topic = 'sessions';

export interface AuthenticateRequest {
  id: number;
  op: 'authenticate';
  username: string;
  password: string;
}
export interface SessionStartRequest {
  id: number;
  op: 'session.start';
}
export interface SessionEndRequest {
  id: number;
  op: 'session.end';
}
export interface SessionValidateRequest {
  id: number;
  op: 'session.validate';
  cookie: string;
}
export interface SessionListRequest {
  id: number;
  op: 'session.list';
}
export interface SessionClearRequest {
  id: number;
  op: 'session.clear';
  sessionId: string;
}
export interface SubscribeRequest {
  id: number;
  op: 'subscribe';
  topic: Topic;
}
export interface UnsubscribeRequest {
  id: number;
  op: 'unsubscribe';
  topic: Topic;
}

export type Request =
  | AuthenticateRequest
  | SessionStartRequest
  | SessionEndRequest
  | SessionValidateRequest
  | SessionListRequest
  | SessionClearRequest
  | SubscribeRequest
  | UnsubscribeRequest;

export type Op = Request['op'];

/** The result fields of each operation's successful response. */
export interface ResultOf {
  authenticate: { user: WireUser };
  'session.start': { session: WireSession; cookie: string };
  'session.end': Record<never, never>;
  'session.validate': { user: WireUser; session: WireSession };
  'session.list': { sessions: WireSession[] };
  'session.clear': Record<never, never>;
  subscribe: { sessions: WireSession[] };
  unsubscribe: Record<never, never>;
}

export type OkResponse<O extends Op = Op> = { id: number; ok: true } & ResultOf[O];

export interface ErrorResponse {
  id: number;
  ok: false;
  code: ErrorCode;
  message: string;
}

export type Response = OkResponse | ErrorResponse;

export interface HelloEvent {
  event: 'hello';
  protocol: number;
  server: string;
  mechanisms: Mechanism[];
}
export interface SessionCreatedEvent {
  event: 'session.created';
  session: WireSession;
}
export interface SessionClearedEvent {
  event: 'session.cleared';
  session: WireSession;
  reason: ClearReason;
}
export interface ErrorEvent {
  event: 'error';
  code: 'BAD_REQUEST';
  message: string;
}

export type ServerEvent = HelloEvent | SessionCreatedEvent | SessionClearedEvent | ErrorEvent;

/** Anything the hub sends: a response (has `id`) or an event (has `event`). */
export type ServerMessage = Response | ServerEvent;
