/**
 * The key layout of the Redis session store, all under one prefix (CONFIG.md, "Redis"):
 *
 * - `<prefix>session:<id>`: hash of the record's fields
 * - `<prefix>cookie:<cookieHash>`: the session id
 * - `<prefix>user:<username>`: sorted set of the user's session ids, scored by start time
 * - `<prefix>sessions`: sorted set of every session id, scored by start time (the listing)
 * - `<prefix>events`: the pub/sub channel of session events
 *
 * The scripts in redis-scripts.ts derive the same names from the prefix; the two must agree.
 */

export interface RedisKeys {
  session(id: string): string;
  cookie(cookieHash: string): string;
  user(username: string): string;
  all(): string;
  channel(): string;
}

/** Names every key under `prefix`; the prefix usually ends with a colon. */
export function redisKeys(prefix: string): RedisKeys {
  return {
    session: (id) => `${prefix}session:${id}`,
    cookie: (cookieHash) => `${prefix}cookie:${cookieHash}`,
    user: (username) => `${prefix}user:${username}`,
    all: () => `${prefix}sessions`,
    channel: () => `${prefix}events`,
  };
}
