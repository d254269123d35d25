/** The public view of a session record, as events, listings and the wire carry it. */
import type { WireSession } from '../../protocol/index.ts';
import type { PublicSession } from '../events/session-events.ts';
import type { SessionRecord } from './session-record.ts';

export function toPublicSession(record: SessionRecord | PublicSession): PublicSession {
  return {
    id: record.id,
    username: record.username,
    readWrite: record.readWrite,
    mechanism: record.mechanism,
    srcAddr: record.srcAddr,
    startedAt: record.startedAt,
    lastSeenAt: record.lastSeenAt,
  };
}

/** A public session already has exactly the wire's fields. */
export function toWireSession(session: PublicSession): WireSession {
  return session;
}
