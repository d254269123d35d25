import { createHmac } from 'node:crypto';
import radius from 'radius';
import { describe, expect, it } from 'vitest';
import { CODE, encodeAccessRequest } from '../../../../server/auth/radius/packet-codec.ts';
import { verifyReply } from '../../../../server/auth/radius/reply-verification.ts';

const SECRET = 'testing123';
const fields = {
  username: 'alice',
  password: 'alice-pw',
  srcAddr: '192.0.2.1',
  nasIdentifier: 'hub',
  nasIpAddress: null,
};
const options = {
  secret: SECRET,
  expectedCodes: new Set([CODE.accessAccept, CODE.accessReject]),
  requireMessageAuthenticator: true,
};

function reply(request: Buffer, sign = true, code = 'Access-Accept'): Buffer {
  const decoded = radius.decode({ packet: request, secret: SECRET });
  return radius.encode({
    code,
    identifier: decoded.identifier,
    authenticator: decoded.authenticator,
    attributes: [['Service-Type', 'Administrative-User']],
    secret: SECRET,
    add_message_authenticator: sign,
  });
}

describe('reply verification', () => {
  it('accepts a signed reply to the exact request', () => {
    const request = encodeAccessRequest(7, SECRET, fields);
    expect(verifyReply(request, reply(request), options)).toMatchObject({ ok: true });
  });

  it('refuses a reply meant for another request with the same identifier', () => {
    const request = encodeAccessRequest(7, SECRET, fields);
    const other = encodeAccessRequest(7, SECRET, fields);
    expect(verifyReply(other, reply(request), options)).toEqual({
      ok: false,
      fault: 'wrong-authenticator',
    });
  });

  it('ignores padding after Length and refuses a datagram shorter than Length', () => {
    const request = encodeAccessRequest(7, SECRET, fields);
    const answer = reply(request);
    const padded = Buffer.concat([answer, Buffer.alloc(10, 0xaa)]);
    expect(verifyReply(request, padded, options)).toMatchObject({ ok: true });
    const truncated = answer.subarray(0, answer.length - 1);
    expect(verifyReply(request, truncated, options)).toEqual({ ok: false, fault: 'malformed' });
  });

  it('refuses an attribute list that overruns the packet', () => {
    const request = encodeAccessRequest(7, SECRET, fields);
    const answer = reply(request);
    answer[21] = 250; // first attribute's length
    expect(verifyReply(request, answer, options)).toEqual({ ok: false, fault: 'malformed' });
  });

  it('requires a Message-Authenticator only when told to', () => {
    const request = encodeAccessRequest(7, SECRET, fields);
    const unsigned = reply(request, false);
    expect(verifyReply(request, unsigned, options)).toEqual({
      ok: false,
      fault: 'missing-message-authenticator',
    });
    const relaxed = { ...options, requireMessageAuthenticator: false };
    expect(verifyReply(request, unsigned, relaxed)).toMatchObject({ ok: true });
  });

  it('refuses an authentic reply with a code that does not answer the request', () => {
    const request = encodeAccessRequest(7, SECRET, fields);
    const answer = reply(request, true, 'Accounting-Response');
    expect(verifyReply(request, answer, options)).toEqual({ ok: false, fault: 'unexpected-code' });
  });
});

describe('Access-Request encoding', () => {
  it('puts a valid Message-Authenticator first', () => {
    const request = encodeAccessRequest(200, SECRET, fields);
    expect(request[1]).toBe(200);
    expect(request[20]).toBe(80);
    expect(request[21]).toBe(18);
    const zeroed = Buffer.from(request).fill(0, 22, 38);
    const expected = createHmac('md5', SECRET).update(zeroed).digest();
    expect(request.subarray(22, 38).equals(expected)).toBe(true);
    const decoded = radius.decode({ packet: request, secret: SECRET });
    expect(decoded.attributes['User-Password']).toBe('alice-pw');
  });
});
