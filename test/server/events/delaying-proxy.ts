/**
 * A loopback TCP proxy in front of the test Redis that can hold back the server's replies on
 * chosen connections (a slow path), or stop forwarding on the open ones without closing them
 * (a server that went silent). Connections made after a freeze work normally.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { REDIS_URL } from '../sessions/redis-test-keys.ts';

export interface DelayingProxy {
  url: string;
  /** Reply delay, in ms, of the connections accepted from now on. */
  delayNextConnections(ms: number): void;
  /** The connections open now forward nothing more, either way, and stay open. */
  freezeOpenConnections(): void;
  close(): Promise<void>;
}

interface Link {
  frozen: boolean;
}

export async function startDelayingProxy(): Promise<DelayingProxy> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<Socket>();
  const links = new Set<Link>();
  let delayMs = 0;
  const server: Server = createServer((client) => {
    const upstream = createConnection(Number(target.port || 6379), target.hostname);
    const link: Link = { frozen: false };
    const delay = delayMs;
    links.add(link);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk) => link.frozen || upstream.write(chunk));
    // Timers of one length fire in the order they were set, so the bytes stay in order.
    upstream.on('data', (chunk) => {
      setTimeout(() => link.frozen || client.write(chunk), delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    delayNextConnections: (ms) => {
      delayMs = ms;
    },
    freezeOpenConnections: () => {
      for (const link of links) link.frozen = true;
      links.clear();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
