/**
 * Issue 4 end to end: three hub processes started through the CLI, sharing one Redis under a
 * prefix of this test's own, talked to only over the wire.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { RawClient, type Message } from '../helpers/raw-client.ts';
import { ADMIN, READER, tempUsersDir } from '../helpers/test-users.ts';
import { until } from '../server/events/bus-test-helpers.ts';
import {
  adminClient,
  deleteKeysUnder,
  freshPrefix,
  REDIS_URL,
} from '../server/sessions/redis-test-keys.ts';
import { adminSubscriber, startValidateListClear, viewOf } from './cluster-scenario.ts';
import { startHubProcess, type HubProcess } from './hub-process.ts';

let admin: Redis;
let users: Awaited<ReturnType<typeof tempUsersDir>>;
let hubs: HubProcess[] = [];
let prefix: string;

beforeAll(async () => {
  admin = adminClient();
  users = await tempUsersDir();
});
afterEach(async () => {
  await Promise.all(hubs.map((hub) => hub.stop()));
  hubs = [];
  await deleteKeysUnder(admin, prefix);
});
afterAll(async () => {
  await users.remove();
  await admin.quit();
});

async function startCluster(label: string): Promise<[HubProcess, HubProcess, HubProcess]> {
  prefix = freshPrefix(label);
  const config = {
    users: users.usersFile,
    sessions: { redisUrl: REDIS_URL, redisPrefix: prefix },
  };
  const started = await Promise.allSettled(
    ['a', 'b', 'c'].map((name) => startHubProcess(users.dir, `${label}-${name}`, config)),
  );
  hubs = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  for (const result of started) if (result.status === 'rejected') throw result.reason;
  return hubs as [HubProcess, HubProcess, HubProcess];
}

/** Kills the event subscriptions of this test's hubs only, found by connection name. */
async function killSubscriptions(): Promise<number> {
  const list = (await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
  const ours = list
    .split('\n')
    .filter((line) => line.includes(` name=session-hub-sub:${prefix}`))
    .map((line) => line.match(/^id=(\d+)/)![1]!);
  for (const id of ours) await admin.call('CLIENT', 'KILL', 'ID', id);
  return ours.length;
}

async function healthy(url: string): Promise<boolean> {
  const response = await fetch(url.replace(/^ws/, 'http').replace(/\/ws$/, '/healthz'));
  return response.status === 200;
}

it('starts on A, validates on B, lists on C; a clear from C reaches everyone once', async () => {
  const [a, b, c] = await startCluster('processes');
  await startValidateListClear([a.url, b.url, c.url]);
}, 60_000);

it('recovers from killed subscriptions; every subscriber ends up seeing the store', async () => {
  const [a, b, c] = await startCluster('processes-fault');
  const subscribers = [await adminSubscriber(a.url), await adminSubscriber(b.url)];
  const operator = await RawClient.connect(c.url);
  expect((await operator.request('authenticate', ADMIN)).ok).toBe(true);
  const clients = await Promise.all([a, b, c].map((hub) => RawClient.connect(hub.url)));
  const ids: string[] = [];
  const login = async (i: number): Promise<void> => {
    const client = clients[i % clients.length]!;
    ids.push((await client.login(READER.username, READER.password)).session.id);
  };
  const clear = (sessionId: string) => operator.request('session.clear', { sessionId });
  for (let i = 0; i < 5; i += 1) await login(i);

  expect(await killSubscriptions()).toBe(3);
  await Promise.all([clear(ids[0]!), clear(ids[1]!), login(5)]);
  for (let i = 6; i < 9; i += 1) await login(i);
  await clear(ids[6]!);

  for (const hub of [a, b, c]) {
    const deadline = Date.now() + 5_000;
    while (!(await healthy(hub.url)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await healthy(hub.url)).toBe(true);
  }
  const listed = (await operator.request('session.list')).sessions as Message[];
  const expected = listed.map((s) => s.id).sort();
  expect(expected).toEqual([ids[2], ids[3], ids[4], ids[5], ids[7], ids[8]].sort());
  for (const subscriber of subscribers) {
    await until(() => viewOf(subscriber).join() === expected.join(), 3_000);
  }
  await Promise.all(
    [...clients, operator, ...subscribers.map((s) => s.client)].map((x) => x.close()),
  );
}, 60_000);
