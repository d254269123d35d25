/**
 * The Lua scripts of the Redis session store. Every write is one script, so that a check and
 * the write it guards happen atomically: a touch never brings back a session that a remove
 * took, and of several racing removes exactly one sees the record.
 *
 * Scripts derive index keys from the prefix (ARGV[1]) and the record's fields, as
 * redis-keys.ts names them. That is fine on one Redis server but not on Redis Cluster, where
 * every key must be declared: the store does not support Redis Cluster.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

// Shared by the writing scripts. ARGV[1] prefix, ARGV[2] idle ms, ARGV[3] max age ms,
// ARGV[4] slack ms; a policy of 0 and 0 means that keys never expire.
const PRELUDE = `
local prefix = ARGV[1]
local idle, max_age, slack = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local function expire_at(started, seen)
  local at = nil
  if idle > 0 then at = seen + idle end
  if max_age > 0 and (at == nil or started + max_age < at) then at = started + max_age end
  if at == nil then return nil end
  return string.format('%.0f', at + slack)
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- An index lives as long as its longest-lived member. A persistent index (sessions created
-- while no policy was set) stays persistent.
local function extend(key, at, fresh)
  if fresh then redis.call('PEXPIREAT', key, at) return end
  local ttl = redis.call('PTTL', key)
  if ttl >= 0 and now_ms() + ttl < tonumber(at) then redis.call('PEXPIREAT', key, at) end
end
local function field(flat, name)
  for i = 1, #flat, 2 do if flat[i] == name then return flat[i + 1] end end
  return nil
end
`;

/**
 * KEYS: session hash, cookie key, user index, all index. ARGV after the prelude's: id,
 * startedAt, lastSeenAt, then the hash's field/value pairs. Returns 1, or 0 when the id or
 * the cookie hash is taken.
 */
const CREATE = `${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local id, started, seen = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local fresh_user = redis.call('EXISTS', KEYS[3]) == 0
local fresh_all = redis.call('EXISTS', KEYS[4]) == 0
redis.call('HSET', KEYS[1], unpack(ARGV, 8))
redis.call('SET', KEYS[2], id)
redis.call('ZADD', KEYS[3], ARGV[6], id)
redis.call('ZADD', KEYS[4], ARGV[6], id)
local at = expire_at(started, seen)
if at then
  redis.call('PEXPIREAT', KEYS[1], at)
  redis.call('PEXPIREAT', KEYS[2], at)
  extend(KEYS[3], at, fresh_user)
  extend(KEYS[4], at, fresh_all)
end
return 1
`;

/**
 * KEYS: session hash. ARGV after the prelude's: lastSeenAt. Returns the updated hash as a
 * flat list, or nil when the session is gone (nothing is written then).
 */
const TOUCH = `${PRELUDE}
local flat = redis.call('HGETALL', KEYS[1])
if #flat == 0 then return nil end
local seen = tonumber(field(flat, 'lastSeenAt'))
if tonumber(ARGV[5]) > seen then
  seen = tonumber(ARGV[5])
  redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[5])
end
local at = expire_at(tonumber(field(flat, 'startedAt')), seen)
if at then
  redis.call('PEXPIREAT', KEYS[1], at)
  redis.call('PEXPIREAT', prefix .. 'cookie:' .. field(flat, 'cookieHash'), at)
  extend(prefix .. 'user:' .. field(flat, 'username'), at, false)
  extend(prefix .. 'sessions', at, false)
end
return redis.call('HGETALL', KEYS[1])
`;

/**
 * KEYS: session hash, all index. ARGV: prefix, id. Deletes the session and every index entry
 * of it; returns its hash as a flat list, or nil when another caller got there first.
 */
const REMOVE = `
local prefix, id = ARGV[1], ARGV[2]
local flat = redis.call('HGETALL', KEYS[1])
-- An id whose hash expired may still sit in the listing until a list prunes it.
redis.call('ZREM', KEYS[2], id)
if #flat == 0 then return nil end
local cookie_hash, username
for i = 1, #flat, 2 do
  if flat[i] == 'cookieHash' then cookie_hash = flat[i + 1] end
  if flat[i] == 'username' then username = flat[i + 1] end
end
redis.call('DEL', KEYS[1])
local cookie_key = prefix .. 'cookie:' .. cookie_hash
if redis.call('GET', cookie_key) == id then redis.call('DEL', cookie_key) end
redis.call('ZREM', prefix .. 'user:' .. username, id)
return flat
`;

/**
 * KEYS: cookie key. ARGV: prefix. Returns the session's hash as a flat list, or nil. A cookie
 * key whose session expired first is deleted on the way.
 */
const FIND_BY_COOKIE = `
local id = redis.call('GET', KEYS[1])
if not id then return nil end
local flat = redis.call('HGETALL', ARGV[1] .. 'session:' .. id)
if #flat == 0 then redis.call('DEL', KEYS[1]) return nil end
return flat
`;

/**
 * KEYS: an index (all sessions, or one user's). ARGV: prefix. Returns the hashes of the
 * indexed sessions in start order, as flat lists, and prunes ids whose hash has expired.
 */
const LIST = `
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local flat = redis.call('HGETALL', ARGV[1] .. 'session:' .. id)
  if #flat == 0 then redis.call('ZREM', KEYS[1], id) else out[#out + 1] = flat end
end
return out
`;

export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

export const SCRIPTS = Object.freeze({
  create: script(CREATE),
  touch: script(TOUCH),
  remove: script(REMOVE),
  findByCookie: script(FIND_BY_COOKIE),
  list: script(LIST),
});

/**
 * Runs a script by its digest and loads it on the server's first NOSCRIPT (after a restart or
 * SCRIPT FLUSH). Defining commands on the client instead would alter a client that the
 * caller may own.
 */
export async function runScript(
  redis: Redis,
  lua: LuaScript,
  keys: string[],
  args: Array<string | number>,
): Promise<unknown> {
  try {
    return await redis.evalsha(lua.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(lua.source, keys.length, ...keys, ...args);
  }
}
