/** Guards that keep every benchmark on this machine's loopback range. */
import { isIP } from 'node:net';

/** True for 127.0.0.0/8 and ::1. */
export function isLoopbackAddress(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith('127.');
  return address === '::1';
}

/** Throws unless the URL's host is a loopback address or `localhost`. */
export function assertLoopbackUrl(url: string): void {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || isLoopbackAddress(host)) return;
  throw new Error(`refusing to load ${host}: benchmarks target loopback only`);
}

/**
 * Source addresses 127.0.0.2 .. 127.0.0.(count+1): each gives the whole ephemeral port range
 * again, so the number of connections is not capped by one address's ports.
 */
export function loopbackSourceAddresses(count: number): string[] {
  if (count < 1 || count > 250) throw new RangeError('source address count must be 1..250');
  return Array.from({ length: count }, (_, i) => `127.0.0.${i + 2}`);
}
