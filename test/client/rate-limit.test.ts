import { afterAll, beforeAll, expect, it } from 'vitest';
import { HubClient, HubError } from '../../client/index.ts';
import { startHubFixture, type HubFixture } from './hub-fixture.ts';

let fixture: HubFixture;

beforeAll(async () => {
  fixture = await startHubFixture({ limits: { loginFailuresBeforeThrottle: 2 } });
});

afterAll(async () => {
  await fixture.close();
});

it('rejects with RATE_LIMITED once the hub throttles the username', async () => {
  const client = new HubClient({ url: fixture.hub.url });
  let error: unknown = null;
  for (let i = 0; i < 6 && error === null; i++) {
    await client.authenticateUser('throttled-user', 'wrong').catch((caught) => (error = caught));
  }
  await client.close();
  expect(error).toBeInstanceOf(HubError);
  expect(error).toMatchObject({ code: 'RATE_LIMITED' });
});
