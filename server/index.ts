/**
 * session-hub's server side: start a hub, or embed its in-process API.
 *
 * @example
 * import { startHub, resolveConfig } from 'session-hub/server';
 * const hub = await startHub(resolveConfig({ file: 'hub.json' }));
 * const user = await hub.api.authenticateUser('alice', 'secret', '127.0.0.1');
 */
export { startHub } from './start-hub.ts';
export type { RunningHub, StartHubOptions } from './start-hub.ts';
export { defaultConfig, resolveConfig, parseConfig } from './config/load-config.ts';
export type { HubConfig, RadiusConfig, RadiusServerConfig } from './config/config-types.ts';
export { HubApi } from './api/hub-api.ts';
export type { AuthCallback } from './api/hub-api.ts';
export { HubUser } from './sessions/hub-user.ts';
export {
  HubError,
  SessionExistsError,
  SessionDoesNotExistError,
  NotAuthenticatedError,
  ForbiddenError,
  RateLimitedError,
  AuthUnavailableError,
  BusyError,
  ConfigError,
} from './errors.ts';
export type { AuthMechanism, AuthAttempt, AuthOutcome } from './auth/mechanism.ts';
export type { SessionStore } from './sessions/session-store.ts';
export type { SessionRecord } from './sessions/session-record.ts';
export type { EventBus, SessionEvent, PublicSession } from './events/session-events.ts';
export { MemorySessionStore } from './sessions/memory-session-store.ts';
export { MemoryEventBus } from './events/memory-event-bus.ts';
