/**
 * Encoding of the requests the hub sends, on top of the `radius` package. The package encodes
 * and decodes; signing the Access-Request's Message-Authenticator and checking replies are ours
 * (reply-verification.ts).
 */
import { createHmac, randomBytes } from 'node:crypto';
import radius from 'radius';
import type { DecodedPacket, RadiusAttribute } from 'radius';

export const CODE = Object.freeze({
  accessRequest: 1,
  accessAccept: 2,
  accessReject: 3,
  accountingRequest: 4,
  accountingResponse: 5,
  accessChallenge: 11,
});

export const HEADER_LENGTH = 20;
export const AUTHENTICATOR_OFFSET = 4;
export const AUTHENTICATOR_LENGTH = 16;
export const MESSAGE_AUTHENTICATOR_TYPE = 80;
export const MESSAGE_AUTHENTICATOR_LENGTH = 16;
/** RFC 2865 §3: the largest packet. */
export const MAX_PACKET_LENGTH = 4096;
/** RFC 2865 §5.2: User-Password carries at most 128 octets. */
export const MAX_PASSWORD_BYTES = 128;
/** An attribute's value holds at most 253 octets. */
export const MAX_STRING_BYTES = 253;

export interface NasAttributes {
  nasIdentifier: string | null;
  nasIpAddress: string | null;
}

export interface AccessRequestFields extends NasAttributes {
  username: string;
  password: string;
  srcAddr: string;
}

/** The NAS attributes every request carries, in the package's attribute form. */
export function nasAttributes(nas: NasAttributes): RadiusAttribute[] {
  const attributes: RadiusAttribute[] = [];
  if (nas.nasIdentifier) attributes.push(['NAS-Identifier', nas.nasIdentifier]);
  if (nas.nasIpAddress) attributes.push(['NAS-IP-Address', nas.nasIpAddress]);
  attributes.push(['NAS-Port-Type', 'Virtual']);
  return attributes;
}

/**
 * An Access-Request with PAP, signed with a Message-Authenticator placed first: after the
 * Blast-RADIUS disclosure (2024) servers may drop requests without it, and putting it first
 * keeps a chosen-prefix collision from controlling what precedes it.
 */
export function encodeAccessRequest(id: number, secret: string, f: AccessRequestFields): Buffer {
  const packet = radius.encode({
    code: 'Access-Request',
    identifier: id,
    authenticator: randomBytes(AUTHENTICATOR_LENGTH),
    secret,
    add_message_authenticator: false,
    attributes: [
      ['Message-Authenticator', Buffer.alloc(MESSAGE_AUTHENTICATOR_LENGTH)],
      ['User-Name', f.username],
      ['User-Password', f.password],
      ...nasAttributes(f),
      ['Calling-Station-Id', f.srcAddr],
    ],
  });
  const valueOffset = HEADER_LENGTH + 2;
  if (packet[HEADER_LENGTH] !== MESSAGE_AUTHENTICATOR_TYPE) {
    throw new Error('invariant: Message-Authenticator is not the first attribute');
  }
  // RFC 3579 §3.2: HMAC-MD5 over the whole packet with the attribute's value zeroed.
  createHmac('md5', secret).update(packet).digest().copy(packet, valueOffset);
  return packet;
}

/**
 * An Accounting-Request (RFC 2866). Its Request Authenticator is the MD5 the package computes;
 * it carries no Message-Authenticator, which RFC 2866 servers neither need nor expect.
 */
export function encodeAccountingRequest(
  id: number,
  secret: string,
  attributes: RadiusAttribute[],
): Buffer {
  return radius.encode({
    code: 'Accounting-Request',
    identifier: id,
    secret,
    add_message_authenticator: false,
    attributes,
  });
}

/** Decodes a reply whose authenticity was checked already. Throws on attributes it cannot read. */
export function decodeReply(packet: Buffer, secret: string): DecodedPacket {
  return radius.decode({ packet, secret });
}
