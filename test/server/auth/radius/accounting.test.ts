import { afterEach, describe, expect, it } from 'vitest';
import { createRadiusMechanism, terminateCause } from '../../../../server/auth/radius/index.ts';
import type { RadiusMechanism } from '../../../../server/auth/radius/index.ts';
import type { SessionRecord } from '../../../../server/sessions/session-record.ts';
import { radiusConfig, startSilentServer, startTestRadiusServer } from './radius-test-server.ts';
import type { TestRadiusServer } from './radius-test-server.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(): Promise<TestRadiusServer> {
  const s = await startTestRadiusServer();
  cleanups.push(() => s.close());
  return s;
}

function mechanism(...args: Parameters<typeof createRadiusMechanism>): RadiusMechanism {
  const m = createRadiusMechanism(...args);
  cleanups.push(() => m.close());
  return m;
}

function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    id: 's-4f2a',
    cookieHash: 'c'.repeat(64),
    username: 'alice',
    readWrite: true,
    mechanism: 'radius',
    srcAddr: '192.0.2.9',
    startedAt: now - 42_000,
    lastSeenAt: now,
    ...overrides,
  };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('RADIUS accounting', () => {
  it('sends Start and Stop to the server that authenticated the user', async () => {
    const first = await server();
    const second = await server();
    const config = radiusConfig([{ authPort: first.port }, { authPort: second.port }], {
      accounting: true,
    });
    const m = mechanism(config);
    const session = record({ authInfo: `127.0.0.1:${second.port}` });
    m.onStart(session);
    m.onEnd(session, 'logout');
    await until(() => second.received.length === 2);
    expect(first.received).toHaveLength(0);
    expect(second.violations).toEqual([]); // each Request Authenticator checked out
    const [start, stop] = second.received.map((r) => r.packet);
    const common = {
      'Acct-Session-Id': 's-4f2a',
      'User-Name': 'alice',
      'Calling-Station-Id': '192.0.2.9',
      'NAS-Identifier': 'session-hub-test',
      'NAS-IP-Address': '127.0.0.1',
    };
    expect(start?.code).toBe('Accounting-Request');
    expect(start?.attributes).toMatchObject({ 'Acct-Status-Type': 'Start', ...common });
    expect(start?.attributes).not.toHaveProperty('Acct-Session-Time');
    expect(stop?.attributes).toMatchObject({
      'Acct-Status-Type': 'Stop',
      'Acct-Terminate-Cause': 'User-Request',
      ...common,
    });
    expect(stop?.attributes['Acct-Session-Time']).toBeGreaterThanOrEqual(42);
    expect(stop?.attributes['Acct-Session-Time']).toBeLessThan(45);
  });

  it('maps every end cause to its Acct-Terminate-Cause', () => {
    expect(terminateCause('logout')).toBe('User-Request');
    expect(terminateCause('cleared')).toBe('Admin-Reset');
    expect(terminateCause('expired')).toBe('Idle-Timeout');
    expect(terminateCause('expired', 'idle')).toBe('Idle-Timeout');
    expect(terminateCause('expired', 'max-age')).toBe('Session-Timeout');
    expect(terminateCause('shutdown')).toBe('NAS-Reboot');
  });

  it('carries the terminate cause of a clear and of an absolute expiry on the wire', async () => {
    const s = await server();
    const m = mechanism(radiusConfig([{ authPort: s.port }], { accounting: true }));
    m.onEnd(record({ id: 'a' }), 'cleared');
    await until(() => s.received.length === 1);
    m.onEnd(record({ id: 'b' }), 'expired', 'max-age');
    await until(() => s.received.length === 2);
    const causes = s.received.map((r) => r.packet.attributes['Acct-Terminate-Cause']);
    expect(causes).toEqual(['Admin-Reset', 'Session-Timeout']);
  });

  it('sends nothing for local sessions or when accounting is off', async () => {
    const s = await server();
    const on = mechanism(radiusConfig([{ authPort: s.port }], { accounting: true }));
    const off = mechanism(radiusConfig([{ authPort: s.port }]));
    off.onStart(record({ id: 'off' }));
    on.onStart(record({ id: 'local', mechanism: 'local' }));
    on.onStart(record({ id: 'radius' }));
    await until(() => s.received.length >= 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.received.map((r) => r.packet.attributes['Acct-Session-Id'])).toEqual(['radius']);
  });

  it('retransmits and fails over like an Access-Request', async () => {
    const dead = await startSilentServer();
    cleanups.push(() => dead.close());
    const live = await server();
    const config = radiusConfig(
      [{ authPort: dead.port, timeoutMs: 50, retries: 1 }, { authPort: live.port }],
      { accounting: true },
    );
    const m = mechanism(config);
    m.onStart(record({ authInfo: `127.0.0.1:${dead.port}` }));
    await until(() => live.received.length === 1);
    expect(dead.received).toHaveLength(2);
    expect(dead.received[1]?.equals(dead.received[0]!)).toBe(true);
  });

  it('lets a Stop sent at shutdown reach the server before close resolves', async () => {
    const s = await server();
    s.handler = () => ({ code: 'Accounting-Response', delayMs: 100 });
    const m = mechanism(radiusConfig([{ authPort: s.port }], { accounting: true }));
    m.onEnd(record(), 'shutdown');
    await m.close();
    expect(s.received.map((r) => r.packet.attributes['Acct-Terminate-Cause'])).toEqual([
      'NAS-Reboot',
    ]);
    expect(m.stats().inFlight).toBe(0);
  });

  it('gives up on accounting in flight after the drain time when closing', async () => {
    const dead = await startSilentServer();
    cleanups.push(() => dead.close());
    const config = radiusConfig([{ authPort: dead.port, timeoutMs: 5000 }], { accounting: true });
    const m = mechanism(config, { accountingDrainMs: 100 });
    m.onEnd(record(), 'shutdown');
    const started = Date.now();
    await m.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
