/**
 * The browser Origin allow-list (CONFIG.md, "allowedOrigins"). Requests without an Origin
 * (non-browser clients) pass; a browser page may connect from the hub's own origin or from one
 * the configuration lists.
 */
export class OriginPolicy {
  readonly #allowed: ReadonlySet<string>;

  constructor(allowedOrigins: readonly string[]) {
    this.#allowed = new Set(allowedOrigins.map((origin) => origin.toLowerCase()));
  }

  allows(origin: string | undefined, host: string | undefined): boolean {
    if (!origin) return true;
    const normalized = origin.toLowerCase();
    if (this.#allowed.has(normalized)) return true;
    return host !== undefined && sameHost(normalized, host.toLowerCase());
  }
}

/** True when the Origin names the host (and port) the request was sent to. */
function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false; // "null" and other opaque origins
  }
}
