/**
 * The RADIUS mechanism against a real FreeRADIUS (freeradius-harness.ts). Skipped, with a
 * message, only when the `freeradius` binary is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRadiusMechanism } from '../../server/auth/radius/index.ts';
import type { RadiusMechanism } from '../../server/auth/radius/index.ts';
import type { RadiusServerConfig } from '../../server/config/config-types.ts';
import type { SessionRecord } from '../../server/sessions/session-record.ts';
import { captureLog, radiusConfig } from '../server/auth/radius/radius-test-server.ts';
import { INTEROP_USERS, findFreeRadius, startFreeRadius } from './freeradius-harness.ts';
import type { RunningFreeRadius, SitePorts } from './freeradius-harness.ts';

const installed = findFreeRadius() !== null;
if (!installed) {
  console.warn(
    'Skipping the FreeRADIUS interop suite: the freeradius binary is not installed ' +
      '(apt-get install -y freeradius freeradius-utils)',
  );
}

describe.skipIf(!installed)('FreeRADIUS interop', () => {
  let fr: RunningFreeRadius;
  const mechanisms: RadiusMechanism[] = [];

  beforeAll(async () => {
    fr = await startFreeRadius({ users: INTEROP_USERS });
  }, 20_000);

  afterAll(async () => {
    await Promise.all(mechanisms.map((m) => m.close()));
    await fr?.stop();
  }, 15_000);

  function mechanism(
    site: SitePorts,
    server: Partial<RadiusServerConfig> = {},
    extra: Parameters<typeof radiusConfig>[1] = {},
  ) {
    const log = captureLog();
    const config = radiusConfig(
      [{ ...site, secret: fr.secret, timeoutMs: 3000, ...server }],
      extra,
    );
    const m = createRadiusMechanism(config, { logger: log.logger });
    mechanisms.push(m);
    return { m, log };
  }

  const login = (m: RadiusMechanism, username: string, password: string) =>
    m.authenticate({ username, password, srcAddr: '198.51.100.20' });

  it('authenticates against a signing server with the right privilege', async () => {
    const { m } = mechanism(fr.signed);
    const [admin, reader, prompt, wrong, mallory] = await Promise.all([
      login(m, 'admin', 'admin-pw'),
      login(m, 'reader', 'reader-pw'),
      login(m, 'prompt', 'prompt-pw'),
      login(m, 'admin', 'not-the-password'),
      login(m, 'mallory', 'anything'),
    ]);
    const serverKey = `127.0.0.1:${fr.signed.authPort}`;
    expect(admin).toEqual({ kind: 'accept', username: 'admin', readWrite: true, serverKey });
    expect(reader).toMatchObject({ kind: 'accept', readWrite: false });
    expect(prompt).toMatchObject({ kind: 'accept', readWrite: false });
    expect(wrong).toEqual({ kind: 'reject' });
    expect(mallory).toEqual({ kind: 'reject' });
  }, 10_000);

  it('authenticates against a legacy server with the per-server opt-out', async () => {
    const { m, log } = mechanism(fr.legacy, { requireMessageAuthenticator: false });
    expect(log.lines).toContainEqual(
      expect.objectContaining({ event: 'radius-message-authenticator-optional' }),
    );
    const [admin, reader, mallory] = await Promise.all([
      login(m, 'admin', 'admin-pw'),
      login(m, 'reader', 'reader-pw'),
      login(m, 'mallory', 'anything'),
    ]);
    expect(admin).toMatchObject({ kind: 'accept', readWrite: true });
    expect(reader).toMatchObject({ kind: 'accept', readWrite: false });
    expect(mallory).toEqual({ kind: 'reject' });
  }, 10_000);

  it('maps a vendor-specific attribute with the dictionary FreeRADIUS ships', async () => {
    const readWrite = { attribute: 'Cisco-AVPair', vendor: 'Cisco', values: ['shell:priv-lvl=15'] };
    const { m } = mechanism(fr.signed, {}, { readWrite });
    expect(await login(m, 'netop', 'netop-pw')).toMatchObject({ kind: 'accept', readWrite: true });
    expect(await login(m, 'viewer', 'viewer-pw')).toMatchObject({ readWrite: false });
    expect(await login(m, 'admin', 'admin-pw')).toMatchObject({ readWrite: false });
  });

  it('refuses a legacy server by default and logs how to fix it', async () => {
    const { m, log } = mechanism(fr.legacy, { timeoutMs: 1500, retries: 0 });
    expect(await login(m, 'admin', 'admin-pw')).toMatchObject({ kind: 'unavailable' });
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        event: 'radius-reply-unverified',
        cause: 'missing-message-authenticator',
        server: `127.0.0.1:${fr.legacy.authPort}`,
      }),
    );
  }, 10_000);

  it('gives no-answer with the likely causes when the secret is wrong', async () => {
    const { m, log } = mechanism(fr.signed, { secret: 'wrong-secret', timeoutMs: 300 });
    expect(await login(m, 'admin', 'admin-pw')).toMatchObject({ kind: 'no-answer' });
    expect(log.lines).toContainEqual(
      expect.objectContaining({ event: 'radius-server-status', to: 'dead', cause: 'no-reply' }),
    );
    // FreeRADIUS dropped the request because our Message-Authenticator did not verify.
    expect(fr.output()).toMatch(/invalid Message-Authenticator/i);
  }, 10_000);

  it('sends accounting Start and Stop that FreeRADIUS records', async () => {
    const { m, log } = mechanism(fr.signed, {}, { accounting: true });
    const accepted = await login(m, 'admin', 'admin-pw');
    expect(accepted.kind).toBe('accept');
    const serverKey = accepted.kind === 'accept' ? accepted.serverKey : undefined;
    const now = Date.now();
    const record: SessionRecord = {
      id: `interop-${now.toString(36)}`,
      cookieHash: '0'.repeat(64),
      username: 'admin',
      readWrite: true,
      mechanism: 'radius',
      srcAddr: '198.51.100.20',
      startedAt: now - 5000,
      lastSeenAt: now,
      ...(serverKey === undefined ? {} : { authInfo: serverKey }),
    };
    m.onStart(record);
    m.onEnd(record, 'cleared');
    const acknowledged = () =>
      log.lines.filter((l) => l.event === 'radius-accounting' && l.level === 20).length;
    const deadline = Date.now() + 5000;
    while (acknowledged() < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(acknowledged()).toBe(2);
    const detail = fr.detail();
    expect(detail).toContain(`Acct-Session-Id = "${record.id}"`);
    expect(detail).toMatch(/Acct-Status-Type = Start/);
    expect(detail).toMatch(/Acct-Status-Type = Stop/);
    expect(detail).toMatch(/Acct-Terminate-Cause = Admin-Reset/);
    expect(detail).toMatch(/Acct-Session-Time = [5-7]\b/);
    expect(detail).toContain('Calling-Station-Id = "198.51.100.20"');
  }, 10_000);
});
