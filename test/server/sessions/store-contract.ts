/**
 * The behaviour every SessionStore shares. The in-memory store is the reference; each store's
 * test file runs this suite against it, so that the stores cannot drift apart.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../../server/sessions/session-record.ts';
import type { SessionStore } from '../../../server/sessions/session-store.ts';

export interface StoreUnderTest {
  store: SessionStore;
  /** Another handle on the same data (a second process in a cluster); may be `store`. */
  peer: SessionStore;
  cleanup(): Promise<void>;
}

export type StoreFactory = () => Promise<StoreUnderTest>;

let counter = 0;

/** A record with a unique id and cookie hash. */
export function sampleRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  counter += 1;
  return {
    id: `s${counter}-${randomBytes(3).toString('hex')}`,
    cookieHash: randomBytes(32).toString('hex'),
    username: 'alice',
    readWrite: true,
    mechanism: 'local',
    srcAddr: '127.0.0.1',
    startedAt: 1_700_000_000_000,
    lastSeenAt: 1_700_000_000_000,
    ...overrides,
  };
}

function byId(records: SessionRecord[]): SessionRecord[] {
  return [...records].sort((a, b) => a.id.localeCompare(b.id));
}

export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name} (store contract)`, () => {
    let subject: StoreUnderTest;
    let store: SessionStore;
    let peer: SessionStore;

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
      peer = subject.peer;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    describeReads(() => ({ store, peer }));
    describeWrites(() => ({ store, peer }));
    describeRemoval(() => ({ store, peer }));
    describeRaces(() => ({ store, peer }));
  });
}

type Handles = () => { store: SessionStore; peer: SessionStore };

function describeReads(handles: Handles): void {
  it('returns a created session by id and by cookie hash, from any handle', async () => {
    const { store, peer } = handles();
    const record = sampleRecord({ authInfo: 'radius:0', readWrite: false, srcAddr: '::1' });
    await store.create(record);
    expect(await store.get(record.id)).toEqual(record);
    expect(await peer.get(record.id)).toEqual(record);
    expect(await peer.findByCookieHash(record.cookieHash)).toEqual(record);
  });

  it('leaves authInfo out when the record has none', async () => {
    const { store } = handles();
    const record = sampleRecord({ mechanism: 'radius' });
    await store.create(record);
    const found = await store.get(record.id);
    expect(found).toEqual(record);
    expect(found).not.toHaveProperty('authInfo');
  });

  it('answers null for an unknown id or cookie hash', async () => {
    const { store } = handles();
    await store.create(sampleRecord());
    expect(await store.get('no-such-id')).toBeNull();
    expect(await store.findByCookieHash(randomBytes(32).toString('hex'))).toBeNull();
  });

  it('returns copies that the caller cannot use to change the store', async () => {
    const { store } = handles();
    const record = sampleRecord();
    await store.create(record);
    record.username = 'mallory';
    const got = (await store.get(record.id))!;
    got.lastSeenAt = 0;
    expect(await store.get(record.id)).toMatchObject({ username: 'alice' });
    expect((await store.get(record.id))!.lastSeenAt).toBe(1_700_000_000_000);
  });

  it('lists every session, and by user only that user’s', async () => {
    const { store, peer } = handles();
    const a1 = sampleRecord();
    const a2 = sampleRecord({ startedAt: 1_700_000_000_500, lastSeenAt: 1_700_000_000_500 });
    const b1 = sampleRecord({ username: 'bob' });
    for (const record of [a1, a2, b1]) await store.create(record);
    expect(byId(await peer.list())).toEqual(byId([a1, a2, b1]));
    expect(byId(await peer.listByUser('alice'))).toEqual(byId([a1, a2]));
    expect(await peer.listByUser('bob')).toEqual([b1]);
    expect(await peer.listByUser('carol')).toEqual([]);
  });

  it('reports itself healthy while it can serve', async () => {
    expect(handles().store.healthy()).toBe(true);
  });
}

function describeWrites(handles: Handles): void {
  it('rejects a create whose id is taken and keeps the first record', async () => {
    const { store } = handles();
    const first = sampleRecord();
    await store.create(first);
    const clash = sampleRecord({ id: first.id, username: 'bob' });
    await expect(store.create(clash)).rejects.toBeInstanceOf(Error);
    expect(await store.get(first.id)).toEqual(first);
    expect(await store.findByCookieHash(clash.cookieHash)).toBeNull();
    expect(await store.listByUser('bob')).toEqual([]);
  });

  it('rejects a create whose cookie hash is taken and keeps the first record', async () => {
    const { store } = handles();
    const first = sampleRecord();
    await store.create(first);
    const clash = sampleRecord({ cookieHash: first.cookieHash, username: 'bob' });
    await expect(store.create(clash)).rejects.toBeInstanceOf(Error);
    expect(await store.get(clash.id)).toBeNull();
    expect(await store.findByCookieHash(first.cookieHash)).toEqual(first);
    expect(await store.list()).toEqual([first]);
  });

  it('records activity on touch and returns the updated record', async () => {
    const { store, peer } = handles();
    const record = sampleRecord();
    await store.create(record);
    const touched = await peer.touch(record.id, record.lastSeenAt + 5_000);
    expect(touched).toEqual({ ...record, lastSeenAt: record.lastSeenAt + 5_000 });
    expect(await store.findByCookieHash(record.cookieHash)).toEqual(touched);
  });

  it('never moves lastSeenAt backwards', async () => {
    const { store } = handles();
    const record = sampleRecord();
    await store.create(record);
    await store.touch(record.id, record.lastSeenAt + 5_000);
    const late = await store.touch(record.id, record.lastSeenAt + 1_000);
    expect(late?.lastSeenAt).toBe(record.lastSeenAt + 5_000);
  });

  it('answers null to a touch of an unknown session and creates nothing', async () => {
    const { store } = handles();
    expect(await store.touch('no-such-id', Date.now())).toBeNull();
    expect(await store.get('no-such-id')).toBeNull();
    expect(await store.list()).toEqual([]);
  });
}

function describeRemoval(handles: Handles): void {
  it('returns the removed record once, then null', async () => {
    const { store, peer } = handles();
    const record = sampleRecord();
    await store.create(record);
    expect(await peer.remove(record.id)).toEqual(record);
    expect(await store.remove(record.id)).toBeNull();
    expect(await peer.remove(record.id)).toBeNull();
  });

  it('leaves no index behind: lookups miss and the id and cookie hash are free again', async () => {
    const { store, peer } = handles();
    const record = sampleRecord();
    const other = sampleRecord();
    await store.create(record);
    await store.create(other);
    await peer.remove(record.id);
    expect(await store.get(record.id)).toBeNull();
    expect(await store.findByCookieHash(record.cookieHash)).toBeNull();
    expect(await store.list()).toEqual([other]);
    expect(await store.listByUser('alice')).toEqual([other]);
    const again = sampleRecord({ id: record.id, cookieHash: record.cookieHash, username: 'bob' });
    await store.create(again);
    expect(await store.findByCookieHash(record.cookieHash)).toEqual(again);
    expect(await store.listByUser('alice')).toEqual([other]);
  });

  it('answers null to a touch after remove and does not bring the session back', async () => {
    const { store, peer } = handles();
    const record = sampleRecord();
    await store.create(record);
    await store.remove(record.id);
    expect(await peer.touch(record.id, Date.now())).toBeNull();
    expect(await store.get(record.id)).toBeNull();
    expect(await store.findByCookieHash(record.cookieHash)).toBeNull();
    expect(await store.list()).toEqual([]);
    expect(await store.listByUser('alice')).toEqual([]);
  });
}

function describeRaces(handles: Handles): void {
  it('gives the record to exactly one of several racing removes', async () => {
    const { store, peer } = handles();
    for (let round = 0; round < 20; round += 1) {
      const record = sampleRecord();
      await store.create(record);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? peer : store).remove(record.id)),
      );
      expect(results.filter((result) => result !== null)).toEqual([record]);
    }
  });

  it('ends with the session gone when touches race a remove', async () => {
    const { store, peer } = handles();
    for (let round = 0; round < 20; round += 1) {
      const record = sampleRecord();
      await store.create(record);
      const touches = Array.from({ length: 4 }, (_, i) => peer.touch(record.id, Date.now() + i));
      const [removed] = await Promise.all([store.remove(record.id), ...touches]);
      expect(removed?.id).toBe(record.id);
      expect(await peer.get(record.id)).toBeNull();
      expect(await peer.findByCookieHash(record.cookieHash)).toBeNull();
    }
    expect(await store.list()).toEqual([]);
  });
}
