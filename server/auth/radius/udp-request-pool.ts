/**
 * UDP sockets and RADIUS identifiers. An identifier is never reused while a request with it is
 * in flight on its socket: each socket carries at most 256 requests, more sockets open as
 * needed (up to `maxSockets` per address family), and beyond that requests wait in a bounded
 * queue. Datagrams that are too short, match no request in flight, or come from another
 * address or port than the server asked are dropped and counted here.
 */
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { Logger } from 'pino';
import { HEADER_LENGTH } from './packet-codec.ts';

const IDS_PER_SOCKET = 256;

export type Family = 4 | 6;

/** Counts of datagrams the hub dropped; they never reach a login. */
export interface DropCounters {
  /** Too short or undecodable. */
  malformed: number;
  /** From an address or port other than the server the request went to. */
  spoofed: number;
  /** No request in flight with that identifier (for example a reply after the last timeout). */
  unmatched: number;
  /** From the right server, but failed verification (authenticators, code). */
  unverified: number;
}

/** A request's claim on an identifier, and where its reply must come from. */
export interface PendingRequest {
  readonly address: string;
  readonly port: number;
  /** Called with a datagram from the right address and port carrying this identifier. */
  onDatagram(message: Buffer): void;
}

export interface Slot {
  readonly id: number;
  send(packet: Buffer): void;
  /** Frees the identifier. Idempotent. */
  release(): void;
}

export class PoolBusyError extends Error {
  override readonly name = 'PoolBusyError';
  readonly code = 'RADIUS_POOL_BUSY';
}

export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
  readonly code = 'RADIUS_POOL_CLOSED';
}

interface Waiter {
  family: Family;
  request: PendingRequest;
  resolve(slot: Slot): void;
  reject(error: Error): void;
}

interface PoolOptions {
  maxSockets: number;
  maxQueued: number;
  counters: DropCounters;
  logger: Logger;
}

class IdSocket {
  readonly socket: Socket;
  readonly inFlight = new Map<number, PendingRequest>();
  // Allocation walks forward so a just-freed identifier is the last to be reused, which keeps
  // a late reply to an old request from meeting a new one.
  #nextId: number;

  constructor(
    readonly family: Family,
    private readonly options: PoolOptions,
    private readonly onFree: (socket: IdSocket) => void,
  ) {
    this.#nextId = Math.floor(Math.random() * IDS_PER_SOCKET);
    this.socket = createSocket(family === 4 ? 'udp4' : 'udp6');
    this.socket.on('message', (message, remote) => this.#receive(message, remote));
    this.socket.on('error', (error) => {
      options.logger.warn({ event: 'radius-socket-error', err: error }, 'RADIUS socket error');
    });
    // The hub's listening socket keeps the process alive; an idle RADIUS socket must not.
    this.socket.unref();
  }

  get full(): boolean {
    return this.inFlight.size >= IDS_PER_SOCKET;
  }

  allocate(request: PendingRequest): Slot {
    let id = this.#nextId;
    while (this.inFlight.has(id)) id = (id + 1) % IDS_PER_SOCKET;
    this.#nextId = (id + 1) % IDS_PER_SOCKET;
    this.inFlight.set(id, request);
    let released = false;
    return {
      id,
      send: (packet) => this.#send(packet, request),
      release: () => {
        if (released) return;
        released = true;
        this.inFlight.delete(id);
        this.onFree(this);
      },
    };
  }

  #send(packet: Buffer, request: PendingRequest): void {
    // A failed send is a lost datagram: the retransmission timer handles it.
    const onError = (error: Error | null): void => {
      if (error) this.options.logger.debug({ event: 'radius-send-failed', err: error });
    };
    try {
      this.socket.send(packet, request.port, request.address, onError);
    } catch (error) {
      onError(error as Error); // the socket closed under a request that was being cancelled
    }
  }

  #receive(message: Buffer, remote: RemoteInfo): void {
    const counters = this.options.counters;
    if (message.length < HEADER_LENGTH) {
      counters.malformed++;
      return;
    }
    const request = this.inFlight.get(message[1] ?? -1);
    if (request === undefined) {
      counters.unmatched++;
    } else if (remote.address !== request.address || remote.port !== request.port) {
      counters.spoofed++;
    } else {
      request.onDatagram(message);
    }
  }
}

/** Hands out (socket, identifier) slots. */
export class UdpRequestPool {
  readonly #sockets: IdSocket[] = [];
  readonly #queue: Waiter[] = [];
  #closed = false;

  constructor(private readonly options: PoolOptions) {}

  /** A free slot for `request`, waiting when every socket is full. */
  acquire(family: Family, request: PendingRequest): Promise<Slot> {
    if (this.#closed) return Promise.reject(new PoolClosedError('RADIUS client closed'));
    const socket = this.#socketWithRoom(family);
    if (socket !== null) return Promise.resolve(socket.allocate(request));
    if (this.#queue.length >= this.options.maxQueued) {
      return Promise.reject(new PoolBusyError('too many RADIUS requests waiting'));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ family, request, resolve, reject });
    });
  }

  /** Number of requests holding an identifier, for tests and diagnostics. */
  inFlight(): number {
    return this.#sockets.reduce((sum, s) => sum + s.inFlight.size, 0);
  }

  socketCount(): number {
    return this.#sockets.length;
  }

  close(): void {
    this.#closed = true;
    for (const waiter of this.#queue.splice(0)) {
      waiter.reject(new PoolClosedError('RADIUS client closed'));
    }
    for (const socket of this.#sockets.splice(0)) socket.socket.close();
  }

  #socketWithRoom(family: Family): IdSocket | null {
    const existing = this.#sockets.find((s) => s.family === family && !s.full);
    if (existing !== undefined) return existing;
    const count = this.#sockets.filter((s) => s.family === family).length;
    if (count >= this.options.maxSockets) return null;
    const socket = new IdSocket(family, this.options, (s) => this.#onFree(s));
    this.#sockets.push(socket);
    return socket;
  }

  #onFree(socket: IdSocket): void {
    if (this.#closed) return;
    const index = this.#queue.findIndex((w) => w.family === socket.family);
    if (index < 0) return;
    const [waiter] = this.#queue.splice(index, 1);
    waiter?.resolve(socket.allocate(waiter.request));
  }
}
