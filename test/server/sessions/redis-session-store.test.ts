import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisSessionStore } from '../../../server/sessions/redis-session-store.ts';
import type { ExpiryPolicy } from '../../../server/sessions/session-store.ts';
import {
  adminClient,
  deleteKeysUnder,
  freshPrefix,
  keysUnder,
  REDIS_URL,
} from './redis-test-keys.ts';
import { startDelayingProxy } from '../events/delaying-proxy.ts';
import { describeStoreContract, sampleRecord } from './store-contract.ts';
import { closedPort } from '../../helpers/closed-port.ts';

let admin: Redis;
beforeAll(() => {
  admin = adminClient();
});
afterAll(async () => {
  await admin.quit();
});

async function openStores(prefix: string, expiry?: ExpiryPolicy, slack?: number) {
  const options = { url: REDIS_URL, prefix, expiry, expirySlackMs: slack };
  const store = new RedisSessionStore(options);
  const peer = new RedisSessionStore(options);
  await Promise.all([store.whenReady(), peer.whenReady()]);
  return { store, peer };
}

describeStoreContract('RedisSessionStore', async () => {
  const prefix = freshPrefix('contract');
  const { store, peer } = await openStores(prefix);
  const cleanup = async (): Promise<void> => {
    await Promise.all([store.close(), peer.close()]);
    await deleteKeysUnder(admin, prefix);
  };
  return { store, peer, cleanup };
});

describe('RedisSessionStore keys', () => {
  let prefix: string;
  let stores: Awaited<ReturnType<typeof openStores>> | undefined;
  afterEach(async () => {
    await Promise.all([stores?.store.close(), stores?.peer.close()]);
    stores = undefined;
    await deleteKeysUnder(admin, prefix);
  });

  const HOUR = 3_600_000;
  const policy = { idleTimeoutMs: 10 * 60_000, maxAgeMs: 8 * HOUR };

  it('keeps every key of a session, and nothing else, under the prefix', async () => {
    prefix = freshPrefix('layout');
    stores = await openStores(prefix);
    const record = sampleRecord();
    await stores.store.create(record);
    expect(await keysUnder(admin, prefix)).toEqual(
      [
        `${prefix}cookie:${record.cookieHash}`,
        `${prefix}session:${record.id}`,
        `${prefix}sessions`,
        `${prefix}user:alice`,
      ].sort(),
    );
  });

  it('sets no TTL when no expiry policy is set', async () => {
    prefix = freshPrefix('no-ttl');
    stores = await openStores(prefix);
    await stores.store.create(sampleRecord());
    for (const key of await keysUnder(admin, prefix)) expect(await admin.pttl(key)).toBe(-1);
  });

  it('expires every key at the idle deadline plus slack, and a touch moves it', async () => {
    prefix = freshPrefix('idle-ttl');
    stores = await openStores(prefix, policy, 60_000);
    const now = Date.now();
    const record = sampleRecord({ startedAt: now, lastSeenAt: now });
    await stores.store.create(record);
    const expected = now + policy.idleTimeoutMs + 60_000;
    for (const key of await keysUnder(admin, prefix)) {
      expect(Number(await admin.pexpiretime(key))).toBe(expected);
    }
    await stores.peer.touch(record.id, now + 120_000);
    for (const key of await keysUnder(admin, prefix)) {
      expect(Number(await admin.pexpiretime(key))).toBe(expected + 120_000);
    }
  });

  it('never lets the absolute age be exceeded by touches', async () => {
    prefix = freshPrefix('max-age-ttl');
    stores = await openStores(prefix, { idleTimeoutMs: 10 * 60_000, maxAgeMs: 15 * 60_000 }, 0);
    const now = Date.now();
    const record = sampleRecord({ startedAt: now, lastSeenAt: now });
    await stores.store.create(record);
    await stores.store.touch(record.id, now + 10 * 60_000);
    const sessionKey = `${prefix}session:${record.id}`;
    expect(Number(await admin.pexpiretime(sessionKey))).toBe(now + 15 * 60_000);
  });

  it('keeps an index as long as its longest-lived session', async () => {
    prefix = freshPrefix('index-ttl');
    stores = await openStores(prefix, policy, 0);
    const now = Date.now();
    const early = sampleRecord({ startedAt: now, lastSeenAt: now });
    const late = sampleRecord({ startedAt: now, lastSeenAt: now + 30_000 });
    await stores.store.create(late);
    await stores.store.create(early);
    const lateDeadline = now + 30_000 + policy.idleTimeoutMs;
    expect(Number(await admin.pexpiretime(`${prefix}user:alice`))).toBe(lateDeadline);
    expect(Number(await admin.pexpiretime(`${prefix}sessions`))).toBe(lateDeadline);
  });

  it('lets every key of an expired session vanish and drops it from listings', async () => {
    prefix = freshPrefix('vanish');
    stores = await openStores(prefix, { idleTimeoutMs: 150, maxAgeMs: 0 }, 50);
    const now = Date.now();
    const record = sampleRecord({ startedAt: now, lastSeenAt: now });
    await stores.store.create(record);
    expect(await stores.store.list()).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await stores.store.list()).toEqual([]);
    expect(await stores.store.findByCookieHash(record.cookieHash)).toBeNull();
    expect(await keysUnder(admin, prefix)).toEqual([]);
  });

  it('leaves no key at all once the last session is removed', async () => {
    prefix = freshPrefix('removed');
    stores = await openStores(prefix, policy, 1_000);
    const records = [sampleRecord(), sampleRecord({ username: 'bob' })];
    for (const record of records) await stores.store.create(record);
    for (const record of records) await stores.peer.remove(record.id);
    expect(await keysUnder(admin, prefix)).toEqual([]);
  });

  it('rejects a duplicate create with code STORE_CONFLICT', async () => {
    prefix = freshPrefix('conflict');
    stores = await openStores(prefix);
    const record = sampleRecord();
    await stores.store.create(record);
    await expect(stores.peer.create(record)).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
  });

  it('does not see the sessions of another prefix', async () => {
    prefix = freshPrefix('isolated');
    stores = await openStores(prefix);
    const other = await openStores(freshPrefix('isolated-other'));
    const record = sampleRecord();
    await other.store.create(record);
    try {
      expect(await stores.store.list()).toEqual([]);
      expect(await stores.store.findByCookieHash(record.cookieHash)).toBeNull();
    } finally {
      await other.store.remove(record.id);
      await Promise.all([other.store.close(), other.peer.close()]);
    }
  });
});

describe('RedisSessionStore when Redis fails', () => {
  it('rejects promptly with STORE_UNAVAILABLE and reports itself unhealthy', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const store = new RedisSessionStore({ url, prefix: freshPrefix('down') });
    try {
      const started = Date.now();
      await expect(store.create(sampleRecord())).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      });
      await expect(store.findByCookieHash('00')).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      });
      expect(Date.now() - started).toBeLessThan(500);
      expect(store.healthy()).toBe(false);
      await expect(store.whenReady(200)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await store.close();
    }
  });

  it('fails fast when the server goes silent, then recovers by itself', async () => {
    const proxy = await startDelayingProxy();
    const prefix = freshPrefix('silent');
    const store = new RedisSessionStore({ url: proxy.url, prefix, commandTimeoutMs: 300 });
    try {
      await store.whenReady();
      const record = sampleRecord();
      await store.create(record);
      proxy.freezeOpenConnections();
      const started = Date.now();
      await expect(store.get(record.id)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(Date.now() - started).toBeLessThan(1_000);
      await store.whenReady(3_000);
      expect(store.healthy()).toBe(true);
      expect(await store.remove(record.id)).toEqual(record);
    } finally {
      await store.close();
      await proxy.close();
      await deleteKeysUnder(admin, prefix);
    }
  });

  it('refuses options that name both a client and a URL, or neither', () => {
    expect(() => new RedisSessionStore({ prefix: 'x:' })).toThrow(TypeError);
    const both = { prefix: 'x:', url: REDIS_URL, redis: admin };
    expect(() => new RedisSessionStore(both)).toThrow(TypeError);
  });
});
