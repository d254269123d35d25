/**
 * The browser Origin allow-list (CONFIG.md, "allowedOrigins"). Requests without an Origin
 * (non-browser clients) pass. A browser page may connect from an origin the configuration
 * lists, or from the hub's own origin when the hub is addressed by IP or as localhost.
 *
 * "Own origin" is not taken from the Host header alone: with DNS rebinding, a hostile page at
 * rebind.example gets the browser to send Origin and Host both naming rebind.example while
 * the name resolves to the hub. A host name therefore has to be listed in allowedOrigins.
 */
import { isIP } from 'node:net';

export class OriginPolicy {
  readonly #allowed: ReadonlySet<string>;
  readonly #scheme: 'http:' | 'https:';

  constructor(allowedOrigins: readonly string[], tls: boolean) {
    this.#allowed = new Set(allowedOrigins.map((origin) => origin.toLowerCase()));
    this.#scheme = tls ? 'https:' : 'http:';
  }

  allows(origin: string | undefined, host: string | undefined): boolean {
    if (!origin) return true;
    const normalized = origin.toLowerCase();
    if (this.#allowed.has(normalized)) return true;
    return host !== undefined && this.#isOwn(normalized, host.toLowerCase());
  }

  /** The page came from this very hub, reached by an address no DNS answer can stand for. */
  #isOwn(origin: string, host: string): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // "null" and other opaque origins
    }
    if (url.protocol !== this.#scheme || url.host !== host) return false;
    const name = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return isIP(name) !== 0 || name === 'localhost';
  }
}
