import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisEventBus } from '../../../server/events/redis-event-bus.ts';
import type { SessionEvent } from '../../../server/events/session-events.ts';
import { adminClient, freshPrefix, REDIS_URL } from '../sessions/redis-test-keys.ts';
import { cleared, created, recorder, until } from './bus-test-helpers.ts';
import { startDelayingProxy } from './delaying-proxy.ts';
import { closedPort } from '../../helpers/closed-port.ts';

let admin: Redis;
const opened: RedisEventBus[] = [];

beforeAll(() => {
  admin = adminClient();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((bus) => bus.close()));
});
afterAll(async () => {
  await admin.quit();
});

async function openBus(prefix: string): Promise<RedisEventBus> {
  const bus = new RedisEventBus({ url: REDIS_URL, prefix });
  opened.push(bus);
  await bus.whenReady();
  return bus;
}

describe('RedisEventBus', () => {
  it('delivers every event once to every bus of the prefix, its own included', async () => {
    const prefix = freshPrefix('bus');
    const [a, b] = [await openBus(prefix), await openBus(prefix)];
    const [onA, onB] = [recorder(), recorder()];
    a.subscribe(onA.listener);
    b.subscribe(onB.listener);
    await a.publish(created('s1'));
    await b.publish(cleared('s1'));
    await until(() => onA.seen.length >= 2 && onB.seen.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(onA.seen).toEqual(['created:s1', 'cleared:s1']);
    expect(onB.seen).toEqual(['created:s1', 'cleared:s1']);
  });

  it('carries the event intact', async () => {
    const prefix = freshPrefix('bus-body');
    const bus = await openBus(prefix);
    const heard: SessionEvent[] = [];
    bus.subscribe((event) => heard.push(event));
    const event = cleared('s9');
    await bus.publish(event);
    await until(() => heard.length === 1);
    expect(heard).toEqual([event]);
  });

  it('keeps the channel’s order for every listener on every bus', async () => {
    const prefix = freshPrefix('bus-order');
    const [a, b] = [await openBus(prefix), await openBus(prefix)];
    const [onA, onB] = [recorder(), recorder()];
    a.subscribe(onA.listener);
    b.subscribe(onB.listener);
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 100; i += 1) {
      sends.push(a.publish(created(`a${i}`)), b.publish(created(`b${i}`)));
    }
    await Promise.all(sends);
    await until(() => onA.seen.length === 200 && onB.seen.length === 200);
    expect(onA.seen).toEqual(onB.seen);
    const fromA = onA.seen.filter((entry) => entry.startsWith('created:a'));
    expect(fromA).toEqual(Array.from({ length: 100 }, (_, i) => `created:a${i}`));
  });

  it('delivers its own event only after publish() resolved and its caller went on', async () => {
    // The publisher's replies come back slowly, so the event reaches the subscriber
    // connection before the publish is acknowledged.
    const proxy = await startDelayingProxy();
    proxy.delayNextConnections(40);
    const publisher = new Redis(proxy.url, { connectionName: 'session-hub-test-slow' });
    await new Promise((resolve) => publisher.once('ready', resolve));
    proxy.delayNextConnections(0);
    const bus = new RedisEventBus({ redis: publisher, prefix: freshPrefix('bus-after') });
    try {
      await bus.whenReady();
      let responded = false;
      const order: string[] = [];
      bus.subscribe(() => order.push(responded ? 'after response' : 'before response'));
      for (let i = 0; i < 5; i += 1) {
        responded = false;
        await bus.publish(created(`s${i}`));
        responded = true;
        await until(() => order.length === i + 1);
      }
      expect(order).toEqual(Array(5).fill('after response'));
    } finally {
      await bus.close();
      publisher.disconnect();
      await proxy.close();
    }
  });

  it('hears nothing from another prefix', async () => {
    const mine = await openBus(freshPrefix('bus-mine'));
    const theirs = await openBus(freshPrefix('bus-theirs'));
    const onMine = recorder();
    mine.subscribe(onMine.listener);
    await theirs.publish(created('x'));
    await mine.publish(created('y'));
    await until(() => onMine.seen.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(onMine.seen).toEqual(['created:y']);
  });

  it('skips an unreadable message and a throwing listener, and goes on', async () => {
    const prefix = freshPrefix('bus-garbage');
    const bus = await openBus(prefix);
    const after = recorder();
    bus.subscribe(() => {
      throw new Error('listener failure');
    });
    bus.subscribe(after.listener);
    await admin.publish(`${prefix}events`, 'not json');
    await admin.publish(`${prefix}events`, JSON.stringify({ v: 1, o: 'x', s: 1, e: {} }));
    await bus.publish(created('s1'));
    await until(() => after.seen.length === 1);
    expect(after.seen).toEqual(['created:s1']);
  });

  it('stops calling a listener that unsubscribed', async () => {
    const bus = await openBus(freshPrefix('bus-unsub'));
    const [gone, stays] = [recorder(), recorder()];
    const stop = bus.subscribe(gone.listener);
    bus.subscribe(stays.listener);
    stop();
    await bus.publish(created('s1'));
    await until(() => stays.seen.length === 1);
    expect(gone.seen).toEqual([]);
  });

  it('publishes on a caller-owned client and leaves it open on close', async () => {
    const prefix = freshPrefix('bus-owned');
    const bus = new RedisEventBus({ redis: admin, prefix });
    await bus.whenReady();
    const heard = recorder();
    bus.subscribe(heard.listener);
    await bus.publish(created('s1'));
    await until(() => heard.seen.length === 1);
    await bus.close();
    expect(admin.status).toBe('ready');
  });

  it('goes from connecting to ready to closed, and ignores publishes once closed', async () => {
    const bus = new RedisEventBus({ url: REDIS_URL, prefix: freshPrefix('bus-status') });
    expect(bus.status()).toBe('connecting');
    await bus.whenReady();
    expect(bus.status()).toBe('ready');
    await bus.close();
    expect(bus.status()).toBe('closed');
    await expect(bus.publish(created('s1'))).resolves.toBeUndefined();
  });
});

describe('RedisEventBus without Redis', () => {
  it('rejects publishes with BUS_UNAVAILABLE and is not ready', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const bus = new RedisEventBus({ url, prefix: freshPrefix('bus-down') });
    opened.push(bus);
    const started = Date.now();
    await expect(bus.publish(created('s1'))).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(500);
    await expect(bus.whenReady(300)).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
    expect(['connecting', 'down']).toContain(bus.status());
  });
});
