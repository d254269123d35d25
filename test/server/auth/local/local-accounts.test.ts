/** Local accounts through the hub: throttling, IPv4-mapped addresses, unknown users. */
import { stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../../../server/auth/local/password-hasher.ts';
import { LocalMechanism } from '../../../../server/auth/local/local-mechanism.ts';
import { readUsers, writeUsers } from '../../../../server/auth/local/users-file.ts';
import { startTestHub, type TestHub } from '../../../helpers/start-test-hub.ts';
import { ADMIN, READER, tempUsersDir } from '../../../helpers/test-users.ts';
import { RateLimitedError } from '../../../../server/errors.ts';

let hub: TestHub | null = null;
afterEach(async () => {
  await hub?.close();
  hub = null;
});

/** Counts verifications: the unknown-user path must pay for one like any other login. */
class CountingHasher extends PasswordHasher {
  verifications = 0;
  override verify(hash: string, password: string): Promise<boolean> {
    this.verifications++;
    return super.verify(hash, password);
  }
}

describe('local accounts', () => {
  it('verifies a hash for unknown usernames, costing what a wrong password costs', async () => {
    const dir = await tempUsersDir();
    const hasher = new CountingHasher({ maxConcurrent: 1, maxQueued: 10 });
    const local = new LocalMechanism({ usersFile: dir.usersFile, hasher });
    await local.load();
    const attempt = { password: 'wrong', srcAddr: '10.0.0.1' };
    expect(await local.authenticate({ username: 'ghost', ...attempt })).toEqual({ kind: 'reject' });
    expect(await local.authenticate({ username: 'admin', ...attempt })).toEqual({ kind: 'reject' });
    expect(hasher.verifications).toBe(2);
    await dir.remove();
  });

  it('throttles per username, and per address counting IPv4-mapped IPv6 as IPv4', async () => {
    hub = await startTestHub({ limits: { loginFailuresBeforeThrottle: 2 } });
    const running = hub;
    for (const addr of ['10.0.0.1', '::ffff:10.0.0.1']) {
      expect(await running.api.authenticateUser('admin', 'bad', addr)).toBeNull();
    }
    const limited = running.api.authenticateUser('admin', ADMIN.password, '10.0.0.7');
    await expect(limited).rejects.toBeInstanceOf(RateLimitedError);
    await expect(limited).rejects.toThrow(/retry in \d+ s/);
    // Eight failures (four times the limit) from one address, in either form, block it.
    for (let i = 0; i < 6; i++) {
      const addr = i % 2 ? '10.0.0.1' : '::ffff:10.0.0.1';
      expect(await running.api.authenticateUser(`nobody${i}`, 'bad', addr)).toBeNull();
    }
    await expect(
      running.api.authenticateUser(READER.username, READER.password, '::ffff:10.0.0.1'),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const elsewhere = running.api.authenticateUser(READER.username, READER.password, '10.0.0.2');
    expect(await elsewhere).not.toBeNull();
  });

  it('lets no more guesses through than the limit, even all at once', async () => {
    hub = await startTestHub({ limits: { loginFailuresBeforeThrottle: 5 } });
    const running = hub;
    const guesses = Array.from({ length: 20 }, (_, i) =>
      running.api.authenticateUser('admin', `guess-${i}`, `10.0.1.${i}`).then(
        () => 'AUTH_FAILED',
        (error: { code: string }) => error.code,
      ),
    );
    const codes = await Promise.all(guesses);
    expect(codes.filter((c) => c === 'AUTH_FAILED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(15);
  });

  it('queues a burst of correct logins of one user instead of refusing them', async () => {
    hub = await startTestHub({ limits: { loginFailuresBeforeThrottle: 2 } });
    const running = hub;
    const logins = Array.from({ length: 8 }, (_, i) =>
      running.api.authenticateUser(ADMIN.username, ADMIN.password, `10.0.2.${i}`),
    );
    for (const user of await Promise.all(logins)) expect(user?.username).toBe('admin');
  });

  it('picks up users added to the file while the hub runs', async () => {
    hub = await startTestHub();
    const users = await readUsers(hub.usersFile);
    const hasher = new PasswordHasher({ maxConcurrent: 1, maxQueued: 1 });
    users.set('carol', { hash: await hasher.hash('carol-pw'), readWrite: false });
    await writeUsers(hub.usersFile, users);
    const carol = await hub.api.authenticateUser('carol', 'carol-pw', '10.0.0.3');
    expect(carol).toMatchObject({ username: 'carol', readWrite: false });
  });

  it('re-hashes an old hash with the current parameters on login', async () => {
    hub = await startTestHub();
    const argon2 = (await import('argon2')).default;
    const users = await readUsers(hub.usersFile);
    const weak = await argon2.hash('old-pw', {
      type: argon2.argon2id,
      memoryCost: 1024,
      timeCost: 1,
    });
    users.set('olduser', { hash: weak, readWrite: false });
    await writeUsers(hub.usersFile, users);
    expect(await hub.api.authenticateUser('olduser', 'old-pw', '10.0.0.4')).not.toBeNull();
    const deadline = Date.now() + 5000;
    while (
      (await readUsers(hub.usersFile)).get('olduser')!.hash === weak &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const upgraded = (await readUsers(hub.usersFile)).get('olduser')!.hash;
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await hub.api.authenticateUser('olduser', 'old-pw', '10.0.0.4')).not.toBeNull();
    expect((await stat(hub.usersFile)).mode & 0o777).toBe(0o600);
  });
});

describe('correct logins after some failures', () => {
  it('queue rather than fail when a user has failures left', async () => {
    hub = await startTestHub({ limits: { loginFailuresBeforeThrottle: 5 } });
    const running = hub;
    for (let i = 0; i < 3; i++) {
      expect(await running.api.authenticateUser('reader', 'typo', '10.0.4.1')).toBeNull();
    }
    const logins = Array.from({ length: 20 }, () =>
      running.api.authenticateUser(READER.username, READER.password, '10.0.4.2'),
    );
    for (const user of await Promise.all(logins)) expect(user?.username).toBe('reader');
  });
});

describe('address throttling under a burst', () => {
  it('lets no more failures through from one address than its limit, all at once', async () => {
    hub = await startTestHub({ limits: { loginFailuresBeforeThrottle: 2 } });
    const running = hub;
    // Different usernames from one address, all in flight together: the address allows 8.
    const guesses = Array.from({ length: 40 }, (_, i) =>
      running.api.authenticateUser(`user${i}`, 'guess', '10.0.3.1').then(
        () => 'AUTH_FAILED',
        (error: { code: string }) => error.code,
      ),
    );
    const codes = await Promise.all(guesses);
    expect(codes.filter((c) => c === 'AUTH_FAILED')).toHaveLength(8);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(32);
  });
});
