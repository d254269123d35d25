import { describe, expect, it } from 'vitest';
import { hashCookie, newCookie, newSessionId } from '../../../server/sessions/cookie.ts';

describe('cookies and session ids', () => {
  it('makes 256-bit base64url cookies and stores only their SHA-256', () => {
    const cookie = newCookie();
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashCookie(cookie)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashCookie(cookie)).not.toContain(cookie);
  });

  it('makes ids of 10 letters and digits that a shell never takes for an option', () => {
    const ids = Array.from({ length: 2000 }, newSessionId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
