/**
 * Opens the two Redis parts of cluster mode, a session store and an event bus under one prefix,
 * for the `serve` command and embedding applications.
 */
import { pino, type Logger } from 'pino';
import { RedisEventBus } from '../events/redis-event-bus.ts';
import { RedisSessionStore } from './redis-session-store.ts';
import type { ExpiryPolicy } from './session-store.ts';

export interface RedisClusterOptions {
  /** `sessions.redisUrl` (REDIS_URL). */
  url: string;
  /** `sessions.redisPrefix`: keys and the event channel of this cluster. */
  prefix: string;
  /** The hub's session timeouts, from which keys get their TTLs. Default: both off. */
  expiry?: ExpiryPolicy;
  /**
   * How long start-up waits for Redis. When it is not reachable by then, the hub starts
   * anyway, not ready (`/healthz` 503), and both parts keep reconnecting. Default 3000.
   */
  readyTimeoutMs?: number;
  /** Default: silent. */
  logger?: Logger;
}

/**
 * Opens a RedisSessionStore and a RedisEventBus, each with its own connections, and waits for
 * them for at most `readyTimeoutMs`. The caller closes both (startHub does).
 *
 * @example
 * const { store, bus } = await openRedisCluster({ url: 'redis://127.0.0.1:6379', prefix });
 * const hub = await startHub(config, { store, bus });
 */
export async function openRedisCluster(
  options: RedisClusterOptions,
): Promise<{ store: RedisSessionStore; bus: RedisEventBus }> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const { url, prefix } = options;
  const store = new RedisSessionStore({ url, prefix, expiry: options.expiry, logger });
  const bus = new RedisEventBus({ url, prefix, logger: logger.child({ area: 'events' }) });
  const timeout = options.readyTimeoutMs ?? 3_000;
  try {
    await Promise.all([store.whenReady(timeout), bus.whenReady(timeout)]);
  } catch {
    logger.warn({ timeoutMs: timeout }, 'Redis not reachable at start-up; starting not ready');
  }
  return { store, bus };
}
