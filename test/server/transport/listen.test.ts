/** Start-up on a busy port fails on both transports instead of sharing it. */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../helpers/start-test-hub.ts';
import { defaultConfig } from '../../../server/config/load-config.ts';
import { startHub } from '../../../server/start-hub.ts';

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
