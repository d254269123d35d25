/**
 * Delivers session events to the connections of this process: `session.created` to subscribers,
 * `session.cleared` to subscribers and to every connection bound to the session, once each
 * (PROTOCOL.md, "Events"). Ending a session drops the principal of its bound connections.
 */
import { encodeMessage, type ServerEvent } from '../../protocol/index.ts';
import type { SessionEvent } from '../events/session-events.ts';
import { toWireSession } from '../sessions/public-session.ts';
import type { Connection } from './connection.ts';

export class SessionFanout {
  readonly #subscribers = new Set<Connection>();
  readonly #bound = new Map<string, Set<Connection>>();

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  get boundCount(): number {
    let count = 0;
    for (const set of this.#bound.values()) count += set.size;
    return count;
  }

  bind(connection: Connection, sessionId: string): void {
    if (connection.boundSessionId === sessionId) return;
    this.unbind(connection);
    connection.boundSessionId = sessionId;
    let set = this.#bound.get(sessionId);
    if (!set) this.#bound.set(sessionId, (set = new Set()));
    set.add(connection);
  }

  unbind(connection: Connection): void {
    const id = connection.boundSessionId;
    if (id === null) return;
    connection.boundSessionId = null;
    const set = this.#bound.get(id);
    set?.delete(connection);
    if (set?.size === 0) this.#bound.delete(id);
  }

  /** Starts buffering events for a subscription whose initial list is being read. */
  beginSubscription(connection: Connection): void {
    connection.subscription = { buffer: [] };
    this.#subscribers.add(connection);
  }

  /**
   * Makes a subscription live once its initial list was sent, replaying what arrived meanwhile
   * unless the list already showed it.
   */
  completeSubscription(connection: Connection, listedIds: ReadonlySet<string>): void {
    const state = connection.subscription;
    if (typeof state !== 'object') return; // ended while the list was being read
    connection.subscription = 'live';
    const known = new Set(listedIds);
    for (const event of state.buffer) {
      const id = event.session.id;
      if (event.type === 'created' ? known.has(id) : !known.has(id)) continue;
      if (event.type === 'created') known.add(id);
      else known.delete(id);
      connection.send(toMessage(event));
    }
  }

  endSubscription(connection: Connection): void {
    connection.subscription = 'none';
    this.#subscribers.delete(connection);
  }

  /** Forgets a closed connection. */
  remove(connection: Connection): void {
    this.endSubscription(connection);
    this.unbind(connection);
  }

  deliver(event: SessionEvent): void {
    const frame = encodeMessage(toMessage(event));
    const bound = event.type === 'cleared' ? this.#takeBound(event.session.id) : [];
    for (const connection of this.#subscribers) {
      if (bound.includes(connection)) continue;
      if (typeof connection.subscription === 'object') connection.subscription.buffer.push(event);
      else connection.sendEncoded(frame);
    }
    for (const connection of bound) {
      connection.sendEncoded(frame);
      // The session is over: its connections lose their principal and with it their
      // subscriptions, without further notice (PROTOCOL.md, "Operations").
      connection.principal = null;
      this.endSubscription(connection);
    }
  }

  #takeBound(sessionId: string): Connection[] {
    const set = this.#bound.get(sessionId);
    if (!set) return [];
    this.#bound.delete(sessionId);
    for (const connection of set) connection.boundSessionId = null;
    return [...set];
  }
}

function toMessage(event: SessionEvent): ServerEvent {
  const session = toWireSession(event.session);
  return event.type === 'created'
    ? { event: 'session.created', session }
    : { event: 'session.cleared', session, reason: event.reason };
}
