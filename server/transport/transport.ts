/** What both transports (uWebSockets.js and ws) take and give. */
import type { Hub } from '../hub/hub.ts';
import type { HttpRoutes } from '../http/http-routes.ts';
import type { OriginPolicy } from '../http/origin-policy.ts';

export interface TransportOptions {
  hub: Hub;
  routes: HttpRoutes;
  origins: OriginPolicy;
  host: string;
  /** 0 picks a free port. */
  port: number;
  tls: { cert: string; key: string } | null;
  /** Open WebSocket connections; further upgrades are refused with HTTP 503. */
  maxConnections: number;
  /** Largest message, after reassembly; larger closes the socket with 1009. */
  maxPayloadBytes: number;
  /** Seconds without traffic before a socket is closed; pings keep live ones open. */
  idleTimeoutSec: number;
  /** Bytes queued for a slow reader before its socket is closed. */
  maxBackpressureBytes: number;
}

export interface RunningTransport {
  readonly name: 'uws' | 'ws';
  /** The port actually bound. */
  readonly port: number;
  /** Stops listening and closes what is still open. */
  close(): Promise<void>;
}
