/** The WebSocket constructor used in browsers when none is injected: the browser's own. */
import type { WebSocketConstructor } from './websocket-like.ts';

/** Returns the platform's WebSocket constructor. */
export function defaultWebSocket(): WebSocketConstructor {
  if (typeof globalThis.WebSocket !== 'function') {
    throw new TypeError('this environment has no WebSocket: pass the WebSocket option');
  }
  return globalThis.WebSocket as unknown as WebSocketConstructor;
}
