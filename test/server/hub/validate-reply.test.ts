import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, toPlain } from '../../../protocol/index.ts';
import { encodeValidateReply } from '../../../server/hub/validate-reply.ts';
import { HubUser, type SessionOwner } from '../../../server/sessions/hub-user.ts';
import { toPublicSession } from '../../../server/sessions/public-session.ts';
import type { SessionRecord } from '../../../server/sessions/session-record.ts';

const owner = {} as SessionOwner;
const decode = (bytes: Uint8Array) => toPlain((decodeMessage(bytes) as { value: unknown }).value);

describe('encodeValidateReply', () => {
  const user = new HubUser(owner, { username: 'zoë', readWrite: true, mechanism: 'radius' });
  const record: SessionRecord = {
    id: 'Ab3_xYz-09',
    cookieHash: 'never-on-the-wire',
    username: 'zoë',
    readWrite: true,
    mechanism: 'radius',
    srcAddr: '2001:db8::7',
    startedAt: 1_796_400_000_123,
    lastSeenAt: 1_796_400_555_456,
  };

  it.each([1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1])(
    'equals the generic encoding for id %i',
    (id) => {
      const generic = encodeMessage({
        id,
        ok: true,
        user: user.toWire(),
        session: toPublicSession(record),
      });
      const fast = encodeValidateReply(id, user, record);
      expect(decode(fast)).toEqual(decode(generic));
      expect(decodeMessage(fast).ok).toBe(true); // exactly one value, no trailing bytes
    },
  );

  it('follows lastSeenAt and a new session of the same user object', () => {
    encodeValidateReply(5, user, record);
    const later = { ...record, id: 'second-one', lastSeenAt: record.lastSeenAt + 1000 };
    const reply = decode(encodeValidateReply(5, user, later)) as { session: SessionRecord };
    expect(reply.session).toMatchObject({ id: 'second-one', lastSeenAt: later.lastSeenAt });
    expect(JSON.stringify(reply)).not.toContain('never-on-the-wire');
  });
});
