/** One client connection of the load generator, over `ws`, speaking the hub's MessagePack. */
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { decodeMessage, encodeMessage } from '../../protocol/index.ts';

export type WireMap = Map<unknown, unknown>;

export interface ConnectOptions {
  url: string;
  localAddress: string;
  /** Handshake deadline. */
  timeoutMs: number;
}

/** A response that was not `ok`, carrying the protocol's error code. */
export class RequestFailedError extends Error {
  readonly code: string;
  constructor(op: string, code: string) {
    super(`${op} answered ${code}`);
    this.name = 'RequestFailedError';
    this.code = code;
  }
}

// Ids above this are the pipelined loop's; below are awaited setup requests.
const SETUP_ID_LIMIT = 1 << 20;

// An all-zero mask is valid (RFC 6455 only requires one) and lets ws skip XOR-ing every byte.
function zeroMask(mask: Uint8Array): void {
  mask.fill(0);
}

export class BenchConnection {
  readonly #ws: WebSocket;
  readonly #waiting = new Map<number, (message: WireMap) => void>();
  #nextSetupId = 1;
  #queued: Buffer[] = [];
  /** Responses to pipelined requests (ids at or above 2^20). */
  onResponse: (id: number, message: WireMap) => void = () => {};
  /** Events (frames without an id). */
  onEvent: (message: WireMap) => void = () => {};
  onClose: () => void = () => {};

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => this.#receive(data as Buffer));
    ws.on('close', () => this.onClose());
    ws.on('error', () => {}); // a close follows; the caller counts it there
  }

  static open(options: ConnectOptions): Promise<BenchConnection> {
    const ws = new WebSocket(options.url, {
      localAddress: options.localAddress,
      handshakeTimeout: options.timeoutMs,
      perMessageDeflate: false,
      generateMask: zeroMask,
    });
    ws.binaryType = 'nodebuffer';
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new BenchConnection(ws)));
      ws.once('error', reject);
    });
  }

  static readonly firstPipelinedId = SETUP_ID_LIMIT;

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** Sends one request and resolves its response; rejects with RequestFailedError if not ok. */
  request(message: Record<string, unknown>): Promise<WireMap> {
    const id = this.#nextSetupId++;
    if (id >= SETUP_ID_LIMIT) throw new RangeError('too many setup requests on one connection');
    const op = String(message.op);
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, (reply) => {
        if (reply.get('ok') === true) resolve(reply);
        else reject(new RequestFailedError(op, String(reply.get('code'))));
      });
      this.#ws.send(encodeMessage({ ...message, id }));
    });
  }

  /**
   * Queues a pipelined frame; frames queued in one turn go out corked as one write, as a real
   * pipelining client would batch them.
   */
  send(frame: Buffer): void {
    if (this.#queued.length === 0) queueMicrotask(() => this.#flush());
    this.#queued.push(frame);
  }

  close(): void {
    this.#ws.terminate();
  }

  #flush(): void {
    const frames = this.#queued;
    this.#queued = [];
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    // ws offers no cork of its own; its socket is private but stable across ws 8.x.
    const socket = (this.#ws as unknown as { _socket: Socket })._socket;
    socket.cork();
    for (const frame of frames) this.#ws.send(frame);
    socket.uncork();
  }

  #receive(data: Buffer): void {
    const decoded = decodeMessage(data);
    if (!decoded.ok || !(decoded.value instanceof Map)) return;
    const message = decoded.value as WireMap;
    const id = message.get('id');
    if (typeof id !== 'number') return this.onEvent(message);
    if (id >= SETUP_ID_LIMIT) return this.onResponse(id, message);
    const waiter = this.#waiting.get(id);
    if (!waiter) return;
    this.#waiting.delete(id);
    waiter(message);
  }
}
