/**
 * The subscriber connection is killed on the server while events flow, or goes silent. Only
 * this test's own connection is killed, by its client id: the Redis server is shared.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisEventBus } from '../../../server/events/redis-event-bus.ts';
import { adminClient, freshPrefix, REDIS_URL } from '../sessions/redis-test-keys.ts';
import { cleared, created, recorder, until } from './bus-test-helpers.ts';
import { startDelayingProxy } from './delaying-proxy.ts';

let admin: Redis;
let victim: RedisEventBus;
let other: RedisEventBus;

beforeAll(async () => {
  admin = adminClient();
  const prefix = freshPrefix('bus-fault');
  victim = new RedisEventBus({ url: REDIS_URL, prefix, pingIntervalMs: 0 });
  other = new RedisEventBus({ url: REDIS_URL, prefix });
  await Promise.all([victim.whenReady(), other.whenReady()]);
});

afterAll(async () => {
  await Promise.all([victim.close(), other.close()]);
  await admin.quit();
});

/** The server-side id of the connection named `name` in pub/sub mode, if any. */
async function pubsubClientId(name: string): Promise<string | undefined> {
  const list = (await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
  const line = list.split('\n').find((entry) => entry.includes(` name=${name} `));
  return line?.match(/^id=(\d+)/)?.[1];
}

/** Publishes `count` created/cleared pairs from `bus`, one every few milliseconds. */
async function flow(bus: RedisEventBus, tag: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await bus.publish(created(`${tag}${i}`));
    await bus.publish(cleared(`${tag}${i}`));
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
}

it('resubscribes by itself after a kill, resyncs, and hears new events', async () => {
  const onVictim = recorder();
  const onOther = recorder();
  let resyncs = 0;
  victim.subscribe(onVictim.listener);
  other.subscribe(onOther.listener);
  victim.onResync(() => (resyncs += 1));

  for (let kill = 1; kill <= 2; kill += 1) {
    const flowing = flow(other, `k${kill}-`, 40);
    await until(() => onVictim.seen.length > 10 * kill);
    const id = await pubsubClientId(victim.subscriberName);
    expect(id).toBeDefined();
    expect(await admin.call('CLIENT', 'KILL', 'ID', id!)).toBe(1);
    await flowing;
    await until(() => resyncs === kill && victim.status() === 'ready');
    expect(await pubsubClientId(victim.subscriberName)).not.toBe(id);
  }

  const before = onVictim.seen.length;
  await other.publish(created('after'));
  await victim.publish(cleared('after'));
  await until(() => onVictim.seen.length === before + 2);
  expect(onVictim.seen.slice(before)).toEqual(['created:after', 'cleared:after']);
  // The bus that kept its connection heard everything, in order.
  await until(() => onOther.seen.length === 2 * 2 * 40 + 2);
  expect(onOther.seen.slice(0, 2)).toEqual(['created:k1-0', 'cleared:k1-0']);
  expect(resyncs).toBe(2);
});

it('notices a server that went silent through its ping, reconnects and resyncs', async () => {
  const proxy = await startDelayingProxy();
  const prefix = freshPrefix('bus-silent');
  const options = { url: proxy.url, prefix, pingIntervalMs: 100, commandTimeoutMs: 300 };
  const bus = new RedisEventBus(options);
  const publisher = new RedisEventBus({ url: REDIS_URL, prefix });
  try {
    await Promise.all([bus.whenReady(), publisher.whenReady()]);
    const heard = recorder();
    let resyncs = 0;
    bus.subscribe(heard.listener);
    bus.onResync(() => (resyncs += 1));
    proxy.freezeOpenConnections();
    await until(() => bus.status() === 'down');
    await until(() => resyncs === 1 && bus.status() === 'ready');
    await publisher.publish(created('after'));
    await until(() => heard.seen.includes('created:after'));
  } finally {
    await Promise.all([bus.close(), publisher.close()]);
    await proxy.close();
  }
});
