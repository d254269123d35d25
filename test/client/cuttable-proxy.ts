/**
 * A loopback TCP proxy in front of the hub that a test can cut, as a network failure would, and
 * that records the operations the client sends (by reading its masked WebSocket frames).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { decodeMessage, toPlain } from '../../protocol/index.ts';

export interface CuttableProxy {
  url: string;
  /** `op` of every request the client sent, in order, over all connections. */
  ops: string[];
  /** Destroys every open connection; new ones are accepted unless `refuse` is true. */
  cut(): void;
  refuse: boolean;
  /** Where new connections go; change it to stand in for a hub restarted elsewhere. */
  targetPort: number;
  close(): Promise<void>;
}

/** Reads client-to-server frames (masked, unfragmented) and returns their payloads. */
function takeFrames(buffer: Buffer): { payloads: Buffer[]; rest: Buffer } {
  const payloads: Buffer[] = [];
  let offset = 0;
  for (;;) {
    if (buffer.length - offset < 2) break;
    let length = buffer[offset + 1]! & 0x7f;
    let header = 2;
    if (length === 126) {
      if (buffer.length - offset < 4) break;
      length = buffer.readUInt16BE(offset + 2);
      header = 4;
    } else if (length === 127) {
      if (buffer.length - offset < 10) break;
      length = Number(buffer.readBigUInt64BE(offset + 2));
      header = 10;
    }
    const end = offset + header + 4 + length;
    if (buffer.length < end) break;
    const mask = buffer.subarray(offset + header, offset + header + 4);
    const payload = Buffer.from(buffer.subarray(offset + header + 4, end));
    for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
    if ((buffer[offset]! & 0x0f) === 2) payloads.push(payload);
    offset = end;
  }
  return { payloads, rest: buffer.subarray(offset) };
}

function recordOps(client: Socket, ops: string[]): void {
  let pending: Buffer = Buffer.alloc(0);
  let upgraded = false;
  client.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    if (!upgraded) {
      const end = pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      upgraded = true;
      pending = pending.subarray(end + 4);
    }
    const { payloads, rest } = takeFrames(pending);
    pending = rest;
    for (const payload of payloads) {
      const decoded = decodeMessage(payload);
      const op = decoded.ok ? (toPlain(decoded.value) as { op?: unknown }).op : undefined;
      ops.push(typeof op === 'string' ? op : '?');
    }
  });
}

/** Starts a proxy on a free loopback port that forwards to `targetPort`. */
export async function startCuttableProxy(targetPort: number): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  const ops: string[] = [];
  const proxy: CuttableProxy = {
    url: '',
    ops,
    refuse: false,
    targetPort,
    cut: () => sockets.forEach((socket) => socket.destroy()),
    close: () => {
      proxy.cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((client) => {
    if (proxy.refuse) return client.destroy();
    const upstream = connect(proxy.targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => {});
    }
    recordOps(client, ops);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no proxy address');
  proxy.url = `ws://127.0.0.1:${address.port}/ws`;
  return proxy;
}
