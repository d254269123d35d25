/** Lifecycle hooks for other subsystems (RADIUS accounting) that follow sessions. */
import type { SessionRecord } from './session-record.ts';

export type EndCause = 'logout' | 'cleared' | 'expired' | 'shutdown';

export interface SessionHooks {
  /** Called by the process that started the session, after the store acknowledged it. */
  onStart(record: SessionRecord): void;
  /**
   * Called by the process that ended the session (or, for 'shutdown', by a process that stops
   * with sessions open). `expiry` says which limit expired the session.
   */
  onEnd(record: SessionRecord, cause: EndCause, expiry?: 'idle' | 'max-age'): void;
}
