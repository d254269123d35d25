/** Idle and absolute session timeouts (CONFIG.md, "sessions"); 0 turns a limit off. */
import type { SessionRecord } from './session-record.ts';
import type { ExpiryPolicy } from './session-store.ts';

export type ExpiryKind = 'idle' | 'max-age';

/** Which limit, if any, the session has passed at `now`. */
export function expiredBy(
  record: Pick<SessionRecord, 'startedAt' | 'lastSeenAt'>,
  policy: ExpiryPolicy,
  now: number,
): ExpiryKind | null {
  if (policy.maxAgeMs > 0 && now - record.startedAt >= policy.maxAgeMs) return 'max-age';
  if (policy.idleTimeoutMs > 0 && now - record.lastSeenAt >= policy.idleTimeoutMs) return 'idle';
  return null;
}

export function expiryEnabled(policy: ExpiryPolicy): boolean {
  return policy.idleTimeoutMs > 0 || policy.maxAgeMs > 0;
}

/** How often to sweep: a quarter of the shortest limit, between 100 ms and 30 s. */
export function sweepIntervalMs(policy: ExpiryPolicy): number {
  const limits = [policy.idleTimeoutMs, policy.maxAgeMs].filter((ms) => ms > 0);
  const shortest = Math.min(...limits);
  return Math.min(30_000, Math.max(100, Math.floor(shortest / 4)));
}
