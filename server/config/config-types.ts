/** The hub's configuration, as CONFIG.md and the README describe it, after defaults apply. */
import type { Mechanism } from '../../protocol/index.ts';

export interface RadiusServerConfig {
  host: string;
  /** Default 1812. */
  authPort: number;
  /** Default 1813. */
  acctPort: number;
  /** The shared secret, resolved from `secret`, `secretFile` or the environment. */
  secret: string;
  /** Default 3000. */
  timeoutMs: number;
  /** Retransmissions after the first attempt. Default 2. */
  retries: number;
  /** Default true; false only for servers that predate the Blast-RADIUS fixes. */
  requireMessageAuthenticator: boolean;
}

export interface RadiusReadWriteRule {
  /** An attribute name from the dictionaries, e.g. "Service-Type" or a vendor attribute. */
  attribute: string;
  /** Values (as the decoder names them, or numbers as text) that mean read-write. */
  values: string[];
  /** For a vendor-specific attribute: the vendor's name in the dictionaries. */
  vendor?: string;
}

export interface RadiusConfig {
  servers: RadiusServerConfig[];
  /** Default "session-hub". */
  nasIdentifier: string | null;
  /** Default none. */
  nasIpAddress: string | null;
  /** Start/Stop accounting for RADIUS users' sessions. Default false. */
  accounting: boolean;
  /** Default Service-Type = Administrative-User. */
  readWrite: RadiusReadWriteRule;
}

export interface HubConfig {
  host: string;
  port: number;
  usersFile: string;
  tls: { cert: string; key: string } | null;
  /** Browser Origin allow-list; requests without Origin pass. Empty = only the hub's own. */
  allowedOrigins: string[];
  mechanisms: Mechanism[];
  radius: RadiusConfig | null;
  sessions: {
    idleTimeoutMs: number;
    maxAgeMs: number;
    redisUrl: string | null;
    redisPrefix: string;
  };
  limits: {
    maxPayloadBytes: number;
    /** Open WebSocket connections; more are refused with HTTP 503. */
    maxConnections: number;
    maxInFlightPerConnection: number;
    maxConcurrentHashes: number;
    maxQueuedLogins: number;
    loginFailuresBeforeThrottle: number;
    throttleWindowMs: number;
  };
  log: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent' };
  /** "uws" (default) or "ws" (fallback and benchmark baseline). */
  transport: 'uws' | 'ws';
}
