import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { UdpRequestPool } from '../../../../server/auth/radius/udp-request-pool.ts';
import type { PendingRequest, Slot } from '../../../../server/auth/radius/udp-request-pool.ts';

const pools: UdpRequestPool[] = [];
afterEach(() => pools.splice(0).forEach((p) => p.close()));

function pool(maxSockets: number, maxQueued: number): UdpRequestPool {
  const counters = { malformed: 0, spoofed: 0, unmatched: 0, unverified: 0 };
  const p = new UdpRequestPool({
    maxSockets,
    maxQueued,
    counters,
    logger: pino({ level: 'silent' }),
  });
  pools.push(p);
  return p;
}

const request: PendingRequest = { address: '127.0.0.1', port: 9, onDatagram: () => {} };

describe('UDP request pool', () => {
  it('gives 256 distinct identifiers per socket, then opens another socket', async () => {
    const p = pool(2, 0);
    const slots = await Promise.all(Array.from({ length: 300 }, () => p.acquire(4, request)));
    expect(new Set(slots.slice(0, 256).map((s) => s.id)).size).toBe(256);
    expect(p.socketCount()).toBe(2);
    expect(p.inFlight()).toBe(300);
  });

  it('queues when every identifier is taken and hands a freed one to a waiter', async () => {
    const p = pool(1, 1);
    const slots = await Promise.all(Array.from({ length: 256 }, () => p.acquire(4, request)));
    const waiting = p.acquire(4, request);
    await expect(p.acquire(4, request)).rejects.toMatchObject({ code: 'RADIUS_POOL_BUSY' });
    slots[10]!.release();
    const slot: Slot = await waiting;
    expect(slot.id).toBe(slots[10]!.id);
    expect(p.inFlight()).toBe(256);
  });

  it('does not hand out a just-freed identifier while others are free', async () => {
    const p = pool(1, 0);
    const first = await p.acquire(4, request);
    first.release();
    const second = await p.acquire(4, request);
    expect(second.id).not.toBe(first.id);
  });

  it('fails waiters when closed', async () => {
    const p = pool(1, 5);
    await Promise.all(Array.from({ length: 256 }, () => p.acquire(4, request)));
    const waiting = p.acquire(4, request);
    p.close();
    await expect(waiting).rejects.toMatchObject({ code: 'RADIUS_POOL_CLOSED' });
  });
});
