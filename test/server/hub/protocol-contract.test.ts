/**
 * The wire contract of PROTOCOL.md over real sockets, on both transports: greeting, every
 * operation and error code, principals, binding and the order of events.
 */
import { describe, expect, it } from 'vitest';
import { suiteHub } from '../../helpers/suite-hub.ts';
import { RawClient } from '../../helpers/raw-client.ts';
import { ADMIN, READER } from '../../helpers/test-users.ts';

describe.each(['uws', 'ws'] as const)('protocol v1 over the %s transport', (transport) => {
  const suite = suiteHub({ transport, limits: { loginFailuresBeforeThrottle: 0 } });
  const connect = () => suite.connect();

  it('greets with hello before anything else', async () => {
    const client = await connect();
    expect(client.messages[0]).toEqual({
      event: 'hello',
      protocol: 1,
      server: expect.stringMatching(/^session-hub\/\d+\.\d+\.\d+/),
      mechanisms: ['local'],
    });
  });

  it('authenticates a user and answers AUTH_FAILED for a wrong password', async () => {
    const client = await connect();
    const ok = await client.request('authenticate', ADMIN);
    expect(ok).toEqual({
      id: ok.id,
      ok: true,
      user: { username: 'admin', readWrite: true, mechanism: 'local' },
    });
    const bad = await client.request('authenticate', { username: 'admin', password: 'nope' });
    expect(bad).toMatchObject({ ok: false, code: 'AUTH_FAILED' });
    const unknown = await client.request('authenticate', { username: 'ghost', password: 'x' });
    expect(unknown).toMatchObject({ ok: false, code: 'AUTH_FAILED' });
  });

  it('starts a session whose cookie validates to the same user on another connection', async () => {
    const a = await connect();
    await a.request('authenticate', READER);
    const started = await a.request('session.start');
    expect(started.ok).toBe(true);
    expect(started.cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.session).toMatchObject({
      username: 'reader',
      readWrite: false,
      srcAddr: '127.0.0.1',
      mechanism: 'local',
    });
    expect(typeof started.session.id).toBe('string');
    const b = await connect();
    const validated = await b.request('session.validate', { cookie: started.cookie });
    expect(validated).toMatchObject({
      ok: true,
      user: { username: 'reader', readWrite: false, mechanism: 'local' },
      session: { id: started.session.id },
    });
    expect(await a.request('session.start')).toMatchObject({ ok: false, code: 'SESSION_EXISTS' });
    expect(await b.request('session.start')).toMatchObject({ ok: false, code: 'SESSION_EXISTS' });
  });

  it('answers NOT_AUTHENTICATED and FORBIDDEN in that order', async () => {
    const client = await connect();
    for (const op of ['session.start', 'session.end', 'session.list', 'subscribe']) {
      const params = op === 'subscribe' ? { topic: 'sessions' } : {};
      expect(await client.request(op, params)).toMatchObject({ code: 'NOT_AUTHENTICATED' });
    }
    expect(await client.request('session.clear', { sessionId: 'x' })).toMatchObject({
      code: 'NOT_AUTHENTICATED',
    });
    await client.request('authenticate', READER);
    expect(await client.request('session.list')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await client.request('session.clear', { sessionId: 'x' })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await client.request('subscribe', { topic: 'sessions' })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await client.request('session.end')).toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });

  it('answers SESSION_NOT_FOUND for unknown cookies and ids, revealing nothing', async () => {
    const client = await connect();
    const unknown = await client.request('session.validate', { cookie: 'no-such-cookie' });
    expect(unknown).toMatchObject({ ok: false, code: 'SESSION_NOT_FOUND' });
    await client.request('authenticate', ADMIN);
    const missing = await client.request('session.clear', { sessionId: 'nope' });
    expect(missing).toMatchObject({ ok: false, code: 'SESSION_NOT_FOUND' });
  });

  it('keeps the principal after a failed authenticate or validate', async () => {
    const client = await connect();
    await client.request('authenticate', ADMIN);
    await client.request('authenticate', { username: 'admin', password: 'wrong' });
    await client.request('session.validate', { cookie: 'bogus' });
    expect(await client.request('session.list')).toMatchObject({ ok: true });
  });

  it('lists sessions for an admin without ever showing a cookie', async () => {
    const user = await connect();
    const { cookie, session } = await user.login(READER.username, READER.password);
    const admin = await connect();
    await admin.request('authenticate', ADMIN);
    const listed = await admin.request('session.list');
    const mine = listed.sessions.find((s: { id: string }) => s.id === session.id);
    expect(Object.keys(mine).sort()).toEqual(
      ['id', 'lastSeenAt', 'mechanism', 'readWrite', 'srcAddr', 'startedAt', 'username'].sort(),
    );
    expect(JSON.stringify(listed)).not.toContain(cookie);
  });

  it('ends a session: response first, then session.cleared to every bound connection', async () => {
    const owner = await connect();
    const { cookie, session } = await owner.login(READER.username, READER.password);
    const other = await connect();
    await other.request('session.validate', { cookie });
    const ended = await owner.request('session.end');
    expect(ended).toEqual({ id: ended.id, ok: true });
    for (const client of [owner, other]) {
      const cleared = await client.waitFor((m) => m.event === 'session.cleared');
      expect(cleared).toMatchObject({ session: { id: session.id }, reason: 'logout' });
      expect(await client.request('session.start')).toMatchObject({ code: 'NOT_AUTHENTICATED' });
    }
    const endIndex = owner.messages.indexOf(ended);
    const eventIndex = owner.messages.findIndex((m) => m.event === 'session.cleared');
    expect(endIndex).toBeLessThan(eventIndex);
    const again = await connect();
    expect(await again.request('session.validate', { cookie })).toMatchObject({
      code: 'SESSION_NOT_FOUND',
    });
  });

  it('pushes created and cleared to subscribers, once each, in order', async () => {
    const admin = await connect();
    await admin.request('authenticate', ADMIN);
    const subscribed = await admin.request('subscribe', { topic: 'sessions' });
    expect(Array.isArray(subscribed.sessions)).toBe(true);
    const user = await connect();
    const { session } = await user.login(READER.username, READER.password);
    const cleared = await admin.request('session.clear', { sessionId: session.id });
    expect(cleared.ok).toBe(true);
    const event = await user.waitFor((m) => m.event === 'session.cleared');
    expect(event).toMatchObject({ session: { id: session.id }, reason: 'cleared' });
    await admin.waitFor((m) => m.event === 'session.cleared' && m.session.id === session.id);
    const forSession = admin.messages.filter((m) => m.session?.id === session.id && m.event);
    expect(forSession.map((m) => m.event)).toEqual(['session.created', 'session.cleared']);
    expect(await user.request('session.start')).toMatchObject({ code: 'NOT_AUTHENTICATED' });
  });

  it('sends one session.cleared to a connection that is subscriber and bound', async () => {
    const admin = await connect();
    await admin.request('authenticate', ADMIN);
    const started = await admin.request('session.start');
    await admin.request('subscribe', { topic: 'sessions' });
    await admin.request('session.end');
    await admin.waitFor((m) => m.event === 'session.cleared');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const events = admin
      .events('session.cleared')
      .filter((m) => m.session.id === started.session.id);
    expect(events).toHaveLength(1);
  });

  it('ends subscriptions when the principal changes', async () => {
    const admin = await connect();
    await admin.request('authenticate', ADMIN);
    await admin.request('subscribe', { topic: 'sessions' });
    await admin.request('authenticate', ADMIN); // a new principal: the subscription ends
    const user = await connect();
    const { session } = await user.login(READER.username, READER.password);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(admin.messages.some((m) => m.session?.id === session.id)).toBe(false);
  });

  it('unsubscribes, and rejects unknown topics with BAD_REQUEST', async () => {
    const admin = await connect();
    await admin.request('authenticate', ADMIN);
    expect(await admin.request('subscribe', { topic: 'users' })).toMatchObject({
      code: 'BAD_REQUEST',
    });
    await admin.request('subscribe', { topic: 'sessions' });
    expect(await admin.request('unsubscribe', { topic: 'sessions' })).toMatchObject({ ok: true });
    const user = await connect();
    const { session } = await user.login(READER.username, READER.password);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(admin.messages.some((m) => m.session?.id === session.id)).toBe(false);
  });

  it('answers pipelined requests by id, validation before slow logins', async () => {
    const owner = await connect();
    const { cookie } = await owner.login(READER.username, READER.password);
    const client = await connect();
    client.send({ id: 1001, op: 'authenticate', ...ADMIN });
    for (let id = 1002; id < 1012; id++) client.send({ id, op: 'session.validate', cookie });
    const auth = await client.waitFor((m) => m.id === 1001);
    expect(auth.ok).toBe(true);
    const responses = client.messages.filter((m) => typeof m.id === 'number' && m.id >= 1001);
    expect(responses.map((m) => m.id).sort()).toEqual(
      Array.from({ length: 11 }, (_, i) => 1001 + i),
    );
    expect(responses[0]!.id).not.toBe(1001); // validations overtook the login
  });

  it('ignores unknown keys and echoes ids it does not check for uniqueness', async () => {
    const client = await connect();
    client.send({ id: 7, op: 'session.validate', cookie: 'x', extra: { nested: [1, 2] } });
    client.send({ id: 7, op: 'session.validate', cookie: 'y' });
    await client.waitFor((m) => m.id === 7);
    await client.waitFor(() => client.messages.filter((m) => m.id === 7).length === 2);
    expect(
      client.messages.filter((m) => m.id === 7).every((m) => m.code === 'SESSION_NOT_FOUND'),
    ).toBe(true);
  });
});
