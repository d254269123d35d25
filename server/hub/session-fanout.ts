/**
 * Delivers session events to the connections of this process: `session.created` to subscribers,
 * `session.cleared` to subscribers and to every connection bound to the session, once each
 * (PROTOCOL.md, "Events"). Ending a session drops the principal of its bound connections.
 */
import { encodeMessage, type ServerEvent } from '../../protocol/index.ts';
import type { SessionEvent } from '../events/session-events.ts';
import { toWireSession } from '../sessions/public-session.ts';
import type { Broadcaster, Connection } from './connection.ts';

/** The broadcast group of live `sessions` subscribers. */
export const SUBSCRIBERS = 'sessions';

export class SessionFanout {
  readonly #subscribers = new Set<Connection>();
  readonly #bound = new Map<string, Set<Connection>>();
  #broadcast: Broadcaster | null = null;

  /** Lets the transport deliver to the live subscribers natively. */
  useBroadcaster(broadcast: Broadcaster): void {
    this.#broadcast = broadcast;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
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
    this.endSubscription(connection);
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
    const known = new Set(listedIds);
    for (const event of state.buffer) {
      const id = event.session.id;
      if (event.type === 'created' ? known.has(id) : !known.has(id)) continue;
      if (event.type === 'created') known.add(id);
      else known.delete(id);
      connection.send(toMessage(event));
    }
    connection.subscription = 'live';
    connection.join(SUBSCRIBERS);
  }

  endSubscription(connection: Connection): void {
    if (connection.subscription === 'live') connection.leave(SUBSCRIBERS);
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
    // Bound connections leave first: they get the event once, directly, below.
    const bound = event.type === 'cleared' ? this.#takeBound(event.session.id) : [];
    for (const connection of bound) this.endSubscription(connection);
    for (const connection of this.#subscribers) {
      if (typeof connection.subscription === 'object') connection.subscription.buffer.push(event);
      else if (!this.#broadcast) connection.sendEncoded(frame);
    }
    this.#broadcast?.(SUBSCRIBERS, frame);
    for (const connection of bound) {
      connection.sendEncoded(frame);
      // The session is over: its connections lose their principal and with it their
      // subscriptions, without further notice (PROTOCOL.md, "Operations").
      connection.principal = null;
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
