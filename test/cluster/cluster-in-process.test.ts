/**
 * Three hubs in this process sharing one Redis prefix, each with its own Redis store and event
 * bus (their own connections), as three hub processes would be. The same scenarios run against
 * real processes in cluster-processes.test.ts.
 */
import type { Redis } from 'ioredis';
import { afterEach, beforeAll, afterAll, expect, it } from 'vitest';
import { RedisEventBus } from '../../server/events/redis-event-bus.ts';
import { RedisSessionStore } from '../../server/sessions/redis-session-store.ts';
import { startTestHub, type TestHub } from '../helpers/start-test-hub.ts';
import {
  adminClient,
  deleteKeysUnder,
  freshPrefix,
  REDIS_URL,
} from '../server/sessions/redis-test-keys.ts';
import { RawClient, type Message } from '../helpers/raw-client.ts';
import { ADMIN, READER } from '../helpers/test-users.ts';
import { until } from '../server/events/bus-test-helpers.ts';
import { adminSubscriber, startValidateListClear, viewOf } from './cluster-scenario.ts';

let admin: Redis;
let hubs: TestHub[] = [];
let prefix: string;

beforeAll(() => {
  admin = adminClient();
});
afterEach(async () => {
  await Promise.all(hubs.map((hub) => hub.close()));
  hubs = [];
  await deleteKeysUnder(admin, prefix);
});
afterAll(async () => {
  await admin.quit();
});

async function startClusterHub(): Promise<TestHub> {
  const store = new RedisSessionStore({ url: REDIS_URL, prefix });
  const bus = new RedisEventBus({ url: REDIS_URL, prefix });
  await Promise.all([store.whenReady(), bus.whenReady()]);
  const sessions = { redisUrl: REDIS_URL, redisPrefix: prefix };
  return startTestHub({ sessions }, { store, bus });
}

it('starts on A, validates on B, lists on C; a clear from C reaches everyone once', async () => {
  prefix = freshPrefix('cluster-in-process');
  hubs = await Promise.all([startClusterHub(), startClusterHub(), startClusterHub()]);
  expect(hubs.every((hub) => hub.health().ok)).toBe(true);
  await startValidateListClear([hubs[0]!.url, hubs[1]!.url, hubs[2]!.url]);
});

it('recovers from a killed event subscription and re-syncs its subscribers', async () => {
  prefix = freshPrefix('cluster-fault');
  const buses: RedisEventBus[] = [];
  const startWithBus = async (): Promise<TestHub> => {
    const store = new RedisSessionStore({ url: REDIS_URL, prefix });
    const bus = new RedisEventBus({ url: REDIS_URL, prefix });
    buses.push(bus);
    await Promise.all([store.whenReady(), bus.whenReady()]);
    return startTestHub({ sessions: { redisUrl: REDIS_URL, redisPrefix: prefix } }, { store, bus });
  };
  hubs = [await startWithBus(), await startWithBus(), await startWithBus()];
  const [a, b, c] = hubs as [TestHub, TestHub, TestHub];
  const victim = buses[0]!;
  let resyncs = 0;
  victim.onResync(() => (resyncs += 1));
  const subA = await adminSubscriber(a.url);
  const subB = await adminSubscriber(b.url);
  const operator = await RawClient.connect(c.url);
  expect((await operator.request('authenticate', ADMIN)).ok).toBe(true);

  const users = await Promise.all([b, c, b, c].map((hub) => RawClient.connect(hub.url)));
  const ids: string[] = [];
  const login = async (round: number): Promise<void> => {
    const user = users[round % users.length]!;
    ids.push((await user.login(READER.username, READER.password)).session.id);
  };
  const clear = (sessionId: string) => operator.request('session.clear', { sessionId });
  for (let round = 0; round < 6; round += 1) await login(round);
  await clear(ids[0]!);

  // The clears right after the kill are published long before the bus can reconnect (its
  // first retry waits 100 ms), so hub A misses them for sure.
  const id = await pubsubClientId(admin, victim.subscriberName);
  expect(await admin.call('CLIENT', 'KILL', 'ID', id!)).toBe(1);
  await Promise.all([clear(ids[1]!), clear(ids[2]!), login(6)]);
  for (let round = 7; round < 10; round += 1) await login(round);
  await clear(ids[7]!);

  await until(() => resyncs === 1 && a.health().ok, 5_000);
  const inStore = async (): Promise<string[]> =>
    ((await operator.request('session.list')).sessions as Message[]).map((s) => s.id).sort();
  const expected = await inStore();
  expect(expected).toEqual([ids[3], ids[4], ids[5], ids[6], ids[8], ids[9]].sort());
  await until(() => viewOf(subA).join() === expected.join(), 3_000);
  expect(viewOf(subB)).toEqual(expected);
  await Promise.all([...users, operator, subA.client, subB.client].map((client) => client.close()));
});

/** The server-side id of the pub/sub connection named `name`. */
async function pubsubClientId(redis: Redis, name: string): Promise<string | undefined> {
  const list = (await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
  const line = list.split('\n').find((entry) => entry.includes(` name=${name} `));
  return line?.match(/^id=(\d+)/)?.[1];
}
