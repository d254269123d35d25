/**
 * A mechanism that decides after a fixed delay: a stand-in for a slow authentication server
 * when a test needs many logins in flight without paying for argon2 in each.
 */
import type { AuthAttempt, AuthMechanism, AuthOutcome } from '../../server/auth/mechanism.ts';

export class DelayedMechanism implements AuthMechanism {
  readonly name = 'local' as const;
  started = 0;
  constructor(readonly delayMs: number) {}

  async authenticate(attempt: AuthAttempt): Promise<AuthOutcome> {
    this.started++;
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (attempt.password !== 'ok') return { kind: 'reject' };
    return { kind: 'accept', username: attempt.username, readWrite: true };
  }

  async close(): Promise<void> {}
}
