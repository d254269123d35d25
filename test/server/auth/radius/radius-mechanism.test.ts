import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRadiusMechanism } from '../../../../server/auth/radius/index.ts';
import type { RadiusMechanism } from '../../../../server/auth/radius/index.ts';
import {
  TEST_USERS,
  captureLog,
  radiusConfig,
  startSilentServer,
  startTestRadiusServer,
  usersHandler,
} from './radius-test-server.ts';
import type { Reply } from './radius-test-server.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(...args: Parameters<typeof startTestRadiusServer>) {
  const s = await startTestRadiusServer(...args);
  cleanups.push(() => s.close());
  return s;
}

function mechanism(...args: Parameters<typeof createRadiusMechanism>): RadiusMechanism {
  const m = createRadiusMechanism(...args);
  cleanups.push(() => m.close());
  return m;
}

function login(m: RadiusMechanism, username: string, password?: string) {
  const pw = password ?? TEST_USERS[username]?.password ?? 'nope';
  return m.authenticate({ username, password: pw, srcAddr: '192.0.2.7' });
}

describe('RADIUS mechanism: answers', () => {
  it('accepts a known user with read-write privilege and names the server', async () => {
    const s = await server();
    const m = mechanism(radiusConfig([{ authPort: s.port }]));
    expect(await login(m, 'alice')).toEqual({
      kind: 'accept',
      username: 'alice',
      readWrite: true,
      serverKey: `127.0.0.1:${s.port}`,
    });
  });

  it('maps Login-User, NAS-Prompt-User and no Service-Type to read-only', async () => {
    const s = await server();
    const m = mechanism(radiusConfig([{ authPort: s.port }]));
    for (const user of ['bob', 'carol', 'dave']) {
      expect(await login(m, user)).toMatchObject({ kind: 'accept', readWrite: false });
    }
  });

  it('rejects a wrong password and an unknown user', async () => {
    const s = await server();
    const m = mechanism(radiusConfig([{ authPort: s.port }]));
    expect(await login(m, 'alice', 'wrong')).toEqual({ kind: 'reject' });
    expect(await login(m, 'mallory')).toEqual({ kind: 'reject' });
  });

  it('treats an Access-Challenge as a reject', async () => {
    const s = await server('testing123', () => ({ code: 'Access-Challenge' }));
    const m = mechanism(radiusConfig([{ authPort: s.port }]));
    expect(await login(m, 'alice')).toEqual({ kind: 'reject' });
  });

  it('rejects without asking when the password cannot fit in User-Password', async () => {
    const s = await server();
    const m = mechanism(radiusConfig([{ authPort: s.port }]));
    expect(await login(m, 'alice', 'x'.repeat(129))).toEqual({ kind: 'reject' });
    expect(await login(m, 'alice', '')).toEqual({ kind: 'reject' });
    expect(s.received).toHaveLength(0);
  });

  it('sends PAP, Message-Authenticator first, NAS attributes and Calling-Station-Id', async () => {
    const s = await server();
    const m = mechanism(radiusConfig([{ authPort: s.port }]));
    await login(m, 'bob');
    const [request] = s.received;
    expect(s.violations).toEqual([]); // the server checked the Message-Authenticator
    expect(request?.raw[20]).toBe(80);
    expect(request?.packet.attributes).toMatchObject({
      'User-Name': 'bob',
      'User-Password': 'bob-pw',
      'Calling-Station-Id': '192.0.2.7',
      'NAS-Identifier': 'session-hub-test',
      'NAS-IP-Address': '127.0.0.1',
    });
  });
});

describe('RADIUS mechanism: privilege mapping', () => {
  it('follows a configured Service-Type rule', async () => {
    const s = await server();
    const readWrite = { attribute: 'Service-Type', values: ['NAS-Prompt-User'] };
    const m = mechanism(radiusConfig([{ authPort: s.port }], { readWrite }));
    expect(await login(m, 'carol')).toMatchObject({ kind: 'accept', readWrite: true });
    expect(await login(m, 'alice')).toMatchObject({ kind: 'accept', readWrite: false });
  });

  it('follows a vendor-specific attribute from a loaded dictionary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radius-dict-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dictionary = join(dir, 'dictionary.example');
    writeFileSync(
      dictionary,
      'VENDOR Example-Vendor 32473\nBEGIN-VENDOR Example-Vendor\n' +
        'ATTRIBUTE Example-Privilege 1 string\nEND-VENDOR Example-Vendor\n',
    );
    const vsa = (level: string) => [['Vendor-Specific', 32473, [['Example-Privilege', level]]]];
    const s = await server(
      'testing123',
      usersHandler({
        root: { password: 'root-pw', attributes: vsa('admin') as never },
        guest: { password: 'guest-pw', attributes: vsa('viewer') as never },
      }),
    );
    const readWrite = {
      attribute: 'Example-Privilege',
      vendor: 'Example-Vendor',
      values: ['admin'],
    };
    const m = mechanism(radiusConfig([{ authPort: s.port }], { readWrite }), {
      dictionaries: [dictionary],
    });
    expect(await login(m, 'root', 'root-pw')).toMatchObject({ kind: 'accept', readWrite: true });
    expect(await login(m, 'guest', 'guest-pw')).toMatchObject({ kind: 'accept', readWrite: false });
  });

  it('refuses a rule naming an attribute no dictionary defines', () => {
    const readWrite = { attribute: 'No-Such-Attribute', values: ['x'] };
    expect(() => createRadiusMechanism(radiusConfig([{ authPort: 1812 }], { readWrite }))).toThrow(
      expect.objectContaining({ code: 'RADIUS_CONFIG_INVALID', key: 'radius.readWrite.attribute' }),
    );
  });

  it('refuses a configuration without servers or with an empty secret', () => {
    expect(() => createRadiusMechanism(radiusConfig([]))).toThrow(
      expect.objectContaining({ code: 'RADIUS_CONFIG_INVALID', key: 'radius.servers' }),
    );
    const config = radiusConfig([{ authPort: 1812, secret: '' }]);
    expect(() => createRadiusMechanism(config)).toThrow(
      expect.objectContaining({ key: 'radius.servers[0].secret' }),
    );
  });
});

describe('RADIUS mechanism: reply verification', () => {
  async function refusedWith(sign: NonNullable<Reply['sign']>, secret?: string) {
    const s = await server('testing123', ({ packet }) => ({
      code: 'Access-Accept',
      sign,
      ...(secret === undefined ? {} : { secret }),
      attributes: packet.code === 'Access-Request' ? [['Service-Type', 6]] : [],
    }));
    const log = captureLog();
    const m = mechanism(radiusConfig([{ authPort: s.port, timeoutMs: 100, retries: 1 }]), log);
    return { outcome: await login(m, 'alice'), log, m, s };
  }

  it('refuses a reply without Message-Authenticator and says how to fix it', async () => {
    const { outcome, log, m } = await refusedWith('none');
    expect(outcome).toMatchObject({ kind: 'unavailable' });
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        event: 'radius-reply-unverified',
        cause: 'missing-message-authenticator',
        level: 40,
      }),
    );
    expect(m.stats().dropped.unverified).toBe(2);
  });

  it('refuses a reply with a wrong Message-Authenticator', async () => {
    const { outcome, log } = await refusedWith('bad-message-authenticator');
    expect(outcome).toMatchObject({ kind: 'unavailable' });
    expect(log.lines).toContainEqual(
      expect.objectContaining({ cause: 'bad-message-authenticator' }),
    );
  });

  it('refuses a reply signed with another secret', async () => {
    const { outcome, log } = await refusedWith('message-authenticator', 'not-the-secret');
    expect(outcome).toMatchObject({ kind: 'unavailable' });
    expect(log.lines).toContainEqual(expect.objectContaining({ cause: 'wrong-authenticator' }));
  });

  it('accepts an unsigned reply from a legacy server, with a warning at construction', async () => {
    const s = await server('testing123', () => ({ code: 'Access-Accept', sign: 'none' }));
    const log = captureLog();
    const config = radiusConfig([{ authPort: s.port, requireMessageAuthenticator: false }]);
    const m = mechanism(config, log);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ event: 'radius-message-authenticator-optional', level: 40 }),
    );
    expect(await login(m, 'alice')).toMatchObject({ kind: 'accept', readWrite: false });
  });

  it('still verifies a Message-Authenticator a legacy server does send', async () => {
    const s = await server('testing123', () => ({
      code: 'Access-Accept',
      sign: 'bad-message-authenticator',
    }));
    const config = radiusConfig([
      { authPort: s.port, requireMessageAuthenticator: false, timeoutMs: 100, retries: 0 },
    ]);
    expect(await login(mechanism(config), 'alice')).toMatchObject({ kind: 'unavailable' });
  });

  it('never logs the shared secret or the password', async () => {
    const { log } = await refusedWith('message-authenticator', 'not-the-secret');
    const text = JSON.stringify(log.lines);
    expect(text).not.toContain('testing123');
    expect(text).not.toContain('alice-pw');
  });
});

describe('RADIUS mechanism: transport', () => {
  it('retransmits the identical packet until the server answers', async () => {
    let seen = 0;
    const answer = usersHandler();
    const s = await server('testing123', (r) => (++seen < 3 ? null : answer(r)));
    const m = mechanism(radiusConfig([{ authPort: s.port, timeoutMs: 100, retries: 2 }]));
    expect(await login(m, 'alice')).toMatchObject({ kind: 'accept', readWrite: true });
    expect(s.received).toHaveLength(3);
    expect(s.received[1]?.raw.equals(s.received[0]!.raw)).toBe(true);
    expect(s.received[2]?.raw.equals(s.received[0]!.raw)).toBe(true);
  });

  it('fails over to the next server, skips the dead one, then probes it again', async () => {
    const dead = await startSilentServer();
    cleanups.push(() => dead.close());
    const live = await server();
    const log = captureLog();
    const config = radiusConfig([
      { authPort: dead.port, timeoutMs: 80, retries: 1 },
      { authPort: live.port },
    ]);
    const m = mechanism(config, { ...log, deadTimeMs: 400 });
    expect(await login(m, 'alice')).toMatchObject({ serverKey: `127.0.0.1:${live.port}` });
    expect(dead.received).toHaveLength(2);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ event: 'radius-server-status', to: 'dead', cause: 'no-reply' }),
    );
    expect(m.stats().servers[0]).toMatchObject({ auth: 'dead' });
    await login(m, 'bob');
    expect(dead.received).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 450));
    expect(await login(m, 'bob')).toMatchObject({ kind: 'accept', readWrite: false });
    expect(dead.received).toHaveLength(4);
  });

  it('gives no-answer when no server replies, and marks the servers dead', async () => {
    const dead = await startSilentServer();
    cleanups.push(() => dead.close());
    const m = mechanism(radiusConfig([{ authPort: dead.port, timeoutMs: 50, retries: 1 }]));
    expect(await login(m, 'alice')).toMatchObject({ kind: 'no-answer' });
    const started = Date.now();
    expect(await login(m, 'alice')).toMatchObject({ kind: 'no-answer' });
    expect(Date.now() - started).toBeLessThan(40); // skipped, not waited for
  });

  it('stays healthy when an answer arrives after the client gave up or closed', async () => {
    const s = await server('testing123', (r) => ({ ...usersHandler()(r)!, delayMs: 250 }));
    const m1 = mechanism(radiusConfig([{ authPort: s.port, timeoutMs: 60, retries: 0 }]));
    expect(await login(m1, 'alice')).toMatchObject({ kind: 'no-answer' });
    await m1.close();
    const m2Config = radiusConfig([{ authPort: s.port, timeoutMs: 100, retries: 0 }]);
    const m2 = mechanism(m2Config, { deadTimeMs: 0 });
    expect(await login(m2, 'alice')).toMatchObject({ kind: 'no-answer' });
    await new Promise((r) => setTimeout(r, 300)); // both late answers land now
    s.handler = usersHandler();
    expect(await login(m2, 'carol')).toMatchObject({ kind: 'accept', readWrite: false });
    // m2's socket was still open: its late answer was counted, not delivered.
    expect(m2.stats().dropped.unmatched).toBe(1);
  });

  it('ignores garbage and spoofed datagrams while a login completes', async () => {
    const s = await server('testing123', (r) => ({ ...usersHandler()(r)!, delayMs: 200 }));
    const m = mechanism(radiusConfig([{ authPort: s.port, timeoutMs: 1000 }]));
    const pending = login(m, 'mallory', 'guess');
    while (s.received.length === 0) await new Promise((r) => setTimeout(r, 5));
    const request = s.received[0]!;
    const clientPort = request.from.port;
    const forgedAccept = s.encodeReply(request, { code: 'Access-Accept' });
    const spoofer = createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => spoofer.close(() => r())));
    const fromSpoofer = (data: Buffer) => spoofer.send(data, clientPort, '127.0.0.1');
    fromSpoofer(forgedAccept); // validly signed, wrong source port
    fromSpoofer(Buffer.from('not radius'));
    const unsigned = s.encodeReply(request, { code: 'Access-Accept', secret: 'guessed' });
    s.sendRaw(unsigned, clientPort); // right source, wrong secret
    const garbage = Buffer.alloc(40, 0xff);
    garbage[1] = request.packet.identifier;
    s.sendRaw(garbage, clientPort); // right source and identifier, undecodable
    expect(await pending).toEqual({ kind: 'reject' });
    expect(m.stats().dropped).toMatchObject({ spoofed: 1, unverified: 1, malformed: 2 });
  });

  it('gives 300 concurrent logins with random reply delays each their own answer', async () => {
    const answer = usersHandler();
    const s = await server('testing123', (r) => ({
      ...answer(r)!,
      // At least 100 ms, so that all 300 are in flight at once.
      delayMs: 100 + Math.floor(Math.random() * 150),
    }));
    const m = mechanism(radiusConfig([{ authPort: s.port, timeoutMs: 1000 }]));
    const users = ['alice', 'bob', 'mallory'];
    const expected = [
      { kind: 'accept', username: 'alice', readWrite: true },
      { kind: 'accept', username: 'bob', readWrite: false },
      { kind: 'reject' },
    ];
    let maxInFlight = 0;
    const sampler = setInterval(() => {
      maxInFlight = Math.max(maxInFlight, m.stats().inFlight);
    }, 5);
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => login(m, users[i % 3]!)),
    );
    clearInterval(sampler);
    outcomes.forEach((outcome, i) => expect(outcome).toMatchObject(expected[i % 3]!));
    expect(s.violations).toEqual([]);
    expect(maxInFlight).toBe(300);
    expect(m.stats().sockets).toBe(2);
  });

  it('queues beyond 256 in flight on one socket, never reusing an identifier', async () => {
    const answer = usersHandler();
    const s = await server('testing123', (r) => ({ ...answer(r)!, delayMs: 20 + (r.at % 50) }));
    const m = mechanism(radiusConfig([{ authPort: s.port, timeoutMs: 2000 }]), { maxSockets: 1 });
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => login(m, i % 2 === 0 ? 'alice' : 'bob')),
    );
    outcomes.forEach((o, i) => expect(o).toMatchObject({ readWrite: i % 2 === 0 }));
    expect(s.violations).toEqual([]);
    expect(m.stats().sockets).toBe(1);
    expect(s.maxOutstanding).toBeLessThanOrEqual(256);
  });

  it('answers busy when every identifier is taken and the queue is full', async () => {
    const s = await server('testing123', () => null);
    const m = mechanism(radiusConfig([{ authPort: s.port, timeoutMs: 5000 }]), {
      maxSockets: 1,
      maxQueued: 0,
    });
    const inFlight = Array.from({ length: 256 }, () => login(m, 'alice'));
    expect(await login(m, 'alice')).toMatchObject({ kind: 'unavailable', busy: true });
    await m.close();
    await Promise.all(inFlight);
  });

  it('resolves logins in flight when closed, and refuses new ones', async () => {
    const s = await server('testing123', () => null);
    const m = mechanism(radiusConfig([{ authPort: s.port, timeoutMs: 10_000 }]));
    const pending = login(m, 'alice');
    while (s.received.length === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await m.close();
    expect(await pending).toMatchObject({ kind: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(500);
    expect(await login(m, 'alice')).toMatchObject({ kind: 'unavailable' });
    expect(m.stats().inFlight).toBe(0);
  });
});
