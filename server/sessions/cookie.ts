/** Session cookies and ids: random from the OS CSPRNG; only a hash of the cookie is stored. */
import { createHash, randomBytes } from 'node:crypto';

/** 256 bits, base64url: 43 characters. */
export function newCookie(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a cookie: a leaked store leaks no live cookie. */
export function hashCookie(cookie: string): string {
  return createHash('sha256').update(cookie).digest('hex');
}

/**
 * A short public id, easy to type in `clear session <id>`. 60 bits keeps collisions
 * negligible; the store rejects a duplicate anyway and the manager draws again.
 */
export function newSessionId(): string {
  return randomBytes(8).toString('base64url').slice(0, 10);
}
