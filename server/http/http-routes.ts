/**
 * The plain HTTP side of the hub's port (PROTOCOL.md, "HTTP on the same port"): `/healthz`, the
 * dashboard's static files, and 404 for everything else. Transport-neutral: both transports
 * call `handle` and write what it returns.
 */
export interface StaticAsset {
  body: Uint8Array;
  contentType: string;
  cacheControl: string;
}

export interface HealthReport {
  ok: boolean;
  listening: boolean;
  store: 'up' | 'down';
  events: 'up' | 'down';
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  404: 'Not Found',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  503: 'Service Unavailable',
};

export function statusLine(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? ''}`.trim();
}

// The dashboard may run scripts, styles and sockets from its own origin only.
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

export class HttpRoutes {
  readonly #health: () => HealthReport;
  readonly #assets: ReadonlyMap<string, StaticAsset>;

  constructor(health: () => HealthReport, assets: ReadonlyMap<string, StaticAsset> = new Map()) {
    this.#health = health;
    this.#assets = assets;
  }

  handle(method: string, path: string): HttpReply {
    const isRead = method === 'GET' || method === 'HEAD';
    if (path === '/healthz' && isRead) return this.#healthz();
    const asset = this.#assets.get(path);
    if (asset && isRead) {
      const headers = { 'content-type': asset.contentType, 'cache-control': asset.cacheControl };
      return { status: 200, headers: { ...headers, ...SECURITY_HEADERS }, body: asset.body };
    }
    if (asset) return text(405, 'method not allowed\n');
    return text(404, 'not found\n');
  }

  #healthz(): HttpReply {
    const report = this.#health();
    return {
      status: report.ok ? 200 : 503,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify(report),
    };
  }
}

function text(status: number, body: string): HttpReply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
