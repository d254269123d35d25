/**
 * The hub's session behaviour over the wire, run against both stores (memory, and Redis with
 * its event bus) so that they cannot drift apart: validate, end, clear, expiry and binding.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openRedisCluster } from '../../../server/sessions/redis-cluster.ts';
import type { StartHubOptions } from '../../../server/start-hub.ts';
import { RawClient } from '../../helpers/raw-client.ts';
import { startTestHub, type ConfigOverrides, type TestHub } from '../../helpers/start-test-hub.ts';
import { ADMIN, READER } from '../../helpers/test-users.ts';
import { deleteKeysUnder, freshPrefix, keysUnder, REDIS_URL } from './redis-test-keys.ts';

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deleteKeysUnder(redis, prefix);
  redis.disconnect();
});

type Backend = (overrides: ConfigOverrides) => Promise<StartHubOptions>;

const backends: Array<[string, Backend]> = [
  ['memory', async () => ({})],
  [
    'redis',
    async (overrides) => {
      const prefix = freshPrefix('behaviour');
      prefixes.push(prefix);
      const expiry = { idleTimeoutMs: 0, maxAgeMs: 0, ...overrides.sessions };
      return openRedisCluster({ url: REDIS_URL, prefix, expiry });
    },
  ],
];

describe.each(backends)('sessions with the %s store', (_name, backend) => {
  let hub: TestHub | null = null;
  const clients: RawClient[] = [];
  const start = async (overrides: ConfigOverrides = {}) => {
    hub = await startTestHub(overrides, await backend(overrides));
    return hub;
  };
  const connect = async () => {
    const client = await RawClient.connect(hub!.url);
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await hub?.close();
    hub = null;
  });

  it('validates a cookie to the same user object until the session ends', async () => {
    const running = await start();
    const user = (await running.api.authenticateUser(READER.username, READER.password, '::1'))!;
    const cookie = await user.startSession('::1');
    expect(await running.api.validateSession(cookie)).toBe(user);
    expect(await running.api.validateSession(cookie)).toBe(user);
    await user.endSession();
    expect(await running.api.validateSession(cookie)).toBeNull();
    expect(await running.api.getSessions()).toEqual([]);
  });

  it('binds validating connections and drops their principal on clear', async () => {
    await start();
    const owner = await connect();
    const { cookie, session } = await owner.login(READER.username, READER.password);
    const other = await connect();
    expect((await other.request('session.validate', { cookie })).ok).toBe(true);
    const admin = await connect();
    await admin.request('authenticate', ADMIN);
    await admin.request('subscribe', { topic: 'sessions' });
    expect((await admin.request('session.clear', { sessionId: session.id })).ok).toBe(true);
    for (const client of [owner, other, admin]) {
      const event = await client.waitFor((m) => m.event === 'session.cleared');
      expect(event).toMatchObject({ reason: 'cleared', session: { id: session.id } });
    }
    expect(await other.request('session.start')).toMatchObject({ code: 'NOT_AUTHENTICATED' });
    expect(await other.request('session.validate', { cookie })).toMatchObject({
      code: 'SESSION_NOT_FOUND',
    });
  });

  it('ends a session with reason logout, response before event', async () => {
    await start();
    const owner = await connect();
    const { session } = await owner.login(READER.username, READER.password);
    const ended = await owner.request('session.end');
    const event = await owner.waitFor((m) => m.event === 'session.cleared');
    expect(event).toMatchObject({ reason: 'logout', session: { id: session.id } });
    expect(owner.messages.indexOf(ended)).toBeLessThan(owner.messages.indexOf(event));
  });

  it('expires an idle session with reason expired', async () => {
    const running = await start({ sessions: { idleTimeoutMs: 400 } });
    const owner = await connect();
    const { cookie, session } = await owner.login(READER.username, READER.password);
    const event = await owner.waitFor((m) => m.event === 'session.cleared', 5000);
    expect(event).toMatchObject({ reason: 'expired', session: { id: session.id } });
    expect(await running.api.validateSession(cookie)).toBeNull();
  });

  it('clears every session of one user', async () => {
    const running = await start();
    for (const name of [READER, READER, ADMIN]) {
      const user = await running.api.authenticateUser(name.username, name.password, '::1');
      await user!.startSession('::1');
    }
    expect(await running.api.clearUserSessions(READER.username)).toBe(2);
    expect((await running.api.getSessions()).map((s) => s.username)).toEqual(['admin']);
  });
});

describe('a hub whose Redis is unreachable', () => {
  it('reports not ready and answers INTERNAL with a plain message', async () => {
    const prefix = freshPrefix('down');
    const parts = await openRedisCluster({
      url: 'redis://127.0.0.1:1',
      prefix,
      readyTimeoutMs: 300,
    });
    const hub = await startTestHub({}, parts);
    try {
      expect(hub.health()).toMatchObject({ ok: false, store: 'down', events: 'down' });
      const response = await fetch(hub.url.replace('ws://', 'http://').replace('/ws', '/healthz'));
      expect(response.status).toBe(503);
      const client = await RawClient.connect(hub.url);
      await client.request('authenticate', READER);
      const started = await client.request('session.start');
      expect(started).toMatchObject({ ok: false, code: 'INTERNAL' });
      expect(started.message).toMatch(/session store is unavailable/);
      await client.close();
    } finally {
      await hub.close();
    }
    expect(await keysUnder(redis, prefix)).toEqual([]);
  });
});
