/**
 * The hub over WebSocket, authenticating against a real FreeRADIUS: the user's mechanism and
 * privilege on the wire, accounting for the session, and the fallback rule with local
 * accounts. Skipped, with a message, only when the `freeradius` binary is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRadiusMechanism } from '../../server/auth/radius/index.ts';
import type { RadiusConfig } from '../../server/config/config-types.ts';
import { RawClient } from '../helpers/raw-client.ts';
import { startTestHub } from '../helpers/start-test-hub.ts';
import type { TestHub } from '../helpers/start-test-hub.ts';
import { ADMIN } from '../helpers/test-users.ts';
import { radiusConfig, startSilentServer } from '../server/auth/radius/radius-test-server.ts';
import { INTEROP_USERS, findFreeRadius, startFreeRadius } from './freeradius-harness.ts';
import type { RunningFreeRadius, SitePorts } from './freeradius-harness.ts';

const installed = findFreeRadius() !== null;
if (!installed) {
  console.warn('Skipping the hub-over-FreeRADIUS suite: the freeradius binary is not installed');
}

describe.skipIf(!installed)('hub with RADIUS over WebSocket', () => {
  let fr: RunningFreeRadius;
  const hubs: TestHub[] = [];
  const clients: RawClient[] = [];

  beforeAll(async () => {
    fr = await startFreeRadius({ users: INTEROP_USERS });
  }, 20_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(hubs.map((h) => h.close()));
    await fr?.stop();
  }, 15_000);

  function config(site: SitePorts, extra: Partial<RadiusConfig> = {}, timeoutMs = 3000) {
    return radiusConfig([{ ...site, secret: fr.secret, timeoutMs }], extra);
  }

  async function connect(hub: TestHub): Promise<RawClient> {
    const client = await RawClient.connect(hub.url);
    clients.push(client);
    return client;
  }

  it('authenticates RADIUS users with their privilege and accounts for sessions', async () => {
    const radius = config(fr.signed, { accounting: true });
    const mechanism = createRadiusMechanism(radius);
    const hub = await startTestHub(
      { mechanisms: ['radius'], radius },
      { mechanisms: [mechanism], hooks: [mechanism] },
    );
    hubs.push(hub);
    const client = await connect(hub);
    expect(client.events('hello')[0]?.mechanisms).toEqual(['radius']);
    const admin = await client.request('authenticate', { username: 'admin', password: 'admin-pw' });
    expect(admin).toMatchObject({
      ok: true,
      user: { username: 'admin', readWrite: true, mechanism: 'radius' },
    });
    const started = await client.request('session.start');
    expect(started).toMatchObject({ ok: true, session: { mechanism: 'radius' } });
    expect(await client.request('session.end')).toMatchObject({ ok: true });
    const reader = await connect(hub);
    expect(
      await reader.request('authenticate', { username: 'reader', password: 'reader-pw' }),
    ).toMatchObject({ ok: true, user: { readWrite: false, mechanism: 'radius' } });
    expect(
      await reader.request('authenticate', { username: 'mallory', password: 'x' }),
    ).toMatchObject({ ok: false, code: 'AUTH_FAILED' });
    const sessionId = String(started.session.id);
    const deadline = Date.now() + 5000;
    while (!/Acct-Terminate-Cause = User-Request/.test(fr.detail()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const detail = fr.detail();
    expect(detail).toContain(`Acct-Session-Id = "${sessionId}"`);
    expect(detail).toMatch(/Acct-Status-Type = Start/);
    expect(detail).toMatch(/Acct-Terminate-Cause = User-Request/);
    expect(detail).not.toContain(String(started.cookie));
  }, 15_000);

  it('falls back to local accounts only when no RADIUS server answered', async () => {
    const silent = await startSilentServer();
    hubs.push({ close: () => silent.close() } as TestHub);
    const deadRadius = config({ authPort: silent.port, acctPort: silent.port }, {}, 200);
    deadRadius.servers[0]!.retries = 0;
    const hub = await startTestHub({ mechanisms: ['radius', 'local'], radius: deadRadius });
    hubs.push(hub);
    const client = await connect(hub);
    expect(client.events('hello')[0]?.mechanisms).toEqual(['radius', 'local']);
    const local = await client.request('authenticate', {
      username: ADMIN.username,
      password: ADMIN.password,
    });
    expect(local).toMatchObject({ ok: true, user: { mechanism: 'local' } });
    expect(silent.received).toHaveLength(1);
  }, 15_000);

  it('answers AUTH_UNAVAILABLE, not a local fallback, when replies fail verification', async () => {
    // The legacy site does not sign its replies, and the hub requires it by default.
    const unsigned = config(fr.legacy, {}, 1500);
    unsigned.servers[0]!.retries = 0;
    const hub = await startTestHub({ mechanisms: ['radius', 'local'], radius: unsigned });
    hubs.push(hub);
    const client = await connect(hub);
    const answer = await client.request('authenticate', {
      username: ADMIN.username,
      password: ADMIN.password,
    });
    expect(answer).toMatchObject({ ok: false, code: 'AUTH_UNAVAILABLE' });
  }, 15_000);
});
