/**
 * Validation racing clear, as several hub processes would run them: each handle below has its
 * own connection, so the commands really interleave on the server.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisSessionStore } from '../../../server/sessions/redis-session-store.ts';
import {
  adminClient,
  deleteKeysUnder,
  freshPrefix,
  keysUnder,
  REDIS_URL,
} from './redis-test-keys.ts';
import { sampleRecord } from './store-contract.ts';

const ROUNDS = 300;
const prefix = freshPrefix('race');
const policy = { idleTimeoutMs: 60_000, maxAgeMs: 3_600_000 };
let admin: Redis;
let handles: RedisSessionStore[];

beforeAll(async () => {
  admin = adminClient();
  handles = Array.from(
    { length: 3 },
    () => new RedisSessionStore({ url: REDIS_URL, prefix, expiry: policy }),
  );
  await Promise.all(handles.map((store) => store.whenReady()));
});

afterAll(async () => {
  await Promise.all(handles.map((store) => store.close()));
  await deleteKeysUnder(admin, prefix);
  await admin.quit();
});

/** What a validate does in the hub: look the cookie up, then record the activity. */
async function validate(store: RedisSessionStore, cookieHash: string): Promise<boolean> {
  const found = await store.findByCookieHash(cookieHash);
  if (!found) return false;
  return (await store.touch(found.id, Date.now())) !== null;
}

it('leaves no trace of a session that validations and clears raced over', async () => {
  const [a, b, c] = handles as [RedisSessionStore, RedisSessionStore, RedisSessionStore];
  const survivors: string[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const now = Date.now();
    const record = sampleRecord({ username: `user${round % 7}`, startedAt: now, lastSeenAt: now });
    await a.create(record);
    const validations = [a, b, c, a, b, c].map((store) => validate(store, record.cookieHash));
    const clears = [c.remove(record.id), b.remove(record.id)];
    const touches = [a, b].map((store) => store.touch(record.id, Date.now() + 1));
    const [removedByC, removedByB] = await Promise.all(clears);
    await Promise.all([...validations, ...touches]);
    expect([removedByC, removedByB].filter((removed) => removed !== null)).toHaveLength(1);
    if (await validate(a, record.cookieHash)) survivors.push(record.id);
  }
  expect(survivors).toEqual([]);
  expect(await a.list()).toEqual([]);
  expect(await keysUnder(admin, prefix)).toEqual([]);
});
