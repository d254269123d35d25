/**
 * Checks a reply against the exact request it answers (RFC 2865 §3, RFC 3579 §3.2). The
 * `radius` package's own check compares digests as strings (lossy, not constant-time) and skips
 * the Message-Authenticator unless the request carried one, so the hub does it here.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  AUTHENTICATOR_LENGTH,
  AUTHENTICATOR_OFFSET,
  HEADER_LENGTH,
  MAX_PACKET_LENGTH,
  MESSAGE_AUTHENTICATOR_LENGTH,
  MESSAGE_AUTHENTICATOR_TYPE,
} from './packet-codec.ts';

/** Why a reply was refused. `malformed` is garbage; the others are answers that failed. */
export type ReplyFault =
  | 'malformed'
  | 'unexpected-code'
  | 'wrong-authenticator'
  | 'missing-message-authenticator'
  | 'bad-message-authenticator';

export interface VerifyOptions {
  secret: string;
  /** Reply codes that may answer this request, e.g. Access-Accept and Access-Reject. */
  expectedCodes: ReadonlySet<number>;
  requireMessageAuthenticator: boolean;
}

export type VerifyResult = { ok: true; packet: Buffer } | { ok: false; fault: ReplyFault };

/** Verifies `reply` against `request`. On success `packet` is the reply without padding. */
export function verifyReply(request: Buffer, reply: Buffer, options: VerifyOptions): VerifyResult {
  const packet = trimToLength(reply);
  if (packet === null || request[1] !== packet[1]) return { ok: false, fault: 'malformed' };
  const maOffset = findMessageAuthenticator(packet);
  if (maOffset === 'malformed') return { ok: false, fault: 'malformed' };
  if (!responseAuthenticatorMatches(request, packet, options.secret)) {
    return { ok: false, fault: 'wrong-authenticator' };
  }
  if (!options.expectedCodes.has(packet[0] ?? 0)) return { ok: false, fault: 'unexpected-code' };
  if (maOffset === null) {
    return options.requireMessageAuthenticator
      ? { ok: false, fault: 'missing-message-authenticator' }
      : { ok: true, packet };
  }
  if (!messageAuthenticatorMatches(request, packet, maOffset, options.secret)) {
    return { ok: false, fault: 'bad-message-authenticator' };
  }
  return { ok: true, packet };
}

/** RFC 2865 §3: octets beyond Length are padding; a packet shorter than Length is dropped. */
function trimToLength(reply: Buffer): Buffer | null {
  if (reply.length < HEADER_LENGTH) return null;
  const length = reply.readUInt16BE(2);
  if (length < HEADER_LENGTH || length > reply.length || length > MAX_PACKET_LENGTH) return null;
  return reply.subarray(0, length);
}

/** Offset of the Message-Authenticator's value, null when absent, or a malformed list. */
function findMessageAuthenticator(packet: Buffer): number | null | 'malformed' {
  let found: number | null = null;
  let offset = HEADER_LENGTH;
  while (offset < packet.length) {
    const type = packet[offset];
    const length = packet[offset + 1];
    if (length === undefined || length < 2 || offset + length > packet.length) return 'malformed';
    if (type === MESSAGE_AUTHENTICATOR_TYPE) {
      // RFC 3579 §3.2: exactly one, of 16 octets.
      if (found !== null || length !== MESSAGE_AUTHENTICATOR_LENGTH + 2) return 'malformed';
      found = offset + 2;
    }
    offset += length;
  }
  return found;
}

/** MD5(Code + Identifier + Length + Request Authenticator + Attributes + Secret). */
function responseAuthenticatorMatches(request: Buffer, packet: Buffer, secret: string): boolean {
  const end = AUTHENTICATOR_OFFSET + AUTHENTICATOR_LENGTH;
  const expected = createHash('md5')
    .update(packet.subarray(0, AUTHENTICATOR_OFFSET))
    .update(request.subarray(AUTHENTICATOR_OFFSET, end))
    .update(packet.subarray(end))
    .update(secret)
    .digest();
  return timingSafeEqual(expected, packet.subarray(AUTHENTICATOR_OFFSET, end));
}

/** HMAC-MD5 over the reply with the request's authenticator in place and the value zeroed. */
function messageAuthenticatorMatches(
  request: Buffer,
  packet: Buffer,
  valueOffset: number,
  secret: string,
): boolean {
  const copy = Buffer.from(packet);
  request.copy(copy, AUTHENTICATOR_OFFSET, AUTHENTICATOR_OFFSET, HEADER_LENGTH);
  copy.fill(0, valueOffset, valueOffset + MESSAGE_AUTHENTICATOR_LENGTH);
  const expected = createHmac('md5', secret).update(copy).digest();
  return timingSafeEqual(expected, packet.subarray(valueOffset, valueOffset + 16));
}
