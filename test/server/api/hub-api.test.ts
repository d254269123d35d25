/** The in-process API with the reference API's semantics (DESIGN.md). */
import { afterEach, describe, expect, it } from 'vitest';
import { SessionDoesNotExistError, SessionExistsError } from '../../../server/errors.ts';
import type { HubUser } from '../../../server/sessions/hub-user.ts';
import { startTestHub, type TestHub } from '../../helpers/start-test-hub.ts';
import { ADMIN, READER } from '../../helpers/test-users.ts';

let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.close();
  hub = null;
});

describe('the in-process API', () => {
  it('resolves a user for good credentials and null for bad ones', async () => {
    hub = await startTestHub();
    const user = await hub.api.authenticateUser(ADMIN.username, ADMIN.password, '192.0.2.1');
    expect(user).toMatchObject({
      username: 'admin',
      readWrite: true,
      mechanism: 'local',
      sessionCookie: null,
      sessionStart: null,
    });
    expect(await hub.api.authenticateUser('admin', 'wrong', '192.0.2.1')).toBeNull();
    expect(await hub.api.authenticateUser('nobody', 'x', '192.0.2.1')).toBeNull();
  });

  it('calls back later from authenticateUserAsync', async () => {
    hub = await startTestHub();
    const running = hub;
    let returned = false;
    const result = await new Promise<HubUser | null>((resolve) => {
      running.api.authenticateUserAsync(resolve, READER.username, READER.password, '::1');
      returned = true;
    });
    expect(returned).toBe(true);
    expect(result?.readWrite).toBe(false);
    const failed = await new Promise<HubUser | null>((resolve) => {
      running.api.authenticateUserAsync(resolve, READER.username, 'nope', '::1');
    });
    expect(failed).toBeNull();
  });

  it('returns the same user object for every validation of one session', async () => {
    hub = await startTestHub();
    const user = (await hub.api.authenticateUser(READER.username, READER.password, '10.0.0.1'))!;
    const before = Date.now();
    const cookie = await user.startSession('10.0.0.1');
    expect(user.sessionCookie).toBe(cookie);
    expect(user.sessionStart).toBeGreaterThanOrEqual(before);
    expect(await hub.api.validateSession(cookie)).toBe(user);
    expect(await hub.api.validateSession(cookie)).toBe(user);
    user.data.set('cart', ['apple']);
    expect((await hub.api.validateSession(cookie))?.data.get('cart')).toEqual(['apple']);
  });

  it('throws SessionExistsError and SessionDoesNotExistError like the reference', async () => {
    hub = await startTestHub();
    const user = (await hub.api.authenticateUser(READER.username, READER.password, '10.0.0.1'))!;
    await expect(user.endSession()).rejects.toBeInstanceOf(SessionDoesNotExistError);
    const cookie = await user.startSession('10.0.0.1');
    await expect(user.startSession('10.0.0.1')).rejects.toBeInstanceOf(SessionExistsError);
    await expect(user.startSession('10.0.0.1')).rejects.toMatchObject({ code: 'SESSION_EXISTS' });
    await user.endSession();
    expect(user.sessionCookie).toBeNull();
    expect(await hub.api.validateSession(cookie)).toBeNull();
    await expect(user.endSession()).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    const second = await user.startSession('10.0.0.1'); // a new session after ending one
    expect(second).not.toBe(cookie);
    expect(await hub.api.validateSession(second)).toBe(user);
  });

  it('refuses concurrent starts on one user object', async () => {
    hub = await startTestHub();
    const user = (await hub.api.authenticateUser(READER.username, READER.password, '10.0.0.1'))!;
    const results = await Promise.allSettled([
      user.startSession('10.0.0.1'),
      user.startSession('10.0.0.1'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await hub.api.getSessions()).filter((s) => s.username === 'reader')).toHaveLength(1);
  });

  it('lists sessions, clears them, and stores only a hash of each cookie', async () => {
    hub = await startTestHub();
    const user = (await hub.api.authenticateUser(
      ADMIN.username,
      ADMIN.password,
      '::ffff:10.1.2.3',
    ))!;
    const cookie = await user.startSession('::ffff:10.1.2.3');
    const [session] = await hub.api.getSessions();
    expect(session).toMatchObject({ username: 'admin', srcAddr: '10.1.2.3', readWrite: true });
    expect(JSON.stringify(session)).not.toContain(cookie);
    expect(await hub.api.clearSession(session!.id)).toBe(true);
    expect(await hub.api.clearSession(session!.id)).toBe(false);
    expect(user.sessionCookie).toBeNull();
    expect(await hub.api.validateSession(cookie)).toBeNull();
  });

  it('clears every session of one user', async () => {
    hub = await startTestHub();
    for (let i = 0; i < 3; i++) {
      const user = await hub.api.authenticateUser(READER.username, READER.password, '10.0.0.9');
      await user!.startSession('10.0.0.9');
    }
    const admin = await hub.api.authenticateUser(ADMIN.username, ADMIN.password, '10.0.0.9');
    await admin!.startSession('10.0.0.9');
    expect(await hub.api.clearUserSessions('reader')).toBe(3);
    expect((await hub.api.getSessions()).map((s) => s.username)).toEqual(['admin']);
  });

  it('rejects a source address that is not an IP address', async () => {
    hub = await startTestHub();
    await expect(hub.api.authenticateUser('a', 'b', 'not-an-ip')).rejects.toBeInstanceOf(TypeError);
    const user = (await hub.api.authenticateUser(READER.username, READER.password, '10.0.0.1'))!;
    await expect(user.startSession('999.1.1.1')).rejects.toBeInstanceOf(TypeError);
  });
});

describe('session expiry', () => {
  it('clears an idle session with reason expired, on read and by the sweeper', async () => {
    hub = await startTestHub({ sessions: { idleTimeoutMs: 1500 } });
    const events: string[] = [];
    hub.sessions.onEvent((e) => events.push(e.type === 'cleared' ? `cleared:${e.reason}` : e.type));
    const user = (await hub.api.authenticateUser(READER.username, READER.password, '10.0.0.1'))!;
    const cookie = await user.startSession('10.0.0.1');
    // Two validations 800 ms apart: past the idle time since the start, not since activity.
    for (let i = 0; i < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(await hub.api.validateSession(cookie)).toBe(user);
    }
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await hub.api.validateSession(cookie)).toBeNull();
    expect(events).toEqual(['created', 'cleared:expired']);
    expect(await hub.api.getSessions()).toEqual([]);
  });

  it('clears a session past its absolute age even while it is used', async () => {
    hub = await startTestHub({ sessions: { maxAgeMs: 1000 } });
    const user = (await hub.api.authenticateUser(READER.username, READER.password, '10.0.0.1'))!;
    const cookie = await user.startSession('10.0.0.1');
    const startedAt = user.sessionStart!;
    const deadline = Date.now() + 2500;
    let validUntil = 0;
    while (Date.now() < deadline) {
      if (await hub.api.validateSession(cookie)) validUntil = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(validUntil - startedAt).toBeGreaterThan(500);
    expect(validUntil - startedAt).toBeLessThan(1000);
    expect(user.sessionStart).toBeNull();
    expect(await hub.api.validateSession(cookie)).toBeNull();
  });
});
