/** Per-test Redis key prefixes for the suites that talk to the real Redis (REDIS_URL). */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test run uses. */
export function freshPrefix(label: string): string {
  return `session-hub-test:${label}:${randomBytes(6).toString('hex')}:`;
}

/** Every key under `prefix`; SCAN is fine here, the store itself never scans. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys.sort();
}

export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}

/** A plain client for the test's own checks, distinct from the connections under test. */
export function adminClient(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectionName: 'session-hub-test' });
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
