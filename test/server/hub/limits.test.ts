/**
 * Limits and abandoned work: clients that leave before their answer, requests in flight per
 * connection, and the bounded login queue.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../helpers/start-test-hub.ts';
import { eventually, RawClient } from '../../helpers/raw-client.ts';
import { ADMIN } from '../../helpers/test-users.ts';
import { DelayedMechanism } from '../../helpers/delayed-mechanism.ts';

let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.close();
  hub = null;
});

describe.each(['uws', 'ws'] as const)('limits over the %s transport', (transport) => {
  it('survives dozens of clients that drop before their login is answered', async () => {
    // Throttling off, so the per-username gate lets every login reach the hash queue.
    const limits = { maxConcurrentHashes: 1, loginFailuresBeforeThrottle: 0 };
    hub = await startTestHub({ transport, limits });
    const running = hub;
    const quitters = await Promise.all(
      Array.from({ length: 24 }, () => RawClient.connect(running.url)),
    );
    for (const client of quitters) client.send({ id: 1, op: 'authenticate', ...ADMIN });
    // One hash at a time: most logins are still queued when their clients vanish.
    await eventually(() => running.stats().pendingHashes >= quitters.length / 2);
    for (const client of quitters) client.socket.terminate(); // gone without a close handshake
    await eventually(() => running.stats().connections === 0);
    expect(running.stats().pendingHashes).toBeGreaterThan(0); // the logins outlive their clients
    const next = await RawClient.connect(running.url);
    expect(await next.request('authenticate', ADMIN)).toMatchObject({ ok: true });
    await next.close();
    await eventually(() => {
      const stats = running.stats();
      return stats.connections === 0 && stats.pendingRequests === 0 && stats.pendingHashes === 0;
    }, 20_000);
    expect(running.health().ok).toBe(true);
  });

  it('answers BUSY past the limit of requests in flight, and serves again after', async () => {
    const slow = new DelayedMechanism(300);
    hub = await startTestHub(
      { transport, limits: { maxInFlightPerConnection: 128 } },
      { mechanisms: [slow] },
    );
    const client = await RawClient.connect(hub.url);
    for (let id = 1; id <= 130; id++) {
      client.send({ id, op: 'authenticate', username: `user${id}`, password: 'ok' });
    }
    const busy = await client.waitFor((m) => m.code === 'BUSY');
    expect(busy.id).toBeGreaterThan(128);
    const answered = await client.waitFor(
      () => client.messages.filter((m) => 'id' in m).length === 130,
      30_000,
    );
    expect(answered).toBeTruthy();
    const codes = client.messages.filter((m) => 'id' in m).map((m) => m.code);
    expect(codes.filter((c) => c === 'BUSY')).toHaveLength(2);
    client.send({ id: 500, op: 'session.validate', cookie: 'x' });
    expect(await client.waitFor((m) => m.id === 500)).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await client.close();
  });

  it('answers BUSY when the login queue is full', async () => {
    hub = await startTestHub({ transport, limits: { maxConcurrentHashes: 1, maxQueuedLogins: 1 } });
    const client = await RawClient.connect(hub.url);
    for (let id = 1; id <= 4; id++) client.send({ id, op: 'authenticate', ...ADMIN });
    await client.waitFor(() => client.messages.filter((m) => 'id' in m).length === 4, 10_000);
    const codes = client.messages.filter((m) => 'id' in m).map((m) => m.code ?? 'OK');
    expect(codes.filter((c) => c === 'BUSY').length).toBeGreaterThanOrEqual(2);
    expect(codes.filter((c) => c === 'OK').length).toBeGreaterThanOrEqual(1);
    await client.close();
  });
});
