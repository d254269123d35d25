import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  HubClient,
  type ConnectionStatus,
  type RemoteUser,
  type SessionFeedEvent,
} from '../../client/index.ts';
import { startCuttableProxy, type CuttableProxy } from './cuttable-proxy.ts';
import { ADMIN, VIEWER, startHubFixture, type HubFixture } from './hub-fixture.ts';
import { once, until } from './wait.ts';

let fixture: HubFixture;
let proxy: CuttableProxy;
const clients: HubClient[] = [];

const FAST = { initialDelayMs: 20, maxDelayMs: 80 };

function reconnecting(reconnect: object = FAST): HubClient {
  const client = new HubClient({ url: proxy.url, reconnect });
  clients.push(client);
  return client;
}

async function adminSession(client: HubClient): Promise<RemoteUser> {
  const user = (await client.authenticateUser(ADMIN.name, ADMIN.password))!;
  await user.startSession();
  return user;
}

beforeAll(async () => {
  fixture = await startHubFixture();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await proxy.close();
});

afterAll(async () => {
  await fixture.close();
});

beforeEach(async () => {
  proxy = await startCuttableProxy(fixture.hub.port);
});

it('resumes by cookie after a cut, without sending the password again', async () => {
  const client = reconnecting();
  const user = await adminSession(client);
  const statuses: ConnectionStatus[] = [];
  client.on('status', (status) => statuses.push(status));
  proxy.ops.length = 0;
  proxy.cut();
  await until(() => statuses.at(-1) === 'open');
  expect(statuses).toEqual(['reconnecting', 'open']);
  expect(proxy.ops).toEqual(['session.validate']);
  expect(client.user).toBe(user);
  const sessions = await client.getSessions();
  expect(sessions.map((session) => session.id)).toContain(user.session!.id);
});

it('subscribes again after resuming and hands listeners a fresh snapshot', async () => {
  const client = reconnecting();
  await adminSession(client);
  const events: SessionFeedEvent[] = [];
  await client.subscribe((event) => events.push(event));
  proxy.cut();
  await until(() => events.some((event) => event.type === 'snapshot'));
  expect(proxy.ops.slice(-2)).toEqual(['session.validate', 'subscribe']);
  const other = new HubClient({ url: fixture.hub.url });
  const viewer = (await other.authenticateUser(VIEWER.name, VIEWER.password))!;
  await viewer.startSession();
  const id = viewer.session!.id;
  await until(() => events.some((e) => e.type === 'created' && e.session.id === id));
  await other.close();
});

it('sends calls queued while reconnecting after the session is resumed', async () => {
  const client = reconnecting();
  await adminSession(client);
  proxy.refuse = true;
  proxy.cut();
  await until(() => client.status === 'reconnecting');
  const listing = client.getSessions();
  await new Promise((resolve) => setTimeout(resolve, 100));
  proxy.refuse = false;
  await expect(listing).resolves.toBeInstanceOf(Array);
  expect(proxy.ops.slice(-2)).toEqual(['session.validate', 'session.list']);
});

it('reports a session cleared while disconnected, with reason unknown', async () => {
  const client = reconnecting();
  const user = await adminSession(client);
  const id = user.session!.id;
  const events: SessionFeedEvent[] = [];
  await client.subscribe((event) => events.push(event));
  proxy.refuse = true;
  proxy.cut();
  await until(() => client.status === 'reconnecting');
  await fixture.hub.api.clearSession(id);
  const notice = once(client, 'sessionCleared');
  proxy.refuse = false;
  const [{ user: cleared, reason }] = await notice;
  expect(cleared).toBe(user);
  expect(reason).toBe('unknown');
  expect(user.sessionCookie).toBeNull();
  expect(events.at(-1)).toEqual({ type: 'ended' });
  await until(() => client.status === 'open');
  expect(client.user).toBeNull();
});

it('reports a user without a session as lost after reconnecting', async () => {
  const client = reconnecting();
  const user = (await client.authenticateUser(ADMIN.name, ADMIN.password))!;
  const lost = once(client, 'principalLost');
  proxy.cut();
  const [who] = await lost;
  expect(who).toBe(user);
  expect(proxy.ops).not.toContain('session.validate');
  expect(proxy.ops.filter((op) => op === 'authenticate')).toHaveLength(1);
});

it('closes after maxAttempts failed reconnects and rejects queued calls', async () => {
  const client = reconnecting({ ...FAST, maxAttempts: 2 });
  await client.ready();
  proxy.refuse = true;
  proxy.cut();
  await until(() => client.status === 'reconnecting');
  const queued = client.validateSession('anything');
  await expect(queued).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  expect(client.status).toBe('closed');
});

it('reconnects to a hub that stopped and came back', async () => {
  const replacement = await startHubFixture();
  try {
    const client = reconnecting();
    await client.ready();
    proxy.refuse = true;
    proxy.cut();
    await until(() => client.status === 'reconnecting');
    // uWS cannot listen again at once on a port left in TIME_WAIT: the proxy stands in.
    proxy.targetPort = replacement.hub.port;
    proxy.refuse = false;
    await until(() => client.status === 'open', 5000);
    await expect(client.authenticateUser(VIEWER.name, VIEWER.password)).resolves.not.toBeNull();
  } finally {
    await replacement.close();
  }
});
