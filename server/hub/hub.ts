/**
 * The hub: turns frames from any transport into calls on the in-process API and sends back
 * responses and events. It knows nothing of sockets beyond ConnectionSink, nor of passwords,
 * RADIUS or stores.
 */
import pino, { type Logger } from 'pino';
import {
  decodeMessage,
  parseRequest,
  PROTOCOL_VERSION,
  type Mechanism,
  type Request,
} from '../../protocol/index.ts';
import type { HubApi } from '../api/hub-api.ts';
import { BusyError, ForbiddenError, HubError, NotAuthenticatedError } from '../errors.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import { Connection, type Broadcaster, type ConnectionSink } from './connection.ts';
import { OPERATIONS, setPrincipal, type Operation, type OperationContext } from './operations.ts';
import { encodeValidateReply } from './validate-reply.ts';
import { SessionFanout } from './session-fanout.ts';

export interface HubOptions {
  api: HubApi;
  sessions: SessionManager;
  mechanisms: Mechanism[];
  /** Sent in `hello` as `session-hub/<version>`. */
  version: string;
  /** Requests in flight per connection before BUSY. Default 256. */
  maxInFlightPerConnection?: number;
  logger?: Logger;
}

/** Per-connection callbacks a transport drives. */
export interface ConnectionHandle {
  message(data: Uint8Array, isBinary: boolean): void;
  closed(): void;
}

export class Hub {
  readonly #ctx: OperationContext;
  readonly #fanout = new SessionFanout();
  readonly #connections = new Set<Connection>();
  readonly #maxInFlight: number;
  readonly #hello: { event: 'hello'; protocol: number; server: string; mechanisms: Mechanism[] };
  readonly #log: Logger;
  readonly #stopEvents: () => void;
  #pending = 0;

  constructor(options: HubOptions) {
    this.#ctx = { api: options.api, sessions: options.sessions, fanout: this.#fanout };
    this.#maxInFlight = options.maxInFlightPerConnection ?? 256;
    this.#log = options.logger ?? pino({ level: 'silent' });
    this.#hello = {
      event: 'hello',
      protocol: PROTOCOL_VERSION,
      server: `session-hub/${options.version}`,
      mechanisms: options.mechanisms,
    };
    this.#stopEvents = options.sessions.onEvent((event) => this.#fanout.deliver(event));
  }

  /** Lets the transport send a frame to a whole group of sockets natively. */
  useBroadcaster(broadcast: Broadcaster): void {
    this.#fanout.useBroadcaster(broadcast);
  }

  /** Live connections, for health and tests. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Requests received and not yet finished, those of closed connections included. */
  get pendingRequests(): number {
    return this.#pending;
  }

  get subscriberCount(): number {
    return this.#fanout.subscriberCount;
  }

  /** Registers a new socket and greets it. `srcAddr` must already be normalised. */
  open(sink: ConnectionSink, srcAddr: string): ConnectionHandle {
    const connection = new Connection(sink, srcAddr);
    this.#connections.add(connection);
    connection.send(this.#hello);
    return {
      message: (data, isBinary) => this.#onFrame(connection, data, isBinary),
      closed: () => this.#onClose(connection),
    };
  }

  #onClose(connection: Connection): void {
    connection.closed = true;
    connection.principal = null;
    this.#fanout.remove(connection);
    this.#connections.delete(connection);
  }

  #onFrame(connection: Connection, data: Uint8Array, isBinary: boolean): void {
    if (!isBinary) return this.#errorEvent(connection, 'text frames are not accepted');
    const decoded = decodeMessage(data);
    if (!decoded.ok) {
      return this.#errorEvent(connection, `not a valid MessagePack value (${decoded.reason})`);
    }
    const frame = parseRequest(decoded.value);
    if (frame.kind === 'unanswerable') return this.#errorEvent(connection, frame.message);
    if (frame.kind === 'bad-request') {
      return connection.send({
        id: frame.id,
        ok: false,
        code: 'BAD_REQUEST',
        message: frame.message,
      });
    }
    if (!this.#answerFromCache(connection, frame.request))
      void this.#dispatch(connection, frame.request);
  }

  /**
   * The hot path: a validation the session cache can decide is answered at once, with no
   * await and a pre-encoded reply. Anything else takes the general path.
   */
  #answerFromCache(connection: Connection, request: Request): boolean {
    if (request.op !== 'session.validate' || connection.inFlight >= this.#maxInFlight) return false;
    const hit = this.#ctx.sessions.validateCached(request.cookie);
    if (!hit) return false;
    setPrincipal(this.#ctx, connection, hit.user);
    connection.sendEncoded(encodeValidateReply(request.id, hit.user, hit.record));
    return true;
  }

  #errorEvent(connection: Connection, message: string): void {
    connection.send({ event: 'error', code: 'BAD_REQUEST', message });
  }

  /** Checks in the contract's order: shape (done), BUSY, principal, privilege, then the op. */
  async #dispatch(connection: Connection, request: Request): Promise<void> {
    const operation = OPERATIONS[request.op] as Operation<typeof request.op>;
    const refusal = this.#refusal(connection, operation);
    if (refusal) return this.#fail(connection, request.id, refusal);
    connection.inFlight++;
    this.#pending++;
    try {
      const result = await operation.run(this.#ctx, connection, request as never);
      connection.send({ id: request.id, ok: true, ...result });
    } catch (error) {
      this.#fail(connection, request.id, error);
    } finally {
      connection.inFlight--;
      this.#pending--;
    }
  }

  #refusal(connection: Connection, operation: Operation<Request['op']>): HubError | null {
    if (connection.inFlight >= this.#maxInFlight)
      return new BusyError('too many requests in flight');
    if (operation.needs === 'none') return null;
    if (!connection.principal) return new NotAuthenticatedError();
    if (operation.needs === 'admin' && !connection.principal.readWrite) return new ForbiddenError();
    return null;
  }

  #fail(connection: Connection, id: number, error: unknown): void {
    if (error instanceof HubError) {
      connection.send({ id, ok: false, code: error.code, message: error.message });
      return;
    }
    if ((error as { code?: unknown })?.code === 'STORE_UNAVAILABLE') {
      this.#log.error({ err: error }, 'session store unavailable');
      const message = 'the session store is unavailable; try again shortly';
      connection.send({ id, ok: false, code: 'INTERNAL', message });
      return;
    }
    this.#log.error({ err: error, connection: connection.id }, 'request failed unexpectedly');
    connection.send({ id, ok: false, code: 'INTERNAL', message: 'internal error' });
  }

  /** Closes every connection (1001, going away) and stops listening to events. */
  close(): void {
    this.#stopEvents();
    for (const connection of this.#connections) connection.close(1001, 'hub shutting down');
  }
}
