/**
 * One hub for a whole describe block, with the clients its tests open closed at the end:
 * call inside `describe`, read `suite.hub` and `await suite.connect()` inside tests.
 */
import { afterAll, beforeAll } from 'vitest';
import { RawClient } from './raw-client.ts';
import { startTestHub, type ConfigOverrides, type TestHub } from './start-test-hub.ts';

export interface SuiteHub {
  readonly hub: TestHub;
  /** A new raw client, greeted, closed after the suite. */
  connect(): Promise<RawClient>;
}

export function suiteHub(overrides: ConfigOverrides): SuiteHub {
  let hub: TestHub | null = null;
  const clients: RawClient[] = [];
  beforeAll(async () => {
    hub = await startTestHub(overrides);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await hub?.close();
  });
  return {
    get hub() {
      if (!hub) throw new Error('the suite hub is not started yet');
      return hub;
    },
    async connect() {
      const client = await RawClient.connect(this.hub.url);
      clients.push(client);
      return client;
    },
  };
}
