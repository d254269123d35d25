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

describe('a refused upgrade on the ws transport', () => {
  it('is closed by the hub even when the client never closes its side', async () => {
    const hub = await startTestHub({ transport: 'ws' });
    hubs.push(hub);
    const { connect } = await import('node:net');
    // Half-open allowed: the client never closes its side, as a hostile one would not.
    const socket = connect({ port: hub.port, host: '127.0.0.1', allowHalfOpen: true });
    let response = '';
    socket.on('data', (chunk) => (response += chunk));
    socket.write(
      'GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    // After the answer, a server that only half-closed would still read what we send; one that
    // closed the socket answers it with a reset.
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('end', () => resolve()));
    const poke = setInterval(() => socket.write('x'), 50);
    await closed;
    clearInterval(poke);
    expect(response).toMatch(/^HTTP\/1\.1 404/);
  });
});
