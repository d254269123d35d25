/**
 * The operations of protocol v1 (PROTOCOL.md, "Operations"). Each handler receives a request
 * that passed validation, the BUSY limit and the principal checks its entry in OPERATIONS asks
 * for, and resolves to the response's result fields or throws a HubError.
 */
import type { Op, Request, ResultOf, WireSession } from '../../protocol/index.ts';
import type { HubApi } from '../api/hub-api.ts';
import { HubError, SessionDoesNotExistError } from '../errors.ts';
import type { HubUser } from '../sessions/hub-user.ts';
import { toWireSession } from '../sessions/public-session.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import type { Connection } from './connection.ts';
import type { SessionFanout } from './session-fanout.ts';

export interface OperationContext {
  api: HubApi;
  sessions: SessionManager;
  fanout: SessionFanout;
}

type Handler<O extends Op> = (
  ctx: OperationContext,
  connection: Connection,
  request: Extract<Request, { op: O }>,
) => Promise<ResultOf[O]>;

export interface Operation<O extends Op> {
  /** 'none': anyone; 'user': a principal; 'admin': a read-write principal. */
  needs: 'none' | 'user' | 'admin';
  run: Handler<O>;
}

/** Sets the connection's principal; a new principal ends the old one's subscription. */
export function setPrincipal(ctx: OperationContext, connection: Connection, user: HubUser): void {
  if (connection.principal === user) return;
  connection.principal = user;
  ctx.fanout.endSubscription(connection);
  if (user.sessionId === null) ctx.fanout.unbind(connection);
  else ctx.fanout.bind(connection, user.sessionId);
}

function sessionOf(user: HubUser, srcAddr: string): WireSession {
  const startedAt = user.sessionStart ?? Date.now();
  return {
    id: user.sessionId ?? '',
    username: user.username,
    readWrite: user.readWrite,
    srcAddr,
    startedAt,
    lastSeenAt: startedAt,
    mechanism: user.mechanism,
  };
}

const authenticate: Operation<'authenticate'> = {
  needs: 'none',
  async run(ctx, connection, { username, password }) {
    const user = await ctx.api.authenticateUser(username, password, connection.srcAddr);
    if (!user) throw new HubError('AUTH_FAILED', 'wrong username or password');
    if (!connection.closed) setPrincipal(ctx, connection, user);
    return { user: user.toWire() };
  },
};

const sessionStart: Operation<'session.start'> = {
  needs: 'user',
  async run(ctx, connection) {
    const user = connection.principal!;
    const cookie = await user.startSession(connection.srcAddr);
    const session = sessionOf(user, connection.srcAddr);
    if (!connection.closed && connection.principal === user)
      ctx.fanout.bind(connection, session.id);
    return { session, cookie };
  },
};

const sessionEnd: Operation<'session.end'> = {
  needs: 'user',
  async run(_ctx, connection) {
    const user = connection.principal!;
    if (user.sessionId === null) throw new SessionDoesNotExistError('this user has no session');
    await user.endSession();
    // Dropped now, not when the event arrives; the binding stays so the event still comes.
    if (connection.principal === user) connection.principal = null;
    return {};
  },
};

const sessionValidate: Operation<'session.validate'> = {
  needs: 'none',
  async run(ctx, connection, { cookie }) {
    const result = await ctx.sessions.validate(cookie);
    if (!result) throw new SessionDoesNotExistError();
    if (!connection.closed) setPrincipal(ctx, connection, result.user);
    return { user: result.user.toWire(), session: toWireSession(result.session) };
  },
};

const sessionList: Operation<'session.list'> = {
  needs: 'admin',
  async run(ctx) {
    return { sessions: (await ctx.sessions.list()).map(toWireSession) };
  },
};

const sessionClear: Operation<'session.clear'> = {
  needs: 'admin',
  async run(ctx, _connection, { sessionId }) {
    const cleared = await ctx.sessions.clearSession(sessionId, 'cleared');
    if (!cleared) throw new SessionDoesNotExistError();
    return {};
  },
};

const subscribe: Operation<'subscribe'> = {
  needs: 'admin',
  async run(ctx, connection) {
    ctx.fanout.beginSubscription(connection);
    try {
      const sessions = (await ctx.sessions.list()).map(toWireSession);
      // The response must precede the replayed events: they go out on the next turn.
      const ids = new Set(sessions.map((s) => s.id));
      setImmediate(() => ctx.fanout.completeSubscription(connection, ids));
      return { sessions };
    } catch (error) {
      ctx.fanout.endSubscription(connection);
      throw error;
    }
  },
};

const unsubscribe: Operation<'unsubscribe'> = {
  needs: 'none',
  async run(ctx, connection) {
    ctx.fanout.endSubscription(connection);
    return {};
  },
};

export const OPERATIONS: { [O in Op]: Operation<O> } = {
  authenticate,
  'session.start': sessionStart,
  'session.end': sessionEnd,
  'session.validate': sessionValidate,
  'session.list': sessionList,
  'session.clear': sessionClear,
  subscribe,
  unsubscribe,
};
