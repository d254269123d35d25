/**
 * The scenarios of issue 4, against any three hubs that share one Redis prefix: hub processes
 * started through the CLI, or hubs started in this process. Talks to them only over the wire.
 */
import { expect } from 'vitest';
import { RawClient, type Message } from '../helpers/raw-client.ts';
import { ADMIN, READER } from '../helpers/test-users.ts';
import { until } from '../server/events/bus-test-helpers.ts';

/** An admin connection subscribed to `sessions`, with the list it was given. */
export async function adminSubscriber(url: string): Promise<{ client: RawClient; list: Message }> {
  const client = await RawClient.connect(url);
  const auth = await client.request('authenticate', ADMIN);
  expect(auth.ok).toBe(true);
  const list = await client.request('subscribe', { topic: 'sessions' });
  expect(list.ok).toBe(true);
  return { client, list };
}

function eventsFor(client: RawClient, name: string, sessionId: string): Message[] {
  return client.events(name).filter((m) => m.session?.id === sessionId);
}

/**
 * Start on A, validate on B, list on C, clear from C; the bound connections and the admin
 * subscribers on A and B each receive exactly one `session.cleared`.
 */
export async function startValidateListClear(urls: readonly [string, string, string]) {
  const [urlA, urlB, urlC] = urls;
  const subA = await adminSubscriber(urlA);
  const subB = await adminSubscriber(urlB);
  const owner = await RawClient.connect(urlA);
  const { cookie, session } = await owner.login(READER.username, READER.password);

  const onB = await RawClient.connect(urlB);
  const validated = await onB.request('session.validate', { cookie });
  expect(validated).toMatchObject({ ok: true, session: { id: session.id } });
  expect(validated.user).toEqual({
    username: READER.username,
    readWrite: false,
    mechanism: 'local',
  });

  const admin = await RawClient.connect(urlC);
  expect((await admin.request('authenticate', ADMIN)).ok).toBe(true);
  const listed = await admin.request('session.list');
  expect(listed.sessions.map((s: Message) => s.id)).toContain(session.id);
  expect(await admin.request('session.clear', { sessionId: session.id })).toMatchObject({
    ok: true,
  });

  const watchers = [owner, onB, subA.client, subB.client];
  await until(() => watchers.every((c) => eventsFor(c, 'session.cleared', session.id).length > 0));
  // Long enough for a duplicate from another process to arrive if there were one.
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const client of watchers) {
    expect(eventsFor(client, 'session.cleared', session.id)).toEqual([
      {
        event: 'session.cleared',
        session: { ...session, lastSeenAt: expect.any(Number) },
        reason: 'cleared',
      },
    ]);
  }
  for (const sub of [subA.client, subB.client]) {
    const ofSession = sub.messages.filter((m) => m.session?.id === session.id);
    expect(ofSession.map((m) => m.event)).toEqual(['session.created', 'session.cleared']);
  }

  for (const url of urls) {
    const late = await RawClient.connect(url);
    expect(await late.request('session.validate', { cookie })).toMatchObject({
      ok: false,
      code: 'SESSION_NOT_FOUND',
    });
    await late.close();
  }
  expect((await admin.request('session.list')).sessions).toEqual([]);
  await Promise.all([...watchers, admin].map((c) => c.close()));
}

/**
 * What a subscriber believes the sessions are: its initial list, then every event applied in
 * order.
 */
export function viewOf(subscriber: { client: RawClient; list: Message }): string[] {
  const view = new Set<string>(subscriber.list.sessions.map((s: Message) => s.id));
  for (const message of subscriber.client.messages) {
    if (message.event === 'session.created') view.add(message.session.id);
    if (message.event === 'session.cleared') view.delete(message.session.id);
  }
  return [...view].sort();
}
