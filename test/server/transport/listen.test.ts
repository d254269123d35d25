/** Start-up on a busy port fails on both transports instead of sharing it. */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../helpers/start-test-hub.ts';
import { defaultConfig } from '../../../server/config/load-config.ts';
import { startHub } from '../../../server/start-hub.ts';
import { eventually, RawClient } from '../../helpers/raw-client.ts';

const hubs: TestHub[] = [];
afterAll(async () => {
  await Promise.all(hubs.map((hub) => hub.close()));
});

describe.each(['uws', 'ws'] as const)('listening with the %s transport', (transport) => {
  it('refuses a port another hub holds', async () => {
    const first = await startTestHub({ transport });
    hubs.push(first);
    const config = { ...defaultConfig(), usersFile: first.usersFile, port: first.port, transport };
    const second = startHub(config);
    await expect(second).rejects.toMatchObject({
      code: expect.stringMatching(/LISTEN_FAILED|EADDRINUSE/),
    });
  });
});

describe.each(['uws', 'ws'] as const)('the connection limit on the %s transport', (transport) => {
  it('refuses upgrades past limits.maxConnections with 503, then takes them again', async () => {
    const hub = await startTestHub({ transport, limits: { maxConnections: 2 } });
    hubs.push(hub);
    const first = await RawClient.connect(hub.url);
    const second = await RawClient.connect(hub.url);
    await expect(RawClient.connect(hub.url)).rejects.toThrow(/503/);
    await first.close();
    await eventually(() => hub.stats().connections === 1);
    const third = await RawClient.connect(hub.url);
    await Promise.all([second.close(), third.close()]);
  });
});
