/**
 * The session store interface. The in-memory store is the reference; the Redis store passes
 * the same behavioural suite (test/server/sessions/store-contract.ts). Every method is
 * asynchronous because a store may be across a network.
 */
import type { SessionRecord } from './session-record.ts';

export interface ExpiryPolicy {
  /** Idle timeout in ms; 0 = off. */
  idleTimeoutMs: number;
  /** Absolute age limit in ms; 0 = off. */
  maxAgeMs: number;
}

export interface SessionStore {
  /** True when the store lives in this process: its sessions end with the process. */
  readonly local: boolean;
  /** Adds a session. Rejects when the id or the cookie hash is already taken. */
  create(record: SessionRecord): Promise<void>;
  get(id: string): Promise<SessionRecord | null>;
  findByCookieHash(cookieHash: string): Promise<SessionRecord | null>;
  /**
   * Records activity. Returns the updated record, or null when the session is gone: a touch
   * never brings an ended session back.
   */
  touch(id: string, lastSeenAt: number): Promise<SessionRecord | null>;
  /**
   * Removes a session and its indexes. Resolves to the removed record for exactly one caller
   * when several race; the others get null.
   */
  remove(id: string): Promise<SessionRecord | null>;
  list(): Promise<SessionRecord[]>;
  listByUser(username: string): Promise<SessionRecord[]>;
  /** Whether the store can serve now (for /healthz). */
  healthy(): boolean;
  close(): Promise<void>;
}
