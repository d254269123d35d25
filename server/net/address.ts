/** Client addresses in the text form the protocol and the throttle use. */
import { isIP } from 'node:net';

const MAPPED_V4 = /^(?:0{0,4}:){0,5}ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
const MAPPED_V4_HEX = /^(?:0{0,4}:){0,5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/**
 * Normalises an address: IPv4-mapped IPv6 (::ffff:192.0.2.1, or its hex form) becomes plain
 * IPv4 so a client cannot dodge per-address throttling by switching forms; IPv6 takes its
 * canonical short form.
 * Returns null for text that is not an IP address.
 */
export function normalizeAddress(text: string): string | null {
  const trimmed = text.trim();
  const dotted = MAPPED_V4.exec(trimmed);
  if (dotted && isIP(dotted[1]!) === 4) return dotted[1]!;
  const hex = MAPPED_V4_HEX.exec(trimmed);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  const family = isIP(trimmed);
  if (family === 4) return trimmed;
  if (family === 6) return canonicalIPv6(trimmed);
  return null;
}

/** The RFC 5952 text form (uWS reports ::1 as eight zero-padded groups, `ws` as ::1). */
function canonicalIPv6(address: string): string {
  const zone = address.indexOf('%');
  if (zone !== -1) return address.toLowerCase(); // scoped addresses do not parse as URL hosts
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}
