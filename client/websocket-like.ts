/**
 * The part of the WebSocket API the client uses. Browsers' WebSocket and the `ws` package both
 * provide it, so either can be injected.
 */

/** What a `message` event carries; binary frames arrive as ArrayBuffer (binaryType). */
export interface MessageEventLike {
  data: unknown;
}

/** What a `close` event carries. */
export interface CloseEventLike {
  code: number;
  reason: string;
}

export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
  addEventListener(type: 'close', listener: (event: CloseEventLike) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

/** A WebSocket constructor: `globalThis.WebSocket` in browsers, `WebSocket` from `ws` in Node. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The OPEN value of `readyState`, the same in every implementation. */
export const WS_OPEN = 1;
