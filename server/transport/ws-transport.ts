/**
 * The `ws` transport: the same hub over Node's http server and the `ws` library, for platforms
 * the uWebSockets.js binaries miss and as the benchmark baseline.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { statusLine } from '../http/http-routes.ts';
import { normalizeAddress } from '../net/address.ts';
import type { RunningTransport, TransportOptions } from './transport.ts';

interface Liveness {
  alive: boolean;
}

export async function startWsTransport(options: TransportOptions): Promise<RunningTransport> {
  const server = options.tls
    ? createHttpsServer({
        cert: readFileSync(options.tls.cert),
        key: readFileSync(options.tls.key),
      })
    : createHttpServer();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes,
    perMessageDeflate: false,
  });
  const liveness = new WeakMap<WebSocket, Liveness>();
  const groups = new Groups();
  options.hub.useBroadcaster((group, frame) => groups.send(group, frame, options));
  server.on('request', (req, res) => {
    const reply = options.routes.handle(req.method ?? 'GET', (req.url ?? '/').split('?')[0]!);
    res.writeHead(reply.status, reply.headers).end(reply.body);
  });
  server.on('upgrade', (req, socket, head) => onUpgrade(wss, options, req, socket, head));
  wss.on('connection', (ws, req) => attach(ws, req, { liveness, groups, options }));
  const pinger = setInterval(() => ping(wss, liveness), (options.idleTimeoutSec * 1000) / 2);
  pinger.unref(); // must not keep a stopping process alive
  await listen(server, options.host, options.port);
  return {
    name: 'ws',
    port: (server.address() as { port: number }).port,
    async close() {
      clearInterval(pinger);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function onUpgrade(
  wss: WebSocketServer,
  options: TransportOptions,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const path = (req.url ?? '').split('?')[0];
  const refuse = (status: number) => {
    const head = `HTTP/1.1 ${statusLine(status)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;
    // Closed once written, not half-closed: a client that never closes its side would
    // otherwise keep the descriptor (and get around limits.maxConnections).
    socket.end(head, () => socket.destroy());
  };
  if (path !== '/ws') return refuse(404);
  if (!options.origins.allows(req.headers.origin, req.headers.host)) return refuse(403);
  if (options.hub.connectionCount >= options.maxConnections) return refuse(503);
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
}

interface Shared {
  liveness: WeakMap<WebSocket, Liveness>;
  groups: Groups;
  options: TransportOptions;
}

/** Broadcast groups, for the `ws` library has none of its own. */
class Groups {
  readonly #members = new Map<string, Set<WebSocket>>();

  join(group: string, ws: WebSocket): void {
    let set = this.#members.get(group);
    if (!set) this.#members.set(group, (set = new Set()));
    set.add(ws);
  }

  leave(group: string, ws: WebSocket): void {
    this.#members.get(group)?.delete(ws);
  }

  leaveAll(ws: WebSocket): void {
    for (const set of this.#members.values()) set.delete(ws);
  }

  send(group: string, frame: Uint8Array, options: TransportOptions): void {
    for (const ws of this.#members.get(group) ?? []) sendFrame(ws, frame, options);
  }
}

/** A reader too slow to keep up is closed rather than buffered for without limit. */
function sendFrame(ws: WebSocket, frame: Uint8Array, options: TransportOptions): void {
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > options.maxBackpressureBytes) ws.terminate();
  else ws.send(frame, { binary: true });
}

function attach(ws: WebSocket, req: IncomingMessage, shared: Shared): void {
  const { liveness, groups, options } = shared;
  const raw = req.socket.remoteAddress ?? '';
  const state: Liveness = { alive: true };
  liveness.set(ws, state);
  let closed = false;
  const handle = options.hub.open(
    {
      send: (frame) => {
        if (!closed) sendFrame(ws, frame, options);
      },
      close: (code, reason) => {
        if (!closed) ws.close(code, reason);
      },
      join: (group) => {
        if (!closed) groups.join(group, ws);
      },
      leave: (group) => groups.leave(group, ws),
    },
    normalizeAddress(raw) ?? raw,
  );
  ws.on('pong', () => (state.alive = true));
  ws.on('message', (data, isBinary) => {
    state.alive = true;
    handle.message(toBytes(data), isBinary);
  });
  ws.on('error', () => ws.terminate()); // ws closes with 1009 etc. itself; nothing else to do
  ws.on('close', () => {
    closed = true;
    groups.leaveAll(ws);
    handle.closed();
  });
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/** Terminates sockets that did not answer the previous ping. */
function ping(wss: WebSocketServer, liveness: WeakMap<WebSocket, Liveness>): void {
  for (const ws of wss.clients) {
    const state = liveness.get(ws);
    if (!state) continue;
    if (!state.alive) {
      ws.terminate();
      continue;
    }
    state.alive = false;
    ws.ping();
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
