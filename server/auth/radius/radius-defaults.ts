/** Every default of the RADIUS mechanism in one frozen object (README.md lists them too). */
import type { RadiusReadWriteRule } from '../../config/config-types.ts';

export interface RadiusDefaults {
  /** @default 1812 */
  readonly authPort: number;
  /** @default 1813 */
  readonly acctPort: number;
  /** Per attempt; FreeRADIUS delays rejects by 1 s (`reject_delay`), so keep this above it. */
  readonly timeoutMs: number;
  /** Retransmissions after the first attempt, per server. @default 2 */
  readonly retries: number;
  /** @default true */
  readonly requireMessageAuthenticator: boolean;
  /** @default 'session-hub' */
  readonly nasIdentifier: string;
  /** @default Service-Type = Administrative-User means read-write */
  readonly readWrite: Readonly<RadiusReadWriteRule>;
  /** How long a server that stopped answering is skipped before it is tried again. */
  readonly deadTimeMs: number;
  /** UDP sockets per address family; each carries up to 256 requests in flight. */
  readonly maxSockets: number;
  /** Requests that wait for a free identifier once every socket is full. */
  readonly maxQueued: number;
  /** How long close() lets accounting requests in flight finish. */
  readonly accountingDrainMs: number;
}

export const RADIUS_DEFAULTS: RadiusDefaults = Object.freeze({
  authPort: 1812,
  acctPort: 1813,
  timeoutMs: 3000,
  retries: 2,
  requireMessageAuthenticator: true,
  nasIdentifier: 'session-hub',
  readWrite: Object.freeze({ attribute: 'Service-Type', values: ['Administrative-User'] }),
  deadTimeMs: 30_000,
  maxSockets: 16,
  maxQueued: 4096,
  accountingDrainMs: 2000,
});
