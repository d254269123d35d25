/** A session as the stores keep it: the public fields plus the hash of its cookie. */
import type { Mechanism } from '../../protocol/index.ts';

export interface SessionRecord {
  /** Short public id, what an operator types in `clear session <id>`. */
  id: string;
  /** SHA-256 of the cookie, hex. The cookie itself is never stored. */
  cookieHash: string;
  username: string;
  readWrite: boolean;
  mechanism: Mechanism;
  srcAddr: string;
  /** Milliseconds since the Unix epoch. */
  startedAt: number;
  lastSeenAt: number;
  /**
   * Opaque data of the mechanism that authenticated the user, for example which RADIUS server
   * to send accounting to. Stored and returned as is.
   */
  authInfo?: string;
}
