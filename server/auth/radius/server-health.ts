/**
 * Health of one RADIUS server as an explicit state machine. A server that stopped answering
 * is skipped for `deadTimeMs`, then one request probes it while others keep skipping it.
 * `applyHealthEvent` is the only function that changes a status; it records and logs each
 * transition. Holddowns are compared with the clock on read, so no timer is needed.
 */
import type { Logger } from 'pino';

export type ServerStatus =
  | { kind: 'alive' }
  | { kind: 'dead'; since: number; retryAt: number }
  | { kind: 'probing'; since: number };

export type HealthEvent =
  /** A reply came, verified or not: the server is there. */
  | 'answered'
  /** Every attempt went unanswered. */
  | 'silent'
  /** A request is about to test a dead server whose holddown ended. */
  | 'probe'
  /** The probing request ended without reaching the server (closing, no free identifier). */
  | 'abandoned';

export interface ServerHealth {
  /** `host:authPort`, as logs and the accept outcome's `serverKey` name the server. */
  readonly key: string;
  status: ServerStatus;
  /** When the status last changed, ms since the epoch. */
  changedAt: number;
}

/** What a request may do with the server now. */
export type Usability = 'use' | 'probe' | 'skip';

export function createServerHealth(key: string, now: number): ServerHealth {
  return { key, status: { kind: 'alive' }, changedAt: now };
}

export function usability(health: ServerHealth, now: number): Usability {
  const { status } = health;
  if (status.kind === 'alive') return 'use';
  if (status.kind === 'dead' && now >= status.retryAt) return 'probe';
  return 'skip';
}

/** The transition table, pure. */
export function nextStatus(
  current: ServerStatus,
  event: HealthEvent,
  now: number,
  deadTimeMs: number,
): ServerStatus {
  switch (event) {
    case 'answered':
      return { kind: 'alive' };
    case 'silent':
      return { kind: 'dead', since: now, retryAt: now + deadTimeMs };
    case 'probe':
      if (current.kind === 'dead' && now >= current.retryAt) return { kind: 'probing', since: now };
      return current;
    case 'abandoned':
      // Let the next request probe at once: this one learnt nothing.
      if (current.kind === 'probing') return { kind: 'dead', since: current.since, retryAt: now };
      return current;
  }
}

/** Applies an event; logs when the server goes dead or comes back. */
export function applyHealthEvent(
  health: ServerHealth,
  event: HealthEvent,
  now: number,
  deadTimeMs: number,
  logger: Logger,
): void {
  const previous = health.status;
  const next = nextStatus(previous, event, now, deadTimeMs);
  if (next === previous) return;
  health.status = next;
  if (next.kind === previous.kind) return;
  health.changedAt = now;
  logTransition(health.key, previous.kind, next.kind, deadTimeMs, logger);
}

function logTransition(
  server: string,
  from: ServerStatus['kind'],
  to: ServerStatus['kind'],
  deadTimeMs: number,
  logger: Logger,
): void {
  const fields = { event: 'radius-server-status', server, from, to };
  if (to === 'dead' && from === 'alive') {
    logger.warn(
      { ...fields, cause: 'no-reply', deadTimeMs },
      'RADIUS server sent no reply at all; skipping it for a while. Likely causes: the server is ' +
        'down or unreachable, the shared secret is wrong, the server requires a ' +
        'Message-Authenticator it could not verify, or this hub is not a client it knows ' +
        '(such servers drop requests silently)',
    );
  } else if (to === 'alive') {
    logger.info(fields, 'RADIUS server answers again');
  } else {
    logger.debug(fields, 'RADIUS server status changed');
  }
}
