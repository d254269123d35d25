import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../protocol/index.ts';

const map = (fields: Record<string, unknown>) => new Map(Object.entries(fields));

describe('parseRequest', () => {
  it('accepts every operation with its parameters, ignoring unknown keys', () => {
    const requests = [
      { id: 1, op: 'authenticate', username: 'a', password: '' },
      { id: 2, op: 'session.start' },
      { id: 3, op: 'session.end' },
      { id: 4, op: 'session.validate', cookie: 'c' },
      { id: 5, op: 'session.list' },
      { id: 6, op: 'session.clear', sessionId: 's' },
      { id: 7, op: 'subscribe', topic: 'sessions' },
      { id: 0xffffffff, op: 'unsubscribe', topic: 'sessions' },
    ];
    for (const request of requests) {
      expect(parseRequest(map({ ...request, future: [1] }))).toEqual({ kind: 'request', request });
    }
  });

  it('measures length limits in UTF-8 bytes', () => {
    const ok = parseRequest(
      map({ id: 1, op: 'authenticate', username: 'é'.repeat(128), password: '' }),
    );
    expect(ok.kind).toBe('request');
    const long = parseRequest(
      map({ id: 1, op: 'authenticate', username: 'é'.repeat(129), password: '' }),
    );
    expect(long).toMatchObject({ kind: 'bad-request', id: 1 });
  });

  it('refuses an empty username', () => {
    expect(
      parseRequest(map({ id: 1, op: 'authenticate', username: '', password: 'x' })),
    ).toMatchObject({
      kind: 'bad-request',
    });
  });

  it('cannot answer frames without a usable id', () => {
    for (const id of [undefined, 0, -1, 1.5, 2 ** 32, '1', null]) {
      expect(parseRequest(map({ id, op: 'session.list' })).kind).toBe('unanswerable');
    }
    expect(parseRequest([1, 2]).kind).toBe('unanswerable');
    expect(parseRequest('x').kind).toBe('unanswerable');
  });
});
