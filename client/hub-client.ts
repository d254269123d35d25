/**
 * The hub's client over WebSocket: the reference API (authenticate, sessions, listing) as calls
 * on one connection, with queueing while connecting and optional reconnect.
 */
import { decodeMessage, encodeMessage, isErrorCode, toPlain } from '../protocol/index.ts';
import type {
  ClearReason,
  HelloEvent,
  Op,
  Request,
  ResultOf,
  SessionClearedEvent,
  SessionCreatedEvent,
  WireSession,
} from '../protocol/index.ts';
import { RECONNECT_DEFAULTS, backoffDelay } from './backoff.ts';
import type { ReconnectOptions } from './backoff.ts';
import { SILENT_LOGGER } from './client-options.ts';
import type { ClientLogger, HubClientOptions } from './client-options.ts';
import { canTransition } from './connection-status.ts';
import type { ConnectionStatus } from './connection-status.ts';
import { defaultWebSocket } from './default-websocket.ts';
import {
  ConnectionClosedError,
  HubError,
  SessionDoesNotExistError,
  SessionExistsError,
} from './errors.ts';
import { Listeners } from './listeners.ts';
import { RemoteUser, kBindSession, kUnbindSession, kUpdate } from './remote-user.ts';
import type { UserLink } from './remote-user.ts';
import { RequestTracker } from './request-tracker.ts';
import type { Pending } from './request-tracker.ts';
import { SessionFeed } from './session-feed.ts';
import type { SessionFeedListener } from './session-feed.ts';
import type { WebSocketConstructor, WebSocketLike } from './websocket-like.ts';

/** The client's own session ended: cleared by an operator, expired, or gone at resume. */
export interface SessionClearedNotice {
  user: RemoteUser;
  /** The session as the hub last described it (null if the client never saw it). */
  session: WireSession | null;
  /** `unknown` when the client learnt of it on reconnecting, by the cookie no longer working. */
  reason: ClearReason | 'unknown';
}

/** Events of `HubClient`, each with its listener's arguments. */
export interface HubClientEvents {
  status: [status: ConnectionStatus, previous: ConnectionStatus];
  hello: [hello: HelloEvent];
  sessionCleared: [notice: SessionClearedNotice];
  /** After a reconnect, a user without a session cannot be resumed (no password is kept). */
  principalLost: [user: RemoteUser];
  /** The hub sent an `error` event: it could not answer one of this client's frames. */
  protocolError: [error: HubError];
}

/** A live subscription to the `sessions` topic. */
export interface SessionSubscription {
  /** The sessions active when the subscription started. */
  sessions: WireSession[];
  /** Stops this listener; the last one to stop ends the subscription at the hub. */
  unsubscribe(): Promise<void>;
}

type Params<O extends Op> = Omit<Extract<Request, { op: O }>, 'id' | 'op'>;

/** Runs synchronously when the response arrives, so that state changes precede later frames. */
interface Handlers<O extends Op, T> {
  ok(result: ResultOf[O]): T;
  error?(error: HubError): T;
}

interface Queued {
  message: { op: Op };
  pending: Pending;
}

// Close code for dropping a connection whose session could not be resumed for a transient
// reason (BUSY, INTERNAL): the close leads to another reconnect attempt.
const RESUME_FAILED_CLOSE = 4000;

/**
 * A connection to a session hub. It starts connecting when constructed; calls made before the
 * connection is open wait in a queue. One connection acts for one user at a time (its
 * principal): the last user authenticated or validated on it.
 *
 * @example
 * import { HubClient } from 'session-hub/client';
 *
 * const client = new HubClient({ url: 'ws://127.0.0.1:7400/ws', reconnect: true });
 * client.on('status', (status) => console.log('hub connection', status));
 * const user = await client.authenticateUser('admin', password);
 * if (user === null) throw new Error('wrong username or password');
 * const cookie = await user.startSession();
 * console.log(await client.getSessions());
 * await client.close();
 */
export class HubClient {
  /** The hub's WebSocket address. */
  readonly url: string;
  #status: ConnectionStatus = 'connecting';
  #socket: WebSocketLike | null = null;
  #hello: HelloEvent | null = null;
  #principal: RemoteUser | null = null;
  #outbox: Queued[] = [];
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #closing = false;
  readonly #WebSocket: WebSocketConstructor;
  readonly #reconnect: ReconnectOptions | null;
  readonly #log: ClientLogger;
  readonly #events = new Listeners<HubClientEvents>();
  readonly #requests = new RequestTracker();
  readonly #feed = new SessionFeed();
  readonly #usersByCookie = new Map<string, RemoteUser>();
  readonly #link: UserLink = {
    startSession: (user) => this.#startSession(user),
    endSession: (user) => this.#endSession(user),
  };
  readonly #report = (error: unknown): void => {
    this.#log.warn({ err: error }, 'a listener of the hub client threw');
  };

  constructor(options: HubClientOptions) {
    if (typeof options?.url !== 'string') throw new TypeError('options.url must be a string');
    this.url = options.url;
    this.#WebSocket = options.WebSocket ?? defaultWebSocket();
    this.#reconnect = reconnectOptions(options.reconnect);
    this.#log = options.logger ?? SILENT_LOGGER;
    this.#socket = this.#open();
  }

  /** The connection's state; the `status` event reports every change. */
  get status(): ConnectionStatus {
    return this.#status;
  }

  /** The hub's greeting on the current connection, once received. */
  get hello(): HelloEvent | null {
    return this.#hello;
  }

  /** The user this connection acts for, or null. */
  get user(): RemoteUser | null {
    return this.#principal;
  }

  /**
   * Adds a listener and returns a function that removes it.
   *
   * @example
   * client.on('sessionCleared', ({ reason }) => showLogin(`session ${reason}`));
   */
  on<K extends keyof HubClientEvents>(
    event: K,
    listener: (...args: HubClientEvents[K]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  /** Removes a listener added with `on`. */
  off<K extends keyof HubClientEvents>(
    event: K,
    listener: (...args: HubClientEvents[K]) => void,
  ): void {
    this.#events.off(event, listener);
  }

  /**
   * Resolves when the connection is open; rejects with `ConnectionClosedError` if it closes for
   * good first. Calls do not need it (they wait in a queue); it is for showing readiness.
   *
   * @example
   * await client.ready();
   */
  ready(): Promise<void> {
    if (this.#status === 'open') return Promise.resolve();
    if (this.#status === 'closed') return Promise.reject(new ConnectionClosedError());
    return new Promise((resolve, reject) => {
      const off = this.on('status', (status) => {
        if (status === 'open') resolve();
        else if (status === 'closed') reject(new ConnectionClosedError());
        else return;
        off();
      });
    });
  }

  /**
   * Authenticates with username and password; resolves to the user, or to null when the hub
   * answers `AUTH_FAILED`. Other failures reject with a `HubError` (`AUTH_UNAVAILABLE`,
   * `RATE_LIMITED`, `BUSY`, ...) or `ConnectionClosedError`. On success the connection acts
   * for the new user, and any subscription of the previous one ends.
   *
   * @example
   * const user = await client.authenticateUser('alice', 'correct horse');
   * if (user === null) console.log('wrong username or password');
   */
  authenticateUser(username: string, password: string): Promise<RemoteUser | null> {
    if (typeof username !== 'string' || typeof password !== 'string') {
      return Promise.reject(new TypeError('username and password must be strings'));
    }
    return this.#call(
      'authenticate',
      { username, password },
      {
        ok: ({ user }) => {
          const remote = new RemoteUser(user, this.#link);
          this.#setPrincipal(remote);
          return remote;
        },
        error: (error) => {
          if (error.code === 'AUTH_FAILED') return null;
          throw error;
        },
      },
    );
  }

  /**
   * The callback form of `authenticateUser`: returns at once and later calls `callback` with
   * the user or null. On a failure other than wrong credentials, the callback gets null and
   * the error as its second argument.
   *
   * @example
   * client.authenticateUserAsync((user) => console.log(user?.readWrite), 'alice', password);
   */
  authenticateUserAsync(
    callback: (user: RemoteUser | null, error?: Error) => void,
    username: string,
    password: string,
  ): void {
    if (typeof callback !== 'function') throw new TypeError('callback must be a function');
    this.authenticateUser(username, password).then(
      (user) => callback(user),
      (error: Error) => callback(null, error),
    );
  }

  /**
   * Finds the session of `cookie` and resolves to its user, or to null when the hub does not
   * know the cookie (never started, ended, cleared or expired). Through one client, every
   * lookup of a live session resolves to the same user object. On success the connection acts
   * for that user and is bound to the session (it hears of its end by `sessionCleared`).
   *
   * @example
   * const user = await client.validateSession(cookieFromStorage);
   * if (user === null) showLogin();
   */
  validateSession(cookie: string): Promise<RemoteUser | null> {
    if (typeof cookie !== 'string') {
      return Promise.reject(new TypeError('cookie must be a string'));
    }
    return this.#call(
      'session.validate',
      { cookie },
      {
        ok: ({ user, session }) => {
          const remote = this.#usersByCookie.get(cookie) ?? new RemoteUser(user, this.#link);
          remote[kUpdate](user);
          remote[kBindSession](session, cookie);
          this.#usersByCookie.set(cookie, remote);
          this.#setPrincipal(remote);
          return remote;
        },
        error: (error) => {
          if (error.code !== 'SESSION_NOT_FOUND') throw error;
          const known = this.#usersByCookie.get(cookie);
          if (known !== undefined) this.#sessionGone(known);
          return null;
        },
      },
    );
  }

  /**
   * Lists the active sessions. Needs a read-write user: `NOT_AUTHENTICATED` or `FORBIDDEN`
   * otherwise.
   *
   * @example
   * for (const session of await client.getSessions()) console.log(session.id, session.username);
   */
  getSessions(): Promise<WireSession[]> {
    return this.#call('session.list', {}, { ok: ({ sessions }) => sessions });
  }

  /**
   * Clears a session by its public id (the CLI's `clear session <id>`). Rejects with
   * `SessionDoesNotExistError` when there is no such session; needs a read-write user.
   *
   * @example
   * await client.clearSession('k3xq9a');
   */
  clearSession(sessionId: string): Promise<void> {
    if (typeof sessionId !== 'string') {
      return Promise.reject(new TypeError('sessionId must be a string'));
    }
    return this.#call('session.clear', { sessionId }, { ok: () => undefined });
  }

  /**
   * Subscribes to session changes on the whole hub. `listener` hears of every session created
   * and cleared, a fresh `snapshot` after a reconnect, and `ended` when the subscription stops
   * (the connection's user changed or its session ended). Needs a read-write user.
   *
   * @example
   * const { sessions, unsubscribe } = await client.subscribe((event) => {
   *   if (event.type === 'created') console.log('new session', event.session.id);
   * });
   */
  subscribe(listener: SessionFeedListener): Promise<SessionSubscription> {
    if (typeof listener !== 'function') {
      return Promise.reject(new TypeError('listener must be a function'));
    }
    return this.#call(
      'subscribe',
      { topic: 'sessions' },
      {
        ok: ({ sessions }) => {
          this.#feed.add(listener);
          this.#feed.live = true;
          return { sessions, unsubscribe: () => this.#unsubscribe(listener) };
        },
      },
    );
  }

  /**
   * Closes the connection for good: queued and pending calls reject with
   * `ConnectionClosedError`, and no reconnect follows. The session, if any, stays alive at the
   * hub (end it first with `user.endSession()` to log out).
   *
   * @example
   * await client.close();
   */
  close(): Promise<void> {
    if (this.#status === 'closed') return Promise.resolve();
    this.#closing = true;
    const closed = new Promise<void>((resolve) => {
      const off = this.on('status', (status) => {
        if (status !== 'closed') return;
        off();
        resolve();
      });
    });
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    if (this.#socket === null) this.#finish(null);
    else this.#socket.close(1000);
    return closed;
  }

  /** The one place the status changes; it emits `status` for every transition. */
  #setStatus(next: ConnectionStatus): void {
    const previous = this.#status;
    if (previous === next) return;
    if (!canTransition(previous, next)) {
      throw new Error(`hub client: no transition from ${previous} to ${next}`);
    }
    this.#status = next;
    this.#log.debug({ from: previous, to: next }, 'hub connection status');
    this.#events.emit('status', [next, previous], this.#report);
  }

  #open(): WebSocketLike {
    const socket = new this.#WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('open', () => this.#onOpen(socket));
    socket.addEventListener('message', (event) => this.#onMessage(socket, event.data));
    socket.addEventListener('close', (event) => this.#onClose(socket, event.code));
    // A failed connection also closes; the close handler does the work.
    socket.addEventListener('error', () => {});
    return socket;
  }

  #reopen(): void {
    try {
      this.#socket = this.#open();
    } catch (error) {
      this.#log.warn({ err: error }, 'cannot open a WebSocket to the hub');
      this.#finish(null);
    }
  }

  #onOpen(socket: WebSocketLike): void {
    if (socket !== this.#socket) return;
    if (this.#status === 'connecting') this.#becomeOpen();
    else void this.#resume(socket);
  }

  #becomeOpen(): void {
    this.#attempt = 0;
    this.#setStatus('open');
    const queued = this.#outbox;
    this.#outbox = [];
    for (const { message, pending } of queued) this.#transmit(message, pending);
  }

  #onClose(socket: WebSocketLike, code: number): void {
    if (socket !== this.#socket) return;
    this.#socket = null;
    this.#hello = null;
    // The hub drops the principal and subscriptions with the connection.
    this.#feed.live = false;
    this.#requests.rejectAll(() => new ConnectionClosedError(undefined, code));
    if (this.#closing || this.#reconnect === null) this.#finish(code);
    else this.#scheduleRetry(this.#reconnect, code);
  }

  #scheduleRetry(options: ReconnectOptions, code: number): void {
    if (options.maxAttempts > 0 && this.#attempt >= options.maxAttempts) {
      this.#finish(code);
      return;
    }
    this.#setStatus('reconnecting');
    const delay = backoffDelay(options, this.#attempt);
    this.#attempt += 1;
    this.#log.debug({ attempt: this.#attempt, delay }, 'reconnecting to the hub');
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#reopen();
    }, delay);
  }

  #finish(code: number | null): void {
    this.#closing = true;
    const error = (): ConnectionClosedError => new ConnectionClosedError(undefined, code);
    const queued = this.#outbox;
    this.#outbox = [];
    for (const { pending } of queued) pending.reject(error());
    this.#requests.rejectAll(error);
    this.#feed.end(this.#report);
    this.#principal = null;
    this.#setStatus('closed');
  }

  /**
   * After a reconnect: gets the user back by its cookie (never by a password) and subscribes
   * again, before the queued calls go out.
   */
  async #resume(socket: WebSocketLike): Promise<void> {
    const user = this.#principal;
    try {
      if (user !== null) await this.#resumeUser(user);
    } catch (error) {
      if (error instanceof ConnectionClosedError) return;
      this.#log.warn({ err: error }, 'resuming the session failed; retrying');
      socket.close(RESUME_FAILED_CLOSE);
      return;
    }
    if (socket === this.#socket) this.#becomeOpen();
  }

  async #resumeUser(user: RemoteUser): Promise<void> {
    const cookie = user.sessionCookie;
    if (cookie === null) {
      this.#dropPrincipal();
      this.#events.emit('principalLost', [user], this.#report);
      return;
    }
    const alive = await this.#exchange(
      'session.validate',
      { cookie },
      {
        ok: ({ user: wire, session }) => {
          user[kUpdate](wire);
          user[kBindSession](session, cookie);
          return true;
        },
        error: (error) => {
          if (error.code !== 'SESSION_NOT_FOUND') throw error;
          return false;
        },
      },
    );
    if (!alive) {
      const session = user.session;
      this.#sessionGone(user);
      this.#events.emit('sessionCleared', [{ user, session, reason: 'unknown' }], this.#report);
    } else if (this.#feed.size > 0) {
      await this.#resubscribe();
    }
  }

  async #resubscribe(): Promise<void> {
    try {
      const sessions = await this.#exchange(
        'subscribe',
        { topic: 'sessions' },
        {
          ok: ({ sessions }) => {
            this.#feed.live = true;
            return sessions;
          },
        },
      );
      this.#feed.deliver({ type: 'snapshot', sessions }, this.#report);
    } catch (error) {
      if (error instanceof ConnectionClosedError) throw error;
      this.#feed.end(this.#report);
    }
  }

  async #unsubscribe(listener: SessionFeedListener): Promise<void> {
    if (!this.#feed.remove(listener) || !this.#feed.live) return;
    this.#feed.live = false;
    try {
      await this.#call('unsubscribe', { topic: 'sessions' }, { ok: () => undefined });
    } catch (error) {
      // Without a connection there is no subscription left to end.
      if (!(error instanceof ConnectionClosedError)) throw error;
    }
  }

  #startSession(user: RemoteUser): Promise<string> {
    if (user.sessionCookie !== null) return Promise.reject(new SessionExistsError());
    if (user !== this.#principal) return Promise.reject(notPrincipal());
    return this.#call(
      'session.start',
      {},
      {
        ok: ({ session, cookie }) => {
          user[kBindSession](session, cookie);
          this.#usersByCookie.set(cookie, user);
          return cookie;
        },
      },
    );
  }

  #endSession(user: RemoteUser): Promise<void> {
    if (user.sessionCookie === null) return Promise.reject(new SessionDoesNotExistError());
    if (user !== this.#principal) return Promise.reject(notPrincipal());
    return this.#call(
      'session.end',
      {},
      {
        // PROTOCOL.md, "The connection's principal": ending the session drops the principal.
        ok: () => this.#sessionGone(user),
        error: (error) => {
          if (error.code === 'SESSION_NOT_FOUND') this.#sessionGone(user);
          throw error;
        },
      },
    );
  }

  #setPrincipal(user: RemoteUser): void {
    if (this.#principal === user) return;
    // PROTOCOL.md: subscriptions belong to the principal and end when it changes.
    this.#feed.end(this.#report);
    this.#principal = user;
  }

  #dropPrincipal(): void {
    this.#feed.end(this.#report);
    this.#principal = null;
  }

  #sessionGone(user: RemoteUser): void {
    if (user.sessionCookie !== null) this.#usersByCookie.delete(user.sessionCookie);
    user[kUnbindSession]();
    if (user === this.#principal) this.#dropPrincipal();
  }

  /** Sends now if the connection is open, else queues; the result goes through `handlers`. */
  #call<O extends Op, T>(op: O, params: Params<O>, handlers: Handlers<O, T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending = settle(handlers, resolve, reject);
      const message = { op, ...params };
      if (this.#status === 'open') this.#transmit(message, pending);
      else if (this.#status === 'closed') reject(new ConnectionClosedError());
      else this.#outbox.push({ message, pending });
    });
  }

  /** Sends on the current socket at once, bypassing the queue (used while resuming). */
  #exchange<O extends Op, T>(op: O, params: Params<O>, handlers: Handlers<O, T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#transmit({ op, ...params }, settle(handlers, resolve, reject));
    });
  }

  #transmit(message: { op: Op }, pending: Pending): void {
    const socket = this.#socket;
    if (socket === null) {
      pending.reject(new ConnectionClosedError());
      return;
    }
    const id = this.#requests.add(pending);
    try {
      socket.send(encodeMessage({ id, ...message }));
    } catch (error) {
      this.#requests.take(id);
      this.#log.debug({ err: error, op: message.op }, 'sending to the hub failed');
      pending.reject(new ConnectionClosedError());
    }
  }

  #onMessage(socket: WebSocketLike, data: unknown): void {
    if (socket !== this.#socket) return;
    const message = decodeFrame(data);
    if (message === null) {
      this.#log.warn({}, 'ignoring a frame from the hub that is not a MessagePack map');
    } else if (typeof message.id === 'number') {
      this.#onResponse(message.id, message);
    } else if (typeof message.event === 'string') {
      this.#onEvent(message.event, message);
    } else {
      this.#log.warn({}, 'ignoring a message from the hub with neither id nor event');
    }
  }

  #onResponse(id: number, message: Record<string, unknown>): void {
    const pending = this.#requests.take(id);
    if (pending === undefined) {
      this.#log.warn({ id }, 'ignoring a response to no pending request');
    } else if (message.ok === true) {
      pending.resolve(message);
    } else {
      pending.reject(errorFromResponse(message));
    }
  }

  #onEvent(name: string, message: Record<string, unknown>): void {
    switch (name) {
      case 'hello':
        this.#hello = message as unknown as HelloEvent;
        this.#events.emit('hello', [this.#hello], this.#report);
        break;
      case 'session.created': {
        const { session } = message as unknown as SessionCreatedEvent;
        if (this.#feed.live) this.#feed.deliver({ type: 'created', session }, this.#report);
        break;
      }
      case 'session.cleared':
        this.#onSessionCleared(message as unknown as SessionClearedEvent);
        break;
      case 'error':
        this.#events.emit('protocolError', [errorFromResponse(message)], this.#report);
        break;
      default:
        // Events added by later protocol versions are not this client's concern.
        this.#log.debug({ event: name }, 'ignoring an unknown event');
    }
  }

  #onSessionCleared({ session, reason }: SessionClearedEvent): void {
    if (this.#feed.live) this.#feed.deliver({ type: 'cleared', session, reason }, this.#report);
    for (const user of this.#usersByCookie.values()) {
      if (user.session?.id !== session.id) continue;
      const own = user === this.#principal;
      this.#sessionGone(user);
      if (own) this.#events.emit('sessionCleared', [{ user, session, reason }], this.#report);
      return;
    }
  }
}

function reconnectOptions(value: HubClientOptions['reconnect']): ReconnectOptions | null {
  if (value === undefined || value === false) return null;
  if (value === true) return { ...RECONNECT_DEFAULTS };
  return { ...RECONNECT_DEFAULTS, ...value };
}

function notPrincipal(): HubError {
  return new HubError(
    'NOT_AUTHENTICATED',
    'this user is not the one the connection acts for; validate its cookie first',
  );
}

/** Wraps `handlers` into a pending call that settles `resolve`/`reject`. */
function settle<O extends Op, T>(
  handlers: Handlers<O, T>,
  resolve: (value: T) => void,
  reject: (error: Error) => void,
): Pending {
  const guarded = (run: () => T): void => {
    try {
      resolve(run());
    } catch (error) {
      reject(error as Error);
    }
  };
  return {
    resolve: (result) => guarded(() => handlers.ok(result as unknown as ResultOf[O])),
    reject: (error) => {
      const onError = handlers.error;
      if (error instanceof HubError && onError !== undefined) guarded(() => onError(error));
      else reject(error);
    },
  };
}

/** Builds the error class that matches an error response's code. */
function errorFromResponse(message: Record<string, unknown>): HubError {
  const code = isErrorCode(message.code) ? message.code : 'INTERNAL';
  const text = typeof message.message === 'string' ? message.message : code;
  if (code === 'SESSION_EXISTS') return new SessionExistsError(text);
  if (code === 'SESSION_NOT_FOUND') return new SessionDoesNotExistError(text);
  return new HubError(code, text);
}

/** Decodes a binary frame into a plain object; null for anything else. */
function decodeFrame(data: unknown): Record<string, unknown> | null {
  let bytes: Uint8Array;
  if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else if (ArrayBuffer.isView(data))
    bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else return null;
  const decoded = decodeMessage(bytes);
  if (!decoded.ok) return null;
  const plain = toPlain(decoded.value);
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return null;
  return plain as Record<string, unknown>;
}
