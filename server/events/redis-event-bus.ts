/**
 * The event bus of a cluster: session events go through one Redis pub/sub channel,
 * `<prefix>events`, and every hub process receives every event once, its own included
 * (PROTOCOL.md, "Several hub processes").
 *
 * Publishing uses one connection, listening a dedicated one. The listening side is a state
 * machine, changed only by `#transition`:
 *
 *   connecting -> ready     first subscription confirmed
 *   connecting -> down      first connection failed
 *   ready      -> down      subscriber connection lost (or its health ping went unanswered)
 *   down       -> ready     resubscribed; `onResync` listeners run, as events may have been lost
 *   any        -> closed    close()
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import {
  connectionName,
  createRedisConnection,
  logOutages,
  timeouts,
  quitOrDrop,
} from '../sessions/redis-connection.ts';
import { redisKeys } from '../sessions/redis-keys.ts';
import { BusUnavailableError } from '../sessions/store-errors.ts';
import { decodeEnvelope, encodeEnvelope, type BusEnvelope } from './bus-envelope.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import type { BusStatus, EventBus, SessionEvent, SessionEventListener } from './session-events.ts';

export interface RedisEventBusOptions {
  /**
   * A client to publish on, owned by the caller (`close()` leaves it open); the subscriber
   * connection is a duplicate of it. Or give `url`.
   */
  redis?: Redis;
  /** Or a URL: the bus then opens both of its connections itself. */
  url?: string;
  /** Namespace of the channel, `<prefix>events`; the same prefix as the store's. */
  prefix: string;
  /** A command (publish, subscribe, ping) without a reply for this long fails. Default 2000. */
  commandTimeoutMs?: number;
  /**
   * How often the subscriber connection is pinged, so that a silently dead server is noticed
   * even when no event flows; 0 turns it off. Default 5000.
   */
  pingIntervalMs?: number;
  /** Default: silent. */
  logger?: Logger;
}

export const REDIS_EVENT_BUS_DEFAULTS = Object.freeze({
  commandTimeoutMs: 2_000,
  pingIntervalMs: 5_000,
});

const TRANSITIONS: Readonly<Record<BusStatus, readonly BusStatus[]>> = {
  connecting: ['ready', 'down', 'closed'],
  ready: ['down', 'closed'],
  down: ['ready', 'closed'],
  closed: [],
};

/**
 * An EventBus on Redis pub/sub. Listeners get events in the channel's order; this process's
 * own events no earlier than a turn after their `publish()` settled.
 *
 * @example
 * const bus = new RedisEventBus({ url: 'redis://127.0.0.1:6379', prefix: 'hub:' });
 * bus.subscribe((event) => console.log(event.type, event.session.id));
 * bus.onResync(() => cache.clear());
 */
export class RedisEventBus implements EventBus {
  readonly #publisher: Redis;
  readonly #ownsPublisher: boolean;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #prefix: string;
  readonly #origin = randomUUID();
  readonly #logger: Logger;
  readonly #listeners = new Set<SessionEventListener>();
  readonly #resyncListeners = new Set<() => void>();
  readonly #readyWaiters = new Set<() => void>();
  readonly #queue: DeliveryQueue;
  #status: BusStatus = 'connecting';
  #seq = 0;
  #pingTimer: NodeJS.Timeout | undefined;

  constructor(options: RedisEventBusOptions) {
    if (!options.redis === !options.url) {
      throw new TypeError('RedisEventBus needs exactly one of `redis` and `url`');
    }
    this.#logger = options.logger ?? pino({ level: 'silent' });
    this.#prefix = options.prefix;
    this.#channel = redisKeys(options.prefix).channel();
    this.#queue = new DeliveryQueue(this.#origin, (envelope) => this.#deliver(envelope));
    const timeout = options.commandTimeoutMs ?? REDIS_EVENT_BUS_DEFAULTS.commandTimeoutMs;
    this.#ownsPublisher = !options.redis;
    this.#publisher = options.redis ?? this.#open(options.url!, 'pub', timeout);
    this.#subscriber = options.url
      ? this.#open(options.url, 'sub', timeout)
      : this.#duplicate(options.redis!, timeout);
    this.#watchSubscriber();
    this.#startPing(options.pingIntervalMs ?? REDIS_EVENT_BUS_DEFAULTS.pingIntervalMs);
  }

  /**
   * The name the subscriber connection shows in CLIENT LIST, so that an operator (or a fault
   * test) can find it: `session-hub-sub:<prefix><instance>`, unique to this bus.
   */
  get subscriberName(): string {
    return connectionName(`session-hub-sub:${this.#prefix}${this.#origin.slice(0, 8)}`);
  }

  async publish(event: SessionEvent): Promise<void> {
    if (this.#status === 'closed') return;
    const seq = ++this.#seq;
    const payload = encodeEnvelope({ v: 1, o: this.#origin, s: seq, e: event });
    this.#queue.publishing(seq);
    try {
      await this.#publisher.publish(this.#channel, payload);
    } catch (error) {
      throw new BusUnavailableError('could not publish a session event', { cause: error });
    } finally {
      this.#queue.settled(seq);
    }
  }

  subscribe(listener: SessionEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onResync(listener: () => void): () => void {
    this.#resyncListeners.add(listener);
    return () => this.#resyncListeners.delete(listener);
  }

  status(): BusStatus {
    return this.#status;
  }

  /**
   * Resolves once the subscription is live; rejects with `BUS_UNAVAILABLE` after
   * `timeoutMs`. Events published before then are not received by this process.
   */
  whenReady(timeoutMs = 5_000): Promise<void> {
    if (this.#status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#readyWaiters.delete(done);
        reject(new BusUnavailableError(`event subscription not live within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#readyWaiters.add(done);
    });
  }

  async close(): Promise<void> {
    if (this.#status === 'closed') return;
    this.#transition('closed', 'closed by the hub');
    clearInterval(this.#pingTimer);
    this.#queue.clear();
    this.#listeners.clear();
    this.#resyncListeners.clear();
    await quitOrDrop(this.#subscriber);
    if (this.#ownsPublisher) await quitOrDrop(this.#publisher);
  }

  #open(url: string, role: 'pub' | 'sub', timeout: number): Redis {
    const name = role === 'sub' ? this.subscriberName : `session-hub-pub:${this.#prefix}`;
    return createRedisConnection({ url, name, commandTimeoutMs: timeout, logger: this.#logger });
  }

  #duplicate(redis: Redis, timeout: number): Redis {
    const subscriber = redis.duplicate({
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      autoResubscribe: false,
      ...timeouts(timeout),
      connectionName: this.subscriberName,
      lazyConnect: false,
    });
    logOutages(subscriber, this.#logger.child({ redis: this.subscriberName }));
    return subscriber;
  }

  // The bus subscribes by itself after every (re)connection rather than through ioredis's
  // autoResubscribe, which gives no signal that the subscription is live again.
  #watchSubscriber(): void {
    const sub = this.#subscriber;
    sub.on('ready', () => this.#resubscribe());
    sub.on('close', () => this.#transition('down', 'subscriber connection closed'));
    sub.on('message', (channel: string, text: string) => {
      if (channel !== this.#channel) return;
      const envelope = decodeEnvelope(text);
      if (envelope) this.#queue.push(envelope);
      else this.#logger.warn({ channel }, 'ignored an unreadable message on the event channel');
    });
  }

  #resubscribe(): void {
    if (this.#status === 'closed') return;
    this.#subscriber.subscribe(this.#channel).then(
      () => this.#transition('ready', 'subscribed'),
      (error: unknown) => {
        if (this.#status === 'closed') return;
        this.#logger.warn({ err: error }, 'could not subscribe to the event channel; reconnecting');
        this.#subscriber.disconnect(true);
      },
    );
  }

  #startPing(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.#pingTimer = setInterval(() => {
      if (this.#status !== 'ready') return;
      this.#subscriber.ping().catch(() => {
        if (this.#status !== 'ready') return;
        this.#logger.warn('event subscription ping unanswered; reconnecting');
        this.#subscriber.disconnect(true);
      });
    }, intervalMs);
    // The ping only watches the connection; it must not keep the process alive.
    this.#pingTimer.unref();
  }

  /** The only place the status changes. Transitions the table does not allow are ignored. */
  #transition(next: BusStatus, reason: string): void {
    const from = this.#status;
    if (from === next || !TRANSITIONS[from].includes(next)) return;
    this.#status = next;
    const log = next === 'down' ? this.#logger.warn : this.#logger.info;
    log.call(this.#logger, { from, to: next, reason }, `event subscription ${next}`);
    if (next !== 'ready') return;
    for (const resolve of [...this.#readyWaiters]) resolve();
    this.#readyWaiters.clear();
    if (from === 'down') this.#runResync();
  }

  #runResync(): void {
    for (const listener of [...this.#resyncListeners]) {
      try {
        listener();
      } catch (error) {
        this.#logger.error({ err: error }, 'a resync listener threw');
      }
    }
  }

  #deliver(envelope: BusEnvelope): void {
    if (this.#status === 'closed') return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(envelope.e);
      } catch (error) {
        this.#logger.error({ err: error }, 'a session event listener threw');
      }
    }
  }
}
