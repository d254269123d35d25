import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionClosedError,
  HubClient,
  HubError,
  RemoteUser,
  SessionDoesNotExistError,
  SessionExistsError,
  type ConnectionStatus,
  type SessionFeedEvent,
  type WebSocketConstructor,
} from '../../client/index.ts';
import { ADMIN, OPERATOR, VIEWER, startHubFixture, type HubFixture } from './hub-fixture.ts';
import { once, until } from './wait.ts';

let fixture: HubFixture;
const clients: HubClient[] = [];

function connect(): HubClient {
  const client = new HubClient({ url: fixture.hub.url });
  clients.push(client);
  return client;
}

async function loggedIn(who = ADMIN): Promise<{ client: HubClient; user: RemoteUser }> {
  const client = connect();
  const user = await client.authenticateUser(who.name, who.password);
  if (user === null) throw new Error(`fixture user ${who.name} did not authenticate`);
  await user.startSession();
  return { client, user };
}

beforeAll(async () => {
  // Every client here shares 127.0.0.1: keep the per-address throttle out of the way.
  fixture = await startHubFixture({ limits: { loginFailuresBeforeThrottle: 1000 } });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await fixture.close();
});

describe('connection', () => {
  it('goes from connecting to open and reports each change', async () => {
    const client = connect();
    const seen: Array<[ConnectionStatus, ConnectionStatus]> = [];
    client.on('status', (status, previous) => seen.push([status, previous]));
    expect(client.status).toBe('connecting');
    await client.ready();
    expect(client.status).toBe('open');
    await client.close();
    expect(seen).toEqual([
      ['open', 'connecting'],
      ['closed', 'open'],
    ]);
  });

  it('receives the hub greeting', async () => {
    const client = connect();
    const [hello] = await once(client, 'hello');
    expect(hello.protocol).toBe(1);
    expect(hello.mechanisms).toEqual(['local']);
    expect(client.hello).toBe(hello);
  });

  it('queues calls made while connecting and sends them once open', async () => {
    const client = connect();
    expect(client.status).toBe('connecting');
    const user = client.authenticateUser(ADMIN.name, ADMIN.password);
    const wrong = client.authenticateUser(ADMIN.name, 'wrong');
    await expect(user).resolves.toBeInstanceOf(RemoteUser);
    await expect(wrong).resolves.toBeNull();
  });

  it('uses an injected WebSocket constructor', async () => {
    let made = 0;
    const Counting = class extends WebSocket {
      constructor(url: string) {
        super(url);
        made += 1;
      }
    } as unknown as WebSocketConstructor;
    const client = new HubClient({ url: fixture.hub.url, WebSocket: Counting });
    clients.push(client);
    await client.ready();
    expect(made).toBe(1);
  });

  it('rejects pending calls with CONNECTION_CLOSED when the connection closes', async () => {
    const client = connect();
    await client.ready();
    const pending = client.authenticateUser(ADMIN.name, ADMIN.password);
    const closing = client.close();
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(pending).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    await closing;
    await expect(client.getSessions()).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('closes and rejects queued calls when the hub is unreachable without reconnect', async () => {
    const client = new HubClient({ url: 'ws://127.0.0.1:1/ws' });
    const call = client.validateSession('whatever');
    await expect(call).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect(client.status).toBe('closed');
    await expect(client.ready()).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('answers pipelined requests by id', async () => {
    const { client, user } = await loggedIn();
    const cookie = user.sessionCookie!;
    const lookups = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0 ? client.validateSession(cookie) : client.validateSession(`nope-${i}`),
    );
    const results = await Promise.all(lookups);
    results.forEach((result, i) => expect(result).toBe(i % 2 === 0 ? user : null));
  });
});

describe('authentication', () => {
  it('resolves to a user with name, privilege and mechanism', async () => {
    const client = connect();
    const user = await client.authenticateUser(VIEWER.name, VIEWER.password);
    expect(user).toMatchObject({ username: 'viewer', readWrite: false, mechanism: 'local' });
    expect(user!.sessionCookie).toBeNull();
    expect(user!.sessionStart).toBeNull();
    expect(client.user).toBe(user);
  });

  it('resolves to null for a wrong password and for an unknown user', async () => {
    const client = connect();
    await expect(client.authenticateUser(ADMIN.name, 'not-it')).resolves.toBeNull();
    await expect(client.authenticateUser('nobody', 'x')).resolves.toBeNull();
  });

  it('calls back with the user or null in the callback form', async () => {
    const client = connect();
    const good = await new Promise<RemoteUser | null>((resolve) =>
      client.authenticateUserAsync(resolve, OPERATOR.name, OPERATOR.password),
    );
    const bad = await new Promise<RemoteUser | null>((resolve) =>
      client.authenticateUserAsync(resolve, OPERATOR.name, 'wrong'),
    );
    expect(good?.username).toBe('ops');
    expect(bad).toBeNull();
  });
});

describe('sessions', () => {
  it('starts a session and keeps its cookie, start time and id', async () => {
    const client = connect();
    const user = (await client.authenticateUser(ADMIN.name, ADMIN.password))!;
    const before = Date.now();
    const cookie = await user.startSession();
    expect(typeof cookie).toBe('string');
    expect(user.sessionCookie).toBe(cookie);
    expect(user.sessionStart).toBeGreaterThanOrEqual(before - 1000);
    expect(user.session?.username).toBe('admin');
  });

  it('rejects a second startSession with SessionExistsError', async () => {
    const { user } = await loggedIn();
    const error = await user.startSession().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SessionExistsError);
    expect(error).toMatchObject({ code: 'SESSION_EXISTS' });
  });

  it('ends a session, after which the cookie no longer validates', async () => {
    const { client, user } = await loggedIn();
    const cookie = user.sessionCookie!;
    await user.endSession();
    expect(user.sessionCookie).toBeNull();
    expect(client.user).toBeNull();
    const error = await user.endSession().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SessionDoesNotExistError);
    expect(error).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await expect(connect().validateSession(cookie)).resolves.toBeNull();
  });

  it('rejects endSession on a user that never started one', async () => {
    const client = connect();
    const user = (await client.authenticateUser(ADMIN.name, ADMIN.password))!;
    await expect(user.endSession()).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });

  it('validates a cookie to the same user object on every lookup', async () => {
    const { user } = await loggedIn(VIEWER);
    const other = connect();
    const first = await other.validateSession(user.sessionCookie!);
    const second = await other.validateSession(user.sessionCookie!);
    expect(first).toBeInstanceOf(RemoteUser);
    expect(second).toBe(first);
    expect(first).toMatchObject({ username: 'viewer', readWrite: false });
    expect(first!.session?.id).toBe(user.session?.id);
    expect(other.user).toBe(first);
  });

  it('resolves validateSession to null for an unknown cookie', async () => {
    await expect(connect().validateSession('x'.repeat(43))).resolves.toBeNull();
  });

  it('refuses session calls on a user the connection no longer acts for', async () => {
    const client = connect();
    const first = (await client.authenticateUser(ADMIN.name, ADMIN.password))!;
    await client.authenticateUser(OPERATOR.name, OPERATOR.password);
    await expect(first.startSession()).rejects.toMatchObject({ code: 'NOT_AUTHENTICATED' });
  });
});

describe('administration', () => {
  it('lists sessions for a read-write user', async () => {
    const { client, user } = await loggedIn();
    const sessions = await client.getSessions();
    expect(sessions.map((session) => session.id)).toContain(user.session!.id);
  });

  it('refuses listing to a read-only user with FORBIDDEN and without a user', async () => {
    const { client } = await loggedIn(VIEWER);
    await expect(client.getSessions()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(connect().getSessions()).rejects.toMatchObject({ code: 'NOT_AUTHENTICATED' });
  });

  it('clears a session and tells the bound client why', async () => {
    const admin = await loggedIn();
    const target = await loggedIn(OPERATOR);
    const notice = once(target.client, 'sessionCleared');
    const id = target.user.session!.id;
    await admin.client.clearSession(id);
    const [{ user, session, reason }] = await notice;
    expect(user).toBe(target.user);
    expect(session?.id).toBe(id);
    expect(reason).toBe('cleared');
    expect(target.user.sessionCookie).toBeNull();
    expect(target.client.user).toBeNull();
  });

  it('rejects clearing an unknown session with SessionDoesNotExistError', async () => {
    const { client } = await loggedIn();
    const error = await client.clearSession('no-such-id').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SessionDoesNotExistError);
  });

  it('delivers session.created and session.cleared to subscribers', async () => {
    const { client } = await loggedIn();
    const events: SessionFeedEvent[] = [];
    const subscription = await client.subscribe((event) => events.push(event));
    expect(Array.isArray(subscription.sessions)).toBe(true);
    const other = await loggedIn(VIEWER);
    const id = other.user.session!.id;
    await until(() => events.some((e) => e.type === 'created' && e.session.id === id));
    await other.user.endSession();
    await until(() => events.some((e) => e.type === 'cleared' && e.session.id === id));
    expect(events.find((e) => e.type === 'cleared')).toMatchObject({ reason: 'logout' });
    await subscription.unsubscribe();
    const count = events.length;
    await loggedIn(VIEWER);
    await client.getSessions(); // a round trip after the new session: any event would be here
    expect(events.length).toBe(count);
  });

  it('ends the subscription when the connection acts for another user', async () => {
    const { client } = await loggedIn();
    const events: SessionFeedEvent[] = [];
    await client.subscribe((event) => events.push(event));
    await client.authenticateUser(OPERATOR.name, OPERATOR.password);
    expect(events).toEqual([{ type: 'ended' }]);
  });
});
