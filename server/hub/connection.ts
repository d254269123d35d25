/**
 * One client connection's state: its principal, its binding to a session, its subscription and
 * its requests in flight (PROTOCOL.md, "The connection's principal").
 */
import { encodeMessage, type ServerMessage } from '../../protocol/index.ts';
import type { SessionEvent } from '../events/session-events.ts';
import type { HubUser } from '../sessions/hub-user.ts';

/** What a transport offers the hub for one socket. */
export interface ConnectionSink {
  /** Sends one binary frame. Never called after the transport reported the close. */
  send(frame: Uint8Array): void;
  /** Closes the socket with a WebSocket close code. */
  close(code: number, reason: string): void;
  /** Adds the socket to a broadcast group (see Broadcaster). */
  join(group: string): void;
  leave(group: string): void;
}

/**
 * Sends one frame to every socket of a group. Transports do it natively where they can: one
 * uWS publish replaces a JavaScript loop of per-socket writes, and batches the writes.
 */
export type Broadcaster = (group: string, frame: Uint8Array) => void;

/**
 * A subscription being set up buffers the events that arrive while the initial list is read,
 * so nothing falls between the list and the live stream.
 */
export type Subscription = 'none' | 'live' | { buffer: SessionEvent[] };

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  readonly srcAddr: string;
  readonly #sink: ConnectionSink;
  principal: HubUser | null = null;
  /** The session this connection is bound to, kept until its `session.cleared` is sent. */
  boundSessionId: string | null = null;
  subscription: Subscription = 'none';
  inFlight = 0;
  closed = false;

  constructor(sink: ConnectionSink, srcAddr: string) {
    this.#sink = sink;
    this.srcAddr = srcAddr;
  }

  send(message: ServerMessage): void {
    if (!this.closed) this.#sink.send(encodeMessage(message));
  }

  /** Sends bytes already encoded, for fan-out of one event to many connections. */
  sendEncoded(frame: Uint8Array): void {
    if (!this.closed) this.#sink.send(frame);
  }

  close(code: number, reason: string): void {
    if (!this.closed) this.#sink.close(code, reason);
  }

  join(group: string): void {
    if (!this.closed) this.#sink.join(group);
  }

  leave(group: string): void {
    if (!this.closed) this.#sink.leave(group);
  }
}
