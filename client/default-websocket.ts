/**
 * The WebSocket constructor used when none is injected, in Node: the `ws` package. Bundlers
 * that build for browsers swap this file for default-websocket.browser.ts (the dashboard's build
 * does so; see client/README.md), so that browsers never load `ws`.
 */
import { WebSocket } from 'ws';
import type { WebSocketConstructor } from './websocket-like.ts';

/** Returns the platform's WebSocket constructor. */
export function defaultWebSocket(): WebSocketConstructor {
  return WebSocket as unknown as WebSocketConstructor;
}
