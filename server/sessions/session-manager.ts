/**
 * The session manager: starts, validates, ends and clears sessions over a SessionStore, keeps
 * the one user object per live session that validation hands out, and turns store changes into
 * session events on the bus. The same code serves one process (memory store and bus) and a
 * cluster (Redis store and bus).
 */
import pino, { type Logger } from 'pino';
import type { ClearReason } from '../../protocol/index.ts';
import { SessionDoesNotExistError, SessionExistsError } from '../errors.ts';
import type { EventBus, PublicSession, SessionEvent } from '../events/session-events.ts';
import { normalizeAddress } from '../net/address.ts';
import { hashCookie, newCookie, newSessionId } from './cookie.ts';
import { expiredBy, expiryEnabled, sweepIntervalMs, type ExpiryKind } from './expiry.ts';
import { HubUser, type SessionOwner } from './hub-user.ts';
import { toPublicSession } from './public-session.ts';
import type { EndCause, SessionHooks } from './session-hooks.ts';
import type { SessionRecord } from './session-record.ts';
import type { ExpiryPolicy, SessionStore } from './session-store.ts';
import { OwnEventHold } from './own-event-hold.ts';
import { Tombstones } from './tombstones.ts';

export interface SessionManagerOptions {
  store: SessionStore;
  bus: EventBus;
  /** Default: both limits off. */
  expiry?: ExpiryPolicy;
  hooks?: SessionHooks[];
  logger?: Logger;
  /**
   * How long a cached session is trusted before validation checks the store again, for stores
   * in another process. Bounds how stale a cache may get if an event is lost. Default 1000 ms.
   */
  cacheSyncMs?: number;
}

interface LiveSession {
  user: HubUser;
  record: SessionRecord;
  cookie: string;
  /** When the store last confirmed the session (ms). */
  syncedAt: number;
}

export type ValidatedSession = { user: HubUser; session: PublicSession };
export type SessionEventListener = (event: SessionEvent) => void;

const NO_EXPIRY: ExpiryPolicy = Object.freeze({ idleTimeoutMs: 0, maxAgeMs: 0 });
const REASON_TO_CAUSE: Record<ClearReason, EndCause> = {
  logout: 'logout',
  cleared: 'cleared',
  expired: 'expired',
};

export class SessionManager implements SessionOwner {
  readonly #store: SessionStore;
  readonly #bus: EventBus;
  readonly #expiry: ExpiryPolicy;
  readonly #hooks: SessionHooks[];
  readonly #log: Logger;
  readonly #cacheSyncMs: number;
  readonly #liveById = new Map<string, LiveSession>();
  // Keyed by the cookie itself, in this process's memory only (the user object holds it too):
  // a validation that hits the cache needs no hashing. Stores see only the hash.
  readonly #liveByCookie = new Map<string, LiveSession>();
  readonly #starting = new WeakSet<HubUser>();
  // Ended sessions, remembered briefly: a validation racing an end must not revive the
  // session, and a `created` event that arrives after its `cleared` must be dropped.
  readonly #ended = new Tombstones(30_000);
  // What this process has told its subscribers (cluster only): the base for a re-sync.
  readonly #known = new Map<string, PublicSession>();
  readonly #listeners = new Set<SessionEventListener>();
  readonly #ownEvents = new OwnEventHold();
  readonly #unsubscribe: Array<() => void> = [];
  #sweeper: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: SessionManagerOptions) {
    this.#store = options.store;
    this.#bus = options.bus;
    this.#expiry = options.expiry ?? NO_EXPIRY;
    this.#hooks = options.hooks ?? [];
    this.#log = options.logger ?? pino({ level: 'silent' });
    this.#cacheSyncMs = options.cacheSyncMs ?? 1000;
    this.#unsubscribe.push(
      this.#bus.subscribe((event) => this.#ownEvents.route(event, (e) => this.#applyEvent(e))),
    );
    this.#unsubscribe.push(this.#bus.onResync(() => void this.#resync()));
    if (expiryEnabled(this.#expiry)) {
      this.#sweeper = setInterval(() => void this.#sweep(), sweepIntervalMs(this.#expiry));
      this.#sweeper.unref(); // expiry is also checked on read; the timer must not hold the process
    }
  }

  /** Creates a user object for an authenticated user, with no session yet. */
  newUser(fields: ConstructorParameters<typeof HubUser>[1]): HubUser {
    return new HubUser(this, fields);
  }

  /** Listens to session events after the manager has applied them to its cache. */
  onEvent(listener: SessionEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // Shortcoming: no cap on sessions per user; with the timeouts off (the default) an
  // authenticated client can keep starting sessions until an operator clears them.
  async startSession(user: HubUser, srcAddr: string): Promise<string> {
    const address = typeof srcAddr === 'string' ? normalizeAddress(srcAddr) : null;
    if (address === null) throw new TypeError('srcAddr must be an IPv4 or IPv6 address');
    if (user.sessionId !== null || this.#starting.has(user)) throw new SessionExistsError();
    this.#starting.add(user);
    try {
      const cookie = newCookie();
      const record = await this.#createRecord(user, address, hashCookie(cookie));
      this.#attach(record, user, cookie);
      for (const hook of this.#hooks) hook.onStart(record);
      const fields = { sessionId: record.id, username: user.username, srcAddr: address };
      this.#log.info(fields, 'session started');
      await this.#publish({ type: 'created', session: toPublicSession(record) });
      return cookie;
    } finally {
      this.#starting.delete(user);
    }
  }

  async #createRecord(user: HubUser, srcAddr: string, cookieHash: string): Promise<SessionRecord> {
    const now = Date.now();
    const record: SessionRecord = {
      id: newSessionId(),
      cookieHash,
      username: user.username,
      readWrite: user.readWrite,
      mechanism: user.mechanism,
      srcAddr,
      startedAt: now,
      lastSeenAt: now,
    };
    if (user.authInfo !== undefined) record.authInfo = user.authInfo;
    try {
      await this.#store.create(record);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'STORE_CONFLICT') throw error;
      record.id = newSessionId(); // a 60-bit id collided: draw once more
      await this.#store.create(record);
    }
    return record;
  }

  async endSession(user: HubUser): Promise<void> {
    const id = user.sessionId;
    if (id === null) throw new SessionDoesNotExistError('this user has no session');
    const removed = await this.clearSession(id, 'logout');
    if (!removed) throw new SessionDoesNotExistError('the session had already ended');
  }

  /**
   * Validates a cookie: resolves to the session's user object (the same object for every
   * validation of one live session) or null. Never says whether the cookie ever existed.
   */
  async validate(cookie: string): Promise<ValidatedSession | null> {
    const now = Date.now();
    const live = this.#liveByCookie.get(cookie);
    if (live) return this.#revalidate(live, now);
    const record = await this.#store.findByCookieHash(hashCookie(cookie));
    if (!record || this.#ended.has(record.id)) return null;
    const kind = expiredBy(record, this.#expiry, now);
    if (kind) {
      await this.clearSession(record.id, 'expired', kind);
      return null;
    }
    const touched = await this.#store.touch(record.id, now);
    // Checked again after the await: an end acknowledged meanwhile must win.
    if (!touched || this.#ended.has(record.id)) return null;
    const existing = this.#liveByCookie.get(cookie);
    const entry = existing ?? this.#attach(touched, this.#userFor(touched), cookie);
    entry.syncedAt = now;
    return { user: entry.user, session: toPublicSession(entry.record) };
  }

  #userFor(record: SessionRecord): HubUser {
    const fields = {
      username: record.username,
      readWrite: record.readWrite,
      mechanism: record.mechanism,
      ...(record.authInfo === undefined ? {} : { authInfo: record.authInfo }),
    };
    return new HubUser(this, fields);
  }

  /**
   * The validation hot path: answers from the cache without any await when it can, and
   * returns undefined when the full `validate` must run (not cached, expired, or due to be
   * confirmed by the store). Callers get the cached record itself: read it, never keep it.
   */
  validateCached(cookie: string): { user: HubUser; record: Readonly<SessionRecord> } | undefined {
    const live = this.#liveByCookie.get(cookie);
    if (!live) return undefined;
    const now = Date.now();
    if (now - live.syncedAt >= this.#cacheSyncMs) return undefined;
    if (expiredBy(live.record, this.#expiry, now)) return undefined;
    live.record.lastSeenAt = now;
    return { user: live.user, record: live.record };
  }

  async #revalidate(live: LiveSession, now: number): Promise<ValidatedSession | null> {
    const kind = expiredBy(live.record, this.#expiry, now);
    if (kind) {
      await this.clearSession(live.record.id, 'expired', kind);
      return null;
    }
    live.record.lastSeenAt = now;
    // The store hears of activity at most every cacheSyncMs; listings merge in the cache's
    // lastSeenAt, and an end elsewhere reaches the cache through the bus meanwhile.
    if (now - live.syncedAt >= this.#cacheSyncMs) {
      const fresh = await this.#store.touch(live.record.id, now);
      if (!fresh) {
        this.#detach(live.record.id);
        return null;
      }
      live.syncedAt = now;
    }
    if (this.#liveById.get(live.record.id) !== live) return null; // ended during the await
    return { user: live.user, session: toPublicSession(live.record) };
  }

  /**
   * Removes a session and announces it. Resolves to the removed session, or null when it was
   * not found (or another caller removed it first).
   */
  async clearSession(
    id: string,
    reason: ClearReason,
    expiry?: ExpiryKind,
  ): Promise<PublicSession | null> {
    const record = await this.#store.remove(id);
    if (!record) return null;
    this.#ended.add(id);
    const live = this.#liveById.get(id);
    if (live) record.lastSeenAt = Math.max(record.lastSeenAt, live.record.lastSeenAt);
    this.#detach(id);
    for (const hook of this.#hooks) hook.onEnd(record, REASON_TO_CAUSE[reason], expiry);
    const session = toPublicSession(record);
    this.#log.info({ sessionId: id, username: record.username, reason }, 'session cleared');
    await this.#publish({ type: 'cleared', session, reason });
    return session;
  }

  /** Clears every session of one user ("log out everywhere"); resolves to how many. */
  async clearUserSessions(username: string): Promise<number> {
    const records = await this.#store.listByUser(username);
    const cleared = await Promise.all(records.map((r) => this.clearSession(r.id, 'cleared')));
    return cleared.filter((s) => s !== null).length;
  }

  async list(): Promise<PublicSession[]> {
    const records = await this.#store.list();
    return records
      .map((record) => this.#withLocalActivity(record))
      .sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  }

  /** The store's lastSeenAt may lag this process's cache by up to cacheSyncMs. */
  #withLocalActivity(record: SessionRecord): PublicSession {
    const live = this.#liveById.get(record.id);
    if (live) record.lastSeenAt = Math.max(record.lastSeenAt, live.record.lastSeenAt);
    return toPublicSession(record);
  }

  #attach(record: SessionRecord, user: HubUser, cookie: string): LiveSession {
    const live: LiveSession = { user, record, cookie, syncedAt: Date.now() };
    user.sessionId = record.id;
    user.sessionCookie = cookie;
    user.sessionStart = record.startedAt;
    this.#liveById.set(record.id, live);
    this.#liveByCookie.set(cookie, live);
    return live;
  }

  #detach(id: string): void {
    const live = this.#liveById.get(id);
    if (!live) return;
    this.#liveById.delete(id);
    this.#liveByCookie.delete(live.cookie);
    if (live.user.sessionId === id) {
      live.user.sessionId = null;
      live.user.sessionCookie = null;
      live.user.sessionStart = null;
    }
  }

  async #publish(event: SessionEvent): Promise<void> {
    const published = this.#bus.publish(event);
    this.#ownEvents.track(event.session.id, published);
    try {
      await published;
    } catch (error) {
      // The store already holds the change: the request succeeded. Other processes catch up
      // through their cache check (cacheSyncMs) and the re-sync after the bus recovers.
      const fields = { err: error, sessionId: event.session.id, event: event.type };
      this.#log.error(fields, 'event not published');
    }
  }

  #applyEvent(event: SessionEvent): void {
    const id = event.session.id;
    if (event.type === 'created') {
      if (this.#ended.has(id)) return; // its `cleared` overtook it
      if (!this.#store.local) this.#known.set(id, event.session);
    } else {
      this.#ended.add(id);
      this.#known.delete(id);
      this.#detach(id); // ended by another process: stop honouring the cookie here
    }
    this.#emit(event);
  }

  #emit(event: SessionEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  /**
   * After the bus lost events (an outage), brings the cache and this process's subscribers
   * back in line with the store by announcing the differences.
   */
  async #resync(): Promise<void> {
    let records: SessionRecord[];
    try {
      records = await this.#store.list();
    } catch (error) {
      this.#log.warn({ err: error }, 'session re-sync failed; will retry on next recovery');
      return;
    }
    const current = new Map(records.map((r) => [r.id, toPublicSession(r)]));
    for (const [id, session] of this.#known) {
      if (current.has(id)) continue;
      this.#known.delete(id);
      this.#ended.add(id);
      this.#detach(id);
      this.#emit({ type: 'cleared', session, reason: 'cleared' });
    }
    for (const id of [...this.#liveById.keys()]) if (!current.has(id)) this.#detach(id);
    for (const [id, session] of current) {
      if (this.#known.has(id) || this.#ended.has(id)) continue;
      this.#known.set(id, session);
      this.#emit({ type: 'created', session });
    }
    this.#log.info({ sessions: current.size }, 'sessions re-synced after an event outage');
  }

  // Shortcoming: each sweep lists the whole store, in every process of a cluster; with many
  // sessions in Redis an expiry index (a sorted set by deadline) would be cheaper.
  async #sweep(): Promise<void> {
    if (this.#closed || !this.#store.healthy()) return;
    const now = Date.now();
    try {
      for (const record of await this.#store.list()) {
        const live = this.#liveById.get(record.id);
        const lastSeenAt = Math.max(record.lastSeenAt, live?.record.lastSeenAt ?? 0);
        const kind = expiredBy({ startedAt: record.startedAt, lastSeenAt }, this.#expiry, now);
        if (kind) await this.clearSession(record.id, 'expired', kind);
      }
    } catch (error) {
      this.#log.warn({ err: error }, 'expiry sweep failed; retrying on the next tick');
    }
  }

  /**
   * Stops timers and listeners. With an in-process store the sessions die with the process,
   * so the hooks hear of each one ('shutdown', e.g. RADIUS accounting NAS-Reboot).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    for (const stop of this.#unsubscribe) stop();
    if (this.#store.local && this.#hooks.length > 0) {
      for (const record of await this.#store.list()) {
        for (const hook of this.#hooks) hook.onEnd(record, 'shutdown');
      }
    }
    this.#listeners.clear();
  }
}
