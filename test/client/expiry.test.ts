import { afterAll, beforeAll, expect, it } from 'vitest';
import { HubClient } from '../../client/index.ts';
import { ADMIN, startHubFixture, type HubFixture } from './hub-fixture.ts';
import { once } from './wait.ts';

let fixture: HubFixture;

beforeAll(async () => {
  fixture = await startHubFixture({ sessions: { maxAgeMs: 300 } });
});

afterAll(async () => {
  await fixture.close();
});

it('tells the bound client its session expired', async () => {
  const client = new HubClient({ url: fixture.hub.url });
  const user = (await client.authenticateUser(ADMIN.name, ADMIN.password))!;
  const notice = once(client, 'sessionCleared');
  await user.startSession();
  const [{ reason, user: expired }] = await notice;
  expect(reason).toBe('expired');
  expect(expired).toBe(user);
  expect(user.sessionCookie).toBeNull();
  await expect(user.endSession()).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
  await client.close();
});
