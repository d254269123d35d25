/**
 * The Redis session store, for several hub processes sharing sessions (DESIGN.md, "Modes").
 * It passes the same behavioural suite as the in-memory store
 * (test/server/sessions/store-contract.ts). Key layout: redis-keys.ts; scripts:
 * redis-scripts.ts.
 */
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import type { Mechanism } from '../../protocol/index.ts';
import { createRedisConnection, quitOrDrop, whenRedisReady } from './redis-connection.ts';
import { redisKeys, type RedisKeys } from './redis-keys.ts';
import { runScript, SCRIPTS } from './redis-scripts.ts';
import type { SessionRecord } from './session-record.ts';
import type { ExpiryPolicy, SessionStore } from './session-store.ts';
import { StoreConflictError, StoreConnectionError } from './store-errors.ts';

export interface RedisSessionStoreOptions {
  /**
   * A client to use, owned by the caller: `close()` leaves it open. Give it
   * `enableOfflineQueue: false` and `autoResendUnfulfilledCommands: false`, or use `url`.
   */
  redis?: Redis;
  /** Or a URL to open a connection of the store's own, with fail-fast settings. */
  url?: string;
  /** Namespace of every key, e.g. "session-hub:" (CONFIG.md, `sessions.redisPrefix`). */
  prefix: string;
  /**
   * Keys expire this long after the policy's deadline. With both timeouts 0 (the default)
   * keys never expire: sessions live until removed, as in the in-memory store.
   */
  expiry?: ExpiryPolicy;
  /**
   * How long past its deadline an expired session stays in Redis, so that the session
   * manager's sweep can still clear it with reason `expired` (and send its event) before Redis
   * drops it silently. Default 60000.
   */
  expirySlackMs?: number;
  /** Only with `url`: a command without a reply for this long rejects. Default 2000. */
  commandTimeoutMs?: number;
  /** Default: silent. */
  logger?: Logger;
}

export const REDIS_SESSION_STORE_DEFAULTS = Object.freeze({
  expiry: Object.freeze({ idleTimeoutMs: 0, maxAgeMs: 0 }),
  expirySlackMs: 60_000,
  commandTimeoutMs: 2_000,
});

/**
 * A SessionStore on Redis. Every write is a Lua script: a touch never recreates a removed
 * session, and of racing removes exactly one gets the record. When Redis is unreachable,
 * calls reject at once (or after `commandTimeoutMs`) with code `STORE_UNAVAILABLE`.
 *
 * @example
 * const store = new RedisSessionStore({ url: 'redis://127.0.0.1:6379', prefix: 'hub:' });
 * await store.whenReady();
 */
export class RedisSessionStore implements SessionStore {
  readonly local = false;
  readonly #redis: Redis;
  readonly #owned: boolean;
  readonly #keys: RedisKeys;
  readonly #prefix: string;
  readonly #policyArgs: [string, number, number, number];

  constructor(options: RedisSessionStoreOptions) {
    if (!options.redis === !options.url) {
      throw new TypeError('RedisSessionStore needs exactly one of `redis` and `url`');
    }
    const logger = options.logger ?? pino({ level: 'silent' });
    const expiry = options.expiry ?? REDIS_SESSION_STORE_DEFAULTS.expiry;
    const slack = options.expirySlackMs ?? REDIS_SESSION_STORE_DEFAULTS.expirySlackMs;
    this.#prefix = options.prefix;
    this.#keys = redisKeys(options.prefix);
    this.#policyArgs = [options.prefix, expiry.idleTimeoutMs, expiry.maxAgeMs, slack];
    this.#owned = !options.redis;
    this.#redis =
      options.redis ??
      createRedisConnection({
        url: options.url!,
        name: `session-hub-store:${options.prefix}`,
        commandTimeoutMs: options.commandTimeoutMs ?? REDIS_SESSION_STORE_DEFAULTS.commandTimeoutMs,
        logger,
      });
  }

  /**
   * Resolves once the connection is ready; rejects with `STORE_UNAVAILABLE` after
   * `timeoutMs`. For start-up, which may go on without Redis (health then reports it).
   */
  whenReady(timeoutMs = 5_000): Promise<void> {
    return whenRedisReady(this.#redis, timeoutMs);
  }

  async create(record: SessionRecord): Promise<void> {
    const k = this.#keys;
    const keys = [k.session(record.id), k.cookie(record.cookieHash), k.user(record.username)];
    const args = [record.id, record.startedAt, record.lastSeenAt, ...toFields(record)];
    const created = await this.#run(() =>
      runScript(this.#redis, SCRIPTS.create, [...keys, k.all()], [...this.#policyArgs, ...args]),
    );
    if (created !== 1) {
      throw new StoreConflictError(`session id or cookie hash already taken (id ${record.id})`);
    }
  }

  async get(id: string): Promise<SessionRecord | null> {
    const hash = await this.#run(() => this.#redis.hgetall(this.#keys.session(id)));
    return Object.keys(hash).length === 0 ? null : fromHash(hash);
  }

  async findByCookieHash(cookieHash: string): Promise<SessionRecord | null> {
    const keys = [this.#keys.cookie(cookieHash)];
    const flat = await this.#run(() =>
      runScript(this.#redis, SCRIPTS.findByCookie, keys, [this.#prefix]),
    );
    return fromFlat(flat);
  }

  async touch(id: string, lastSeenAt: number): Promise<SessionRecord | null> {
    const args = [...this.#policyArgs, lastSeenAt];
    const flat = await this.#run(() =>
      runScript(this.#redis, SCRIPTS.touch, [this.#keys.session(id)], args),
    );
    return fromFlat(flat);
  }

  async remove(id: string): Promise<SessionRecord | null> {
    const keys = [this.#keys.session(id), this.#keys.all()];
    const flat = await this.#run(() =>
      runScript(this.#redis, SCRIPTS.remove, keys, [this.#prefix, id]),
    );
    return fromFlat(flat);
  }

  list(): Promise<SessionRecord[]> {
    return this.#list(this.#keys.all());
  }

  listByUser(username: string): Promise<SessionRecord[]> {
    return this.#list(this.#keys.user(username));
  }

  /** One script reads the whole index: fine for thousands of sessions, slow for millions. */
  // Shortcoming: one script reads the whole index; fine for thousands of sessions, slow for
  // millions (a cursor over the sorted set would be needed).
  async #list(indexKey: string): Promise<SessionRecord[]> {
    const rows = await this.#run(() =>
      runScript(this.#redis, SCRIPTS.list, [indexKey], [this.#prefix]),
    );
    return (rows as unknown[]).map((flat) => fromFlat(flat)!);
  }

  healthy(): boolean {
    return this.#redis.status === 'ready';
  }

  async close(): Promise<void> {
    if (this.#owned) await quitOrDrop(this.#redis);
  }

  async #run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new StoreConnectionError('the Redis session store did not answer', { cause: error });
    }
  }
}

function toFields(record: SessionRecord): string[] {
  const fields = [
    ['id', record.id],
    ['cookieHash', record.cookieHash],
    ['username', record.username],
    ['readWrite', record.readWrite ? '1' : '0'],
    ['mechanism', record.mechanism],
    ['srcAddr', record.srcAddr],
    ['startedAt', String(record.startedAt)],
    ['lastSeenAt', String(record.lastSeenAt)],
  ];
  if (record.authInfo !== undefined) fields.push(['authInfo', record.authInfo]);
  return fields.flat();
}

function fromHash(hash: Record<string, string>): SessionRecord {
  const record: SessionRecord = {
    id: hash.id!,
    cookieHash: hash.cookieHash!,
    username: hash.username!,
    readWrite: hash.readWrite === '1',
    mechanism: hash.mechanism as Mechanism,
    srcAddr: hash.srcAddr!,
    startedAt: Number(hash.startedAt),
    lastSeenAt: Number(hash.lastSeenAt),
  };
  if (hash.authInfo !== undefined) record.authInfo = hash.authInfo;
  return record;
}

/** A script's HGETALL reply (a flat field/value list, or nil) as a record. */
function fromFlat(flat: unknown): SessionRecord | null {
  if (!Array.isArray(flat) || flat.length === 0) return null;
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[String(flat[i])] = String(flat[i + 1]);
  return fromHash(hash);
}
