/**
 * The baseline: a bare uWebSockets.js server that decodes each MessagePack frame and answers a
 * fixed validate-shaped reply with the request's id. Nothing the hub does is cheaper than this,
 * so it is the limit for the hub's transport on this machine.
 *
 * Usage: node --import tsx bench/servers/bare-uws-server.ts --port P
 */
import { parseArgs } from 'node:util';
import uWS from 'uWebSockets.js';
import { decodeMessage, encodeMessage } from '../../protocol/index.ts';
import { createRequestTemplate } from '../load/request-template.ts';

const session = {
  id: 's-000001',
  username: 'bench',
  readWrite: false,
  srcAddr: '127.0.0.2',
  startedAt: 1_700_000_000_000,
  lastSeenAt: 1_700_000_000_000,
  mechanism: 'local',
};
const user = { username: 'bench', readWrite: false, mechanism: 'local' };
const reply = createRequestTemplate({ ok: true, user, session });
const hello = encodeMessage({
  event: 'hello',
  protocol: 1,
  server: 'bare-uws',
  mechanisms: ['local'],
});

function answer(ws: uWS.WebSocket<unknown>, message: ArrayBuffer): void {
  const decoded = decodeMessage(new Uint8Array(message));
  if (!decoded.ok || !(decoded.value instanceof Map)) return;
  const id = decoded.value.get('id');
  if (typeof id !== 'number') return;
  // send() copies the bytes, so one reply buffer serves every answer.
  reply.bytes.writeUInt32BE(id, reply.idOffset);
  ws.send(reply.bytes, true);
}

function main(): void {
  // The loader falls back to a pure-JS imitation when the binary does not load; a baseline
  // measured on that would be meaningless.
  if (typeof uWS.us_socket_local_port !== 'function') {
    throw new Error('uWebSockets.js native binary did not load');
  }
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
  const app = uWS
    .App()
    .ws('/ws', {
      maxPayloadLength: 64 * 1024,
      idleTimeout: 120,
      open: (ws) => void ws.send(hello, true),
      message: answer,
    })
    .get('/healthz', (res) => void res.end('{"ok":true}'))
    .any('/*', (res) => void res.writeStatus('404 Not Found').end());
  app.listen('127.0.0.1', Number(values.port), (token) => {
    if (!token) throw new Error(`bare-uws: cannot listen on port ${values.port}`);
    const stop = (): void => {
      uWS.us_listen_socket_close(token);
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

main();
