/**
 * How session-hub opens its Redis connections: fail fast instead of queueing. A hub whose
 * Redis is down answers `INTERNAL` at once rather than holding requests until a reconnect.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { StoreConnectionError } from './store-errors.ts';

export interface RedisConnectionOptions {
  /** `redis://host:port/db`; REDIS_URL in the CLI. */
  url: string;
  /** Shown by CLIENT LIST, so that an operator (or a test) can tell the hub's connections. */
  name: string;
  /** A command without a reply for this long rejects. Default 2000. */
  commandTimeoutMs?: number;
  logger: Logger;
}

/** Delay before reconnect attempt `times`: quick at first, then every two seconds. */
function retryDelay(times: number): number {
  return Math.min(50 * 2 ** Math.min(times, 6), 2_000);
}

/**
 * A server that stops answering without closing the socket: the socket is dropped after
 * `ms` without a reply, which rejects the commands in flight and starts a reconnect. The
 * command timeout is only a backstop: were it to fire first, the next command would still be
 * written to the dead socket.
 */
export function timeouts(ms: number): {
  socketTimeout: number;
  commandTimeout: number;
  connectTimeout: number;
} {
  return { socketTimeout: ms, commandTimeout: ms + 250, connectTimeout: ms };
}

/** CLIENT SETNAME takes no spaces or control characters. */
export function connectionName(name: string): string {
  return name.replace(/[^\x21-\x7e]/g, '_');
}

/**
 * Opens a connection with no offline queue, no retries of in-flight commands (a replayed
 * script could apply twice) and a bounded command time, and logs its outages.
 */
export function createRedisConnection(options: RedisConnectionOptions): Redis {
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    ...timeouts(options.commandTimeoutMs ?? 2_000),
    retryStrategy: retryDelay,
    connectionName: connectionName(options.name),
  });
  logOutages(redis, options.logger.child({ redis: connectionName(options.name) }));
  return redis;
}

/**
 * Logs one line when a connection is lost (or cannot be made at start-up) and one when it is
 * back, however many reconnect attempts lie between. The `error` listener also keeps ioredis
 * from printing unhandled errors itself.
 */
export function logOutages(redis: Redis, logger: Logger): void {
  let state: 'starting' | 'up' | 'down' = 'starting';
  redis.on('error', (error: Error) => {
    logger.debug({ err: error }, 'redis connection error');
    if (state !== 'starting') return;
    logger.warn({ err: error }, 'redis unreachable; retrying');
    state = 'down';
  });
  redis.on('ready', () => {
    if (state !== 'up') logger.info('redis connection ready');
    state = 'up';
  });
  redis.on('close', () => {
    if (state === 'up') logger.warn('redis connection lost; reconnecting');
    if (state === 'up') state = 'down';
  });
}

/** Resolves when `redis` is ready; rejects with `STORE_UNAVAILABLE` after `timeoutMs`. */
export function whenRedisReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new StoreConnectionError(`Redis not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}

/** QUIT when the server can hear it; otherwise just drop the socket and stop reconnecting. */
export async function quitOrDrop(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
