/** What every authentication mechanism (local accounts, RADIUS) offers the authenticator. */
import type { Mechanism } from '../../protocol/index.ts';

export interface AuthAttempt {
  username: string;
  password: string;
  /** The client's address, IPv4 or IPv6 text (IPv4-mapped IPv6 already in IPv4 form). */
  srcAddr: string;
}

/**
 * The outcome of one attempt. `accept` and `reject` are final. `no-answer` lets the next
 * mechanism try (CONFIG.md, "Order and fallback"). `unavailable` is final too: something
 * answered badly (for example replies that failed verification), or the mechanism is
 * overloaded; `busy` marks overload so the hub can answer BUSY instead of AUTH_UNAVAILABLE.
 */
export type AuthOutcome =
  | { kind: 'accept'; username: string; readWrite: boolean; serverKey?: string }
  | { kind: 'reject' }
  | { kind: 'no-answer'; reason: string }
  | { kind: 'unavailable'; reason: string; busy?: boolean };

export interface AuthMechanism {
  readonly name: Mechanism;
  authenticate(attempt: AuthAttempt): Promise<AuthOutcome>;
  /** Releases sockets, timers and worker threads. */
  close(): Promise<void>;
}
