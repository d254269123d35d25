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

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 10;

/**
 * A short public id, easy to type in `clear session <id>`: 10 letters and digits (59 bits),
 * never a leading "-" that a command line would take for an option. Collisions are negligible;
 * the store rejects a duplicate anyway and the manager draws again.
 */
export function newSessionId(): string {
  let id = '';
  while (id.length < ID_LENGTH) {
    for (const byte of randomBytes(16)) {
      // 248 = 4 * 62: bytes above it are skipped so that every character is equally likely.
      if (byte < 248 && id.length < ID_LENGTH) id += ID_ALPHABET[byte % 62];
    }
  }
  return id;
}
