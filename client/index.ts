/**
 * session-hub's client library: the reference authentication and session API over the hub's
 * WebSocket protocol, for Node (through `ws`) and browsers (through their own WebSocket).
 *
 * @example
 * import { HubClient } from 'session-hub/client';
 *
 * const client = new HubClient({ url: 'ws://127.0.0.1:7400/ws' });
 * const user = await client.authenticateUser('admin', password);
 * const cookie = await user?.startSession();
 */
export { HubClient } from './hub-client.ts';
export type { HubClientEvents, SessionClearedNotice, SessionSubscription } from './hub-client.ts';
export type { HubClientOptions, ClientLogger } from './client-options.ts';
export type { ConnectionStatus } from './connection-status.ts';
export { RECONNECT_DEFAULTS, backoffDelay } from './backoff.ts';
export type { ReconnectOptions } from './backoff.ts';
export { RemoteUser } from './remote-user.ts';
export type { SessionFeedEvent, SessionFeedListener } from './session-feed.ts';
export {
  HubError,
  SessionExistsError,
  SessionDoesNotExistError,
  ConnectionClosedError,
} from './errors.ts';
export type { ClientErrorCode, ClientOnlyCode } from './errors.ts';
export type { WebSocketConstructor, WebSocketLike } from './websocket-like.ts';
export type { WireSession, WireUser, ClearReason, ErrorCode } from '../protocol/index.ts';
