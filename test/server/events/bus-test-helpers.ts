/** Shared by the Redis event bus tests: sample events and a recording listener. */
import type { PublicSession, SessionEvent } from '../../../server/events/session-events.ts';

export function sessionNamed(id: string): PublicSession {
  return {
    id,
    username: 'alice',
    readWrite: true,
    mechanism: 'local',
    srcAddr: '127.0.0.1',
    startedAt: 1_700_000_000_000,
    lastSeenAt: 1_700_000_000_000,
  };
}

export function created(id: string): SessionEvent {
  return { type: 'created', session: sessionNamed(id) };
}

export function cleared(id: string): SessionEvent {
  return { type: 'cleared', session: sessionNamed(id), reason: 'cleared' };
}

/** A listener that keeps `type:id` of every event it hears. */
export function recorder(): { seen: string[]; listener: (event: SessionEvent) => void } {
  const seen: string[] = [];
  return { seen, listener: (event) => seen.push(`${event.type}:${event.session.id}`) };
}

/** Polls `condition` every 10 ms until it holds, failing after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
