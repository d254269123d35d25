/** The in-memory session store: the reference implementation of SessionStore. */
import type { SessionRecord } from './session-record.ts';
import type { SessionStore } from './session-store.ts';
import { StoreConflictError } from './store-errors.ts';

export class MemorySessionStore implements SessionStore {
  readonly local = true;
  readonly #byId = new Map<string, SessionRecord>();
  readonly #idByCookieHash = new Map<string, string>();
  readonly #idsByUser = new Map<string, Set<string>>();

  async create(record: SessionRecord): Promise<void> {
    if (this.#byId.has(record.id) || this.#idByCookieHash.has(record.cookieHash)) {
      throw new StoreConflictError(`session id or cookie hash already taken (id ${record.id})`);
    }
    this.#byId.set(record.id, { ...record });
    this.#idByCookieHash.set(record.cookieHash, record.id);
    let ids = this.#idsByUser.get(record.username);
    if (!ids) this.#idsByUser.set(record.username, (ids = new Set()));
    ids.add(record.id);
  }

  async get(id: string): Promise<SessionRecord | null> {
    const record = this.#byId.get(id);
    return record ? { ...record } : null;
  }

  async findByCookieHash(cookieHash: string): Promise<SessionRecord | null> {
    const id = this.#idByCookieHash.get(cookieHash);
    return id === undefined ? null : this.get(id);
  }

  async touch(id: string, lastSeenAt: number): Promise<SessionRecord | null> {
    const record = this.#byId.get(id);
    if (!record) return null;
    record.lastSeenAt = Math.max(record.lastSeenAt, lastSeenAt);
    return { ...record };
  }

  async remove(id: string): Promise<SessionRecord | null> {
    const record = this.#byId.get(id);
    if (!record) return null;
    this.#byId.delete(id);
    this.#idByCookieHash.delete(record.cookieHash);
    const ids = this.#idsByUser.get(record.username);
    ids?.delete(id);
    if (ids?.size === 0) this.#idsByUser.delete(record.username);
    return record;
  }

  async list(): Promise<SessionRecord[]> {
    return [...this.#byId.values()].map((record) => ({ ...record }));
  }

  async listByUser(username: string): Promise<SessionRecord[]> {
    const ids = this.#idsByUser.get(username) ?? new Set<string>();
    return [...ids].map((id) => ({ ...this.#byId.get(id)! }));
  }

  healthy(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}
