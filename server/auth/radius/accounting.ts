/**
 * Accounting-Request attributes for a session (RFC 2866): Start when a RADIUS user's session
 * starts, Stop when it ends. CONFIG.md, "Accounting", maps end causes to Acct-Terminate-Cause.
 */
import type { RadiusAttribute } from 'radius';
import type { SessionRecord } from '../../sessions/session-record.ts';
import type { EndCause } from '../../sessions/session-hooks.ts';
import { nasAttributes } from './packet-codec.ts';
import type { NasAttributes } from './packet-codec.ts';

export type ExpiryKind = 'idle' | 'max-age';

export type TerminateCause =
  'User-Request' | 'Admin-Reset' | 'Idle-Timeout' | 'Session-Timeout' | 'NAS-Reboot';

/** Expiry without a hint counts as idle: the idle timeout is the one most deployments set. */
export function terminateCause(cause: EndCause, expiry?: ExpiryKind): TerminateCause {
  switch (cause) {
    case 'logout':
      return 'User-Request';
    case 'cleared':
      return 'Admin-Reset';
    case 'expired':
      return expiry === 'max-age' ? 'Session-Timeout' : 'Idle-Timeout';
    case 'shutdown':
      return 'NAS-Reboot';
  }
}

function commonAttributes(record: SessionRecord, nas: NasAttributes, now: number) {
  const attributes: RadiusAttribute[] = [
    // The session id, never the cookie: accounting logs are not secret.
    ['Acct-Session-Id', record.id],
    ['User-Name', record.username],
    ['Calling-Station-Id', record.srcAddr],
    ['Acct-Authentic', 'RADIUS'],
    ['Event-Timestamp', new Date(now)],
    ...nasAttributes(nas),
  ];
  return attributes;
}

export function startAttributes(
  record: SessionRecord,
  nas: NasAttributes,
  now: number,
): RadiusAttribute[] {
  return [['Acct-Status-Type', 'Start'], ...commonAttributes(record, nas, now)];
}

export function stopAttributes(
  record: SessionRecord,
  nas: NasAttributes,
  now: number,
  cause: TerminateCause,
): RadiusAttribute[] {
  const seconds = Math.max(0, Math.floor((now - record.startedAt) / 1000));
  return [
    ['Acct-Status-Type', 'Stop'],
    ...commonAttributes(record, nas, now),
    ['Acct-Session-Time', seconds],
    ['Acct-Terminate-Cause', cause],
  ];
}
