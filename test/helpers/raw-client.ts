/**
 * A raw MessagePack WebSocket client for tests: sends exactly the bytes a test gives it and
 * records every message the hub sends, so tests can check the wire contract itself.
 */
import WebSocket from 'ws';
import { decodeMessage, encodeMessage, toPlain } from '../../protocol/index.ts';

export type Message = Record<string, any>;

export class RawClient {
  readonly messages: Message[] = [];
  readonly socket: WebSocket;
  #nextId = 1;
  #waiters: Array<() => void> = [];
  closeCode: number | null = null;
  readonly closed: Promise<number>;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: Buffer) => {
      const decoded = decodeMessage(data);
      this.messages.push(decoded.ok ? (toPlain(decoded.value) as Message) : { undecodable: true });
      this.#wake();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code) => {
        this.closeCode = code;
        this.#wake();
        resolve(code);
      }),
    );
    socket.on('error', () => {}); // the close event tells the tests what they need
  }

  /** Opens a connection and waits for `hello`. */
  static async connect(url: string, options: WebSocket.ClientOptions = {}): Promise<RawClient> {
    const socket = new WebSocket(url, options);
    const client = new RawClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await client.waitFor((m) => m.event === 'hello');
    return client;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  sendRaw(data: Uint8Array | string, binary = typeof data !== 'string'): void {
    this.socket.send(data, { binary });
  }

  send(message: object): void {
    this.sendRaw(encodeMessage(message));
  }

  /** Sends a request with a fresh id and resolves to its response. */
  async request(op: string, params: object = {}): Promise<Message> {
    const id = this.#nextId++;
    this.send({ id, op, ...params });
    return this.waitFor((m) => m.id === id && 'ok' in m);
  }

  /** Resolves to the first recorded message that matches, waiting for it if need be. */
  async waitFor(match: (m: Message) => boolean, timeoutMs = 5000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (this.closeCode !== null) throw new Error(`closed (${this.closeCode}) before a match`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  events(name: string): Message[] {
    return this.messages.filter((m) => m.event === name);
  }

  /** Logs in and starts a session; resolves to the cookie and session. */
  async login(username: string, password: string): Promise<{ cookie: string; session: Message }> {
    const auth = await this.request('authenticate', { username, password });
    if (!auth.ok) throw new Error(`login failed: ${auth.code}`);
    const started = await this.request('session.start');
    if (!started.ok) throw new Error(`session.start failed: ${started.code}`);
    return { cookie: started.cookie, session: started.session };
  }

  close(): Promise<number> {
    if (this.closeCode === null) this.socket.close();
    return this.closed;
  }
}

/** Waits until `check` holds, polling; for counters that settle asynchronously. */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
