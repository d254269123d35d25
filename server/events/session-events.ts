/**
 * Session events and the bus that carries them. In one process the bus is in memory; in a
 * cluster it goes through Redis pub/sub, and every process receives every event once, its own
 * included.
 */
import type { ClearReason } from '../../protocol/index.ts';
import type { SessionRecord } from '../sessions/session-record.ts';

/** The public part of a session record: what events and listings carry. */
export type PublicSession = Omit<SessionRecord, 'cookieHash' | 'authInfo'>;

export type SessionEvent =
  | { type: 'created'; session: PublicSession }
  | { type: 'cleared'; session: PublicSession; reason: ClearReason };

export type SessionEventListener = (event: SessionEvent) => void;

export type BusStatus = 'connecting' | 'ready' | 'down' | 'closed';

export interface EventBus {
  /** Resolves once the event has been handed to the transport (Redis acknowledged it). */
  publish(event: SessionEvent): Promise<void>;
  /**
   * Listens to every event, this process's own included, in publish order per publisher.
   * Returns a function that stops listening.
   */
  subscribe(listener: SessionEventListener): () => void;
  /**
   * Called after the bus recovered from an outage in which events may have been missed, so
   * that caches and subscribers can re-sync. Returns a function that stops listening.
   */
  onResync(listener: () => void): () => void;
  status(): BusStatus;
  close(): Promise<void>;
}
