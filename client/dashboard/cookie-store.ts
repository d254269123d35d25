/**
 * Where the dashboard keeps its session cookie: sessionStorage. It survives a reload of the
 * tab (so a reload resumes without the password), ends with the tab, is not shared with other
 * tabs (each tab holds its own session, so logging out in one leaves no other tab holding a dead
 * cookie), and, unlike an HTTP cookie, is never sent by the browser on its own (no CSRF).
 */
const KEY = 'session-hub.cookie';

export function loadCookie(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: the dashboard still works, without resume on reload
  }
}

export function saveCookie(cookie: string): void {
  try {
    sessionStorage.setItem(KEY, cookie);
  } catch {
    // Storage disabled or full: a reload will ask for the password again.
  }
}

export function forgetCookie(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored when storage is disabled.
  }
}
