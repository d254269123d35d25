/**
 * An in-process RADIUS server for the mechanism's tests, built on the same `radius` package.
 * It decodes every request with the shared secret (which checks the request's
 * Message-Authenticator and accounting authenticator), records it, and answers as the test's
 * handler says: signed or not, late, with another secret, or not at all. It also records any
 * identifier the client reused while the server still owed an answer to it.
 */
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Logger } from 'pino';
import radius from 'radius';
import type { DecodedPacket, RadiusAttribute } from 'radius';
import type { RadiusConfig, RadiusServerConfig } from '../../../../server/config/config-types.ts';

export interface ReceivedRequest {
  packet: DecodedPacket;
  raw: Buffer;
  from: RemoteInfo;
  at: number;
}

export interface Reply {
  code: 'Access-Accept' | 'Access-Reject' | 'Access-Challenge' | 'Accounting-Response';
  attributes?: RadiusAttribute[];
  delayMs?: number;
  /** How the reply is signed. @default 'message-authenticator' */
  sign?: 'message-authenticator' | 'none' | 'bad-message-authenticator';
  /** Sign with this secret instead of the server's. */
  secret?: string;
}

/** Null drops the request. */
export type Handler = (request: ReceivedRequest) => Reply | null;

export interface TestUser {
  password: string;
  attributes?: RadiusAttribute[];
}

/** alice: read-write; bob: Login-User; carol: NAS-Prompt-User; dave: no Service-Type. */
export const TEST_USERS: Readonly<Record<string, TestUser>> = {
  alice: { password: 'alice-pw', attributes: [['Service-Type', 'Administrative-User']] },
  bob: { password: 'bob-pw', attributes: [['Service-Type', 'Login-User']] },
  carol: { password: 'carol-pw', attributes: [['Service-Type', 'NAS-Prompt-User']] },
  dave: { password: 'dave-pw' },
};

/** Accepts TEST_USERS with their attributes, rejects anyone else, acknowledges accounting. */
export function usersHandler(users: Readonly<Record<string, TestUser>> = TEST_USERS): Handler {
  return ({ packet }) => {
    if (packet.code === 'Accounting-Request') return { code: 'Accounting-Response' };
    const user = users[String(packet.attributes['User-Name'])];
    if (user === undefined || user.password !== packet.attributes['User-Password']) {
      return { code: 'Access-Reject' };
    }
    return { code: 'Access-Accept', attributes: user.attributes ?? [] };
  };
}

export class TestRadiusServer {
  readonly received: ReceivedRequest[] = [];
  /** Requests that failed to decode with the secret, and identifiers reused in flight. */
  readonly violations: string[] = [];
  /** Largest number of requests the server owed answers to at once, per client port. */
  maxOutstanding = 0;
  handler: Handler;
  readonly #socket: Socket;
  readonly #outstanding = new Map<string, Buffer>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(
    socket: Socket,
    readonly secret: string,
    handler: Handler,
  ) {
    this.#socket = socket;
    this.handler = handler;
    socket.on('message', (raw, from) => this.#receive(raw, from));
  }

  get port(): number {
    return (this.#socket.address() as AddressInfo).port;
  }

  /** Sends raw bytes from this server's own socket (a forged reply from the right source). */
  sendRaw(data: Buffer, port: number): void {
    this.#socket.send(data, port, '127.0.0.1');
  }

  /** Encodes a reply to `request` as the handler's Reply would be encoded. */
  encodeReply(request: ReceivedRequest, reply: Reply): Buffer {
    return encodeReply(request.packet, reply, this.secret);
  }

  close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #receive(raw: Buffer, from: RemoteInfo): void {
    let packet: DecodedPacket;
    try {
      packet = radius.decode({ packet: raw, secret: this.secret });
    } catch (error) {
      this.violations.push(`undecodable request: ${(error as Error).message}`);
      return;
    }
    const request = { packet, raw, from, at: Date.now() };
    this.received.push(request);
    const key = `${from.port}:${packet.identifier}`;
    const owed = this.#outstanding.get(key);
    if (owed !== undefined && !owed.equals(raw)) {
      this.violations.push(`identifier ${packet.identifier} reused on port ${from.port}`);
    }
    const reply = this.handler(request);
    if (reply === null) return;
    this.#outstanding.set(key, raw);
    this.maxOutstanding = Math.max(this.maxOutstanding, this.#outstanding.size);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#outstanding.get(key) === raw) this.#outstanding.delete(key);
      this.#socket.send(encodeReply(packet, reply, this.secret), from.port, from.address);
    }, reply.delayMs ?? 0);
    this.#timers.add(timer);
  }
}

export async function startTestRadiusServer(
  secret = 'testing123',
  handler: Handler = usersHandler(),
): Promise<TestRadiusServer> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  // Hundreds of requests arrive while the event loop, shared with the hub under test, is busy
  // encoding them; the default buffer (208 KiB) holds about 256 small datagrams.
  socket.setRecvBufferSize(1 << 20);
  return new TestRadiusServer(socket, secret, handler);
}

function encodeReply(request: DecodedPacket, reply: Reply, serverSecret: string): Buffer {
  const secret = reply.secret ?? serverSecret;
  const sign = reply.sign ?? 'message-authenticator';
  const packet = radius.encode({
    code: reply.code,
    identifier: request.identifier,
    authenticator: request.authenticator,
    attributes: [...(reply.attributes ?? [])],
    secret,
    add_message_authenticator: sign !== 'none',
  });
  if (sign === 'bad-message-authenticator') spoilMessageAuthenticator(packet, request, secret);
  return packet;
}

/** Flips a bit of the Message-Authenticator and re-signs, so only that check fails. */
function spoilMessageAuthenticator(packet: Buffer, request: DecodedPacket, secret: string): void {
  const last = packet.length - 1;
  packet[last] = (packet[last] ?? 0) ^ 0x01;
  const digest = createHash('md5')
    .update(packet.subarray(0, 4))
    .update(request.authenticator)
    .update(packet.subarray(20))
    .update(secret)
    .digest();
  digest.copy(packet, 4);
}

/** A RADIUS configuration with the CONFIG.md defaults and short timeouts for tests. */
export function radiusConfig(
  servers: Array<Partial<RadiusServerConfig> & { authPort: number }>,
  extra: Partial<RadiusConfig> = {},
): RadiusConfig {
  return {
    servers: servers.map((s) => ({
      host: '127.0.0.1',
      acctPort: s.authPort,
      secret: 'testing123',
      timeoutMs: 300,
      retries: 2,
      requireMessageAuthenticator: true,
      ...s,
    })),
    nasIdentifier: 'session-hub-test',
    nasIpAddress: '127.0.0.1',
    accounting: false,
    readWrite: { attribute: 'Service-Type', values: ['Administrative-User'] },
    ...extra,
  };
}

export interface CapturedLog {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
}

/** A pino logger whose JSON lines the test can read. */
export function captureLog(): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}

/** A bound UDP socket that never answers: a dead server that is at least listening. */
export async function startSilentServer(): Promise<{
  port: number;
  received: Buffer[];
  close(): Promise<void>;
}> {
  const socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (m) => received.push(m));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: (socket.address() as AddressInfo).port,
    received,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
