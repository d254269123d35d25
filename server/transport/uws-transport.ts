/**
 * The uWebSockets.js transport: the only file that touches uWS. Its lifetime rules apply here:
 * request data is copied before the handler returns, a socket is never used after its close
 * event, and sends made outside a uWS callback are corked.
 */
import uWS from 'uWebSockets.js';
import type { ConnectionHandle, Hub } from '../hub/hub.ts';
import { statusLine, type HttpRoutes } from '../http/http-routes.ts';
import { normalizeAddress } from '../net/address.ts';
import type { RunningTransport, TransportOptions } from './transport.ts';
import { assertNativeUws } from './uws-native.ts';

const UWS_LIMIT_HEADROOM = 4;

interface SocketData {
  srcAddr: string;
  handle: ConnectionHandle | null;
  closed: boolean;
}

export async function startUwsTransport(options: TransportOptions): Promise<RunningTransport> {
  assertNativeUws(uWS);
  const app = options.tls
    ? uWS.SSLApp({ cert_file_name: options.tls.cert, key_file_name: options.tls.key })
    : uWS.App();
  app.ws<SocketData>('/ws', webSocketBehavior(options.hub, options));
  // One native publish per event: uWS batches the writes of each socket per loop iteration.
  options.hub.useBroadcaster((group, frame) => app.publish(group, frame, true));
  app.any('/*', (res, req) =>
    // An upgrade anywhere but /ws is refused like any unknown path (PROTOCOL.md, "Transport").
    req.getHeader('upgrade')
      ? writeHttp(res, { status: 404, headers: {}, body: 'not found\n' })
      : writeHttp(res, options.routes.handle(req.getMethod().toUpperCase(), req.getUrl())),
  );
  const token = await listen(app, options.host, options.port);
  return {
    name: 'uws',
    port: uWS.us_socket_local_port(token),
    async close() {
      uWS.us_listen_socket_close(token);
      // close() exists at run time since v20.22; the bundled typings predate it.
      (app as unknown as { close(): void }).close();
    },
  };
}

/** True while uWS runs a message callback, in which every socket's writes are corked. */
let inMessageCallback = false;

/** The socket whose message callback uWS is running: its writes are corked already. */
let socketInCallback: uWS.WebSocket<SocketData> | null = null;

function webSocketBehavior(hub: Hub, options: TransportOptions): uWS.WebSocketBehavior<SocketData> {
  return {
    compression: uWS.DISABLED,
    // uWS drops a socket past its own limit without a close frame (the client sees 1006), so
    // it gets headroom and the protocol's limit is enforced below with a proper 1009.
    // Shortcoming: a message over 4x the limit still ends in 1006, not 1009.
    maxPayloadLength: options.maxPayloadBytes * UWS_LIMIT_HEADROOM,
    idleTimeout: options.idleTimeoutSec,
    sendPingsAutomatically: true,
    maxBackpressure: options.maxBackpressureBytes,
    // A reader too slow to keep up is closed rather than buffered for without limit. The
    // published typings say number; the binding reads it as a boolean.
    closeOnBackpressureLimit: true as unknown as number,
    upgrade: (res, req, context) => upgrade(res, req, context, options),
    open: (ws) => {
      const data = ws.getUserData();
      data.handle = hub.open(
        {
          send: (frame) => {
            if (data.closed) return;
            // Inside uWS's message callback for this very socket it is already corked; any
            // other send (after an await, or to another socket) corks itself.
            if (socketInCallback === ws) ws.send(frame, true);
            else ws.cork(() => ws.send(frame, true));
          },
          close: (code, reason) => {
            if (!data.closed) ws.end(code, reason);
          },
          join: (group) => {
            if (!data.closed) ws.subscribe(group);
          },
          leave: (group) => {
            if (!data.closed) ws.unsubscribe(group);
          },
        },
        data.srcAddr,
      );
    },
    // The ArrayBuffer is only valid during this call; the hub decodes it synchronously.
    message: (ws, message, isBinary) => {
      if (message.byteLength > options.maxPayloadBytes) return ws.end(1009, 'message too big');
      socketInCallback = ws;
      try {
        ws.getUserData().handle?.message(new Uint8Array(message), isBinary);
      } finally {
        socketInCallback = null;
      }
    },
    close: (ws) => {
      const data = ws.getUserData();
      data.closed = true;
      data.handle?.closed();
    },
  };
}

function upgrade(
  res: uWS.HttpResponse,
  req: uWS.HttpRequest,
  context: uWS.us_socket_context_t,
  options: TransportOptions,
): void {
  const origin = req.getHeader('origin') || undefined;
  const host = req.getHeader('host') || undefined;
  if (!options.origins.allows(origin, host)) {
    res.writeStatus(statusLine(403)).end('origin not allowed\n');
    return;
  }
  if (options.hub.connectionCount >= options.maxConnections) {
    res.writeStatus(statusLine(503)).end('too many connections\n');
    return;
  }
  const rawAddress = Buffer.from(res.getRemoteAddressAsText()).toString();
  const data: SocketData = {
    srcAddr: normalizeAddress(rawAddress) ?? rawAddress,
    handle: null,
    closed: false,
  };
  res.upgrade(
    data,
    req.getHeader('sec-websocket-key'),
    req.getHeader('sec-websocket-protocol'),
    req.getHeader('sec-websocket-extensions'),
    context,
  );
}

function writeHttp(res: uWS.HttpResponse, reply: ReturnType<HttpRoutes['handle']>): void {
  res.writeStatus(statusLine(reply.status));
  for (const [name, value] of Object.entries(reply.headers)) res.writeHeader(name, value);
  res.end(reply.body);
}

/** The binding exports this flag (value 1); the bundled typings do not declare it. */
const LIBUS_LISTEN_EXCLUSIVE_PORT = (uWS as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT: number })
  .LIBUS_LISTEN_EXCLUSIVE_PORT;

type ExclusiveListen = (
  host: string,
  port: number,
  options: number,
  cb: (token: uWS.us_listen_socket | false) => void,
) => void;

function listen(app: uWS.TemplatedApp, host: string, port: number): Promise<uWS.us_listen_socket> {
  // Exclusive: without it a second hub shares a busy port (SO_REUSEPORT) and the kernel splits
  // clients between two processes with different in-memory sessions. The typings lack this
  // form of listen(), which the binding has.
  const listenExclusive = app.listen as unknown as ExclusiveListen;
  return new Promise((resolve, reject) => {
    listenExclusive.call(app, host, port, LIBUS_LISTEN_EXCLUSIVE_PORT, (token) => {
      if (token) return resolve(token);
      const why = 'the port is in use, or the address is not on this machine';
      const error = new Error(`cannot listen on ${host}:${port}: ${why}`);
      reject(Object.assign(error, { code: 'LISTEN_FAILED' }));
    });
  });
}
