/** Options of `HubClient` and their defaults. */
import type { ReconnectOptions } from './backoff.ts';
import type { WebSocketConstructor } from './websocket-like.ts';

/**
 * The logging the client does (debug traces and warnings about odd frames). A pino `Logger`
 * fits; the client takes this narrow shape so that browsers need not bundle pino.
 */
export interface ClientLogger {
  debug(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
}

export interface HubClientOptions {
  /** The hub's WebSocket address, for example `ws://127.0.0.1:7400/ws`. Required. */
  url: string;
  /**
   * The WebSocket constructor. @default `WebSocket` from the `ws` package in Node, the
   * browser's own `WebSocket` in bundles built for browsers (see client/README.md).
   */
  WebSocket?: WebSocketConstructor;
  /**
   * Reconnect after the connection is lost, resuming the session by its cookie. `true` takes
   * the defaults of `RECONNECT_DEFAULTS`; an object overrides some of them. @default false
   */
  reconnect?: boolean | Partial<ReconnectOptions>;
  /** @default a logger that discards everything */
  logger?: ClientLogger;
}

const discard = (): void => {};

export const SILENT_LOGGER: ClientLogger = Object.freeze({ debug: discard, warn: discard });
