/**
 * Hostile and malformed input over real sockets, on both transports: each frame is answered as
 * PROTOCOL.md says and the hub keeps serving other clients.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage } from '../../../protocol/index.ts';
import { suiteHub } from '../../helpers/suite-hub.ts';
import { RawClient } from '../../helpers/raw-client.ts';
import { ADMIN } from '../../helpers/test-users.ts';

const MAX_PAYLOAD = 4096;
const str = (text: string) => encodeMessage(text as unknown as object);

describe.each(['uws', 'ws'] as const)('bad input over the %s transport', (transport) => {
  const suite = suiteHub({ transport, limits: { maxPayloadBytes: MAX_PAYLOAD } });
  const connect = () => suite.connect();
  let bystander: RawClient;

  beforeAll(async () => {
    bystander = await connect();
    await bystander.request('authenticate', ADMIN);
  });

  const unanswerable: Array<[string, Uint8Array | string]> = [
    ['a text frame', 'hello'],
    ['invalid MessagePack (reserved 0xc1)', Uint8Array.of(0xc1)],
    ['a hostile array32 length prefix', Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff)],
    ['a hostile map32 length prefix', Uint8Array.of(0xdf, 0xff, 0xff, 0xff, 0xff)],
    ['a hostile str32 length prefix', Uint8Array.of(0xdb, 0xff, 0xff, 0xff, 0xff)],
    ['a truncated map', encodeMessage({ id: 1, op: 'session.list' }).slice(0, 5)],
    ['trailing bytes after the map', Uint8Array.of(...encodeMessage({ id: 1, op: 'x' }), 0x01)],
    ['an empty binary frame', new Uint8Array(0)],
    ['a non-map value (array)', encodeMessage([1, 2, 3])],
    ['a non-map value (string)', str('session.list')],
    ['a map without id', encodeMessage({ op: 'session.list' })],
    ['an id of 0', encodeMessage({ id: 0, op: 'session.list' })],
    ['an id beyond 2^32-1', encodeMessage({ id: 2 ** 32, op: 'session.list' })],
    ['a fractional id', encodeMessage({ id: 1.5, op: 'session.list' })],
    ['a string id', encodeMessage({ id: '1', op: 'session.list' })],
    ['an unknown extension type', Uint8Array.of(0x81, 0xa2, 0x69, 0x64, 0xd4, 0x05, 0x01)],
    ['a deeply nested value', Uint8Array.from([...Array(3000).fill(0x91), 0xc0])],
  ];

  it.each(unanswerable)('answers %s with an error event and stays open', async (_name, frame) => {
    const client = await connect();
    client.sendRaw(frame);
    const event = await client.waitFor((m) => m.event === 'error');
    expect(event).toEqual({ event: 'error', code: 'BAD_REQUEST', message: expect.any(String) });
    expect(await client.request('session.validate', { cookie: 'x' })).toMatchObject({
      code: 'SESSION_NOT_FOUND',
    });
  });

  const badRequests: Array<[string, object]> = [
    ['an unknown op', { op: 'session.steal' }],
    ['a missing op', {}],
    ['a mistyped op', { op: 42 }],
    ['a missing username', { op: 'authenticate', password: 'x' }],
    ['a mistyped password', { op: 'authenticate', username: 'a', password: 123 }],
    ['an over-long username', { op: 'authenticate', username: 'u'.repeat(257), password: 'x' }],
    ['an over-long password', { op: 'authenticate', username: 'a', password: 'p'.repeat(1025) }],
    [
      'a password over 1024 UTF-8 bytes',
      { op: 'authenticate', username: 'a', password: 'é'.repeat(513) },
    ],
    ['an over-long cookie', { op: 'session.validate', cookie: 'c'.repeat(257) }],
    ['a mistyped cookie', { op: 'session.validate', cookie: ['x'] }],
    ['a missing sessionId', { op: 'session.clear' }],
    ['a missing topic', { op: 'subscribe' }],
    ['an unknown topic', { op: 'unsubscribe', topic: 'everything' }],
  ];

  it.each(badRequests)('answers %s with BAD_REQUEST by id', async (_name, body) => {
    const client = await connect();
    client.send({ id: 99, ...body });
    const response = await client.waitFor((m) => m.id === 99);
    expect(response).toMatchObject({ id: 99, ok: false, code: 'BAD_REQUEST' });
  });

  it('treats non-string map keys as unknown keys', async () => {
    const client = await connect();
    // { "id": 5, 1: "x", "op": "session.validate", "cookie": "c" }: one key is an integer
    const frame = Uint8Array.of(
      0x84,
      ...[0xa2, 0x69, 0x64, 0x05],
      ...[0x01, 0xa1, 0x78],
      ...str('op'),
      ...str('session.validate'),
      ...str('cookie'),
      ...str('c'),
    );
    client.sendRaw(frame);
    expect(await client.waitFor((m) => m.id === 5)).toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });

  it('accepts a message at the size limit and closes with 1009 above it', async () => {
    const client = await connect();
    const base = encodeMessage({ id: 3, op: 'session.validate', cookie: 'c', pad: '' }).length;
    const pad = 'x'.repeat(MAX_PAYLOAD - base - 2); // str16 header: 2 more bytes than fixstr
    const atLimit = encodeMessage({ id: 3, op: 'session.validate', cookie: 'c', pad });
    expect(atLimit.length).toBe(MAX_PAYLOAD);
    client.sendRaw(atLimit);
    expect(await client.waitFor((m) => m.id === 3)).toMatchObject({ code: 'SESSION_NOT_FOUND' });
    client.send({ id: 4, op: 'session.validate', cookie: 'c', pad: 'x'.repeat(MAX_PAYLOAD) });
    expect(await client.closed).toBe(1009);
    expect(client.messages.some((m) => m.id === 4 || m.event === 'error')).toBe(false);
  });

  it('counts the size after fragments are reassembled', async () => {
    const client = await connect();
    const half = new Uint8Array(MAX_PAYLOAD / 2 + 10);
    client.socket.send(half, { binary: true, fin: false });
    client.socket.send(half, { binary: true, fin: true });
    expect(await client.closed).toBe(1009);
  });

  it('keeps serving other clients throughout', async () => {
    expect(await bystander.request('session.list')).toMatchObject({ ok: true });
    const fresh = await connect();
    expect(await fresh.request('authenticate', ADMIN)).toMatchObject({ ok: true });
  });

  it.each(['/other', '/', '/healthz'])('refuses upgrades on %s with 404', async (path) => {
    const url = suite.hub.url.replace(/\/ws$/, path);
    await expect(RawClient.connect(url)).rejects.toThrow(/404/);
  });

  it('refuses a browser Origin that is not allowed, and allows its own', async () => {
    const evil = RawClient.connect(suite.hub.url, { origin: 'https://evil.example' });
    await expect(evil).rejects.toThrow(/403/);
    const own = new URL(suite.hub.url);
    const client = await RawClient.connect(suite.hub.url, { origin: `http://${own.host}` });
    await client.close();
  });
});
