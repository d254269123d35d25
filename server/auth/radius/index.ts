/**
 * RADIUS authentication (PAP, Message-Authenticator required by default) and accounting.
 *
 * @example
 * import { createRadiusMechanism } from './auth/radius/index.ts';
 * const radius = createRadiusMechanism(config.radius, { logger });
 */
export { createRadiusMechanism } from './radius-mechanism.ts';
export type {
  RadiusMechanism,
  RadiusMechanismOptions,
  RadiusServerStats,
  RadiusStats,
} from './radius-mechanism.ts';
export { RADIUS_DEFAULTS } from './radius-defaults.ts';
export type { RadiusDefaults } from './radius-defaults.ts';
export { RadiusConfigError } from './radius-errors.ts';
export { terminateCause } from './accounting.ts';
export type { ExpiryKind, TerminateCause } from './accounting.ts';
export type { ReplyFault } from './reply-verification.ts';
export type { DropCounters } from './udp-request-pool.ts';
export type { ServerStatus } from './server-health.ts';
