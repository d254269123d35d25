/** Idle connections: nothing is sent until the main thread releases them (or time is up). */
import type { BenchConnection, WireMap } from '../bench-connection.ts';
import { nowUs } from '../clock.ts';
import type { Arrival, HoldBehaviour, SubscribeBehaviour } from '../load-job.ts';
import { sleepUnless } from '../worker-context.ts';
import type { WorkerContext } from '../worker-context.ts';

export async function runHold(
  connections: BenchConnection[],
  behaviour: HoldBehaviour,
  context: WorkerContext,
): Promise<void> {
  let closed = 0;
  for (const connection of connections) connection.onClose = () => closed++;
  const start = nowUs();
  await sleepUnless(behaviour.maxHoldMs, context.released);
  context.measuredMs = (nowUs() - start) / 1000;
  context.window = [start, nowUs()];
  if (closed > 0) context.counters.errors['closed-while-idle'] = closed;
}

function sessionIdOf(message: WireMap): string | null {
  const session = message.get('session');
  if (!(session instanceof Map)) return null;
  const id = session.get('id');
  return typeof id === 'string' ? id : null;
}

/**
 * Subscribers: for each session, how many `session.created` deliveries arrived and when the
 * last one did; the main thread pairs that with the start request's send time.
 */
export async function runSubscribe(
  connections: BenchConnection[],
  behaviour: SubscribeBehaviour,
  context: WorkerContext,
): Promise<void> {
  const arrivals = new Map<string, [number, number]>();
  let first = 0;
  let last = 0;
  const onEvent = (message: WireMap): void => {
    const now = nowUs();
    context.counters.events++;
    if (first === 0) first = now;
    last = now;
    if (message.get('event') !== 'session.created') return;
    const id = sessionIdOf(message);
    if (id === null) return context.countError('event-without-session');
    const seen = arrivals.get(id);
    if (seen) {
      seen[0]++;
      seen[1] = now;
    } else arrivals.set(id, [1, now]);
  };
  for (const connection of connections) connection.onEvent = onEvent;
  const list = (): Arrival[] => [...arrivals].map(([id, [count, at]]) => [id, count, at]);
  context.arrivalsSoFar = list;
  const start = nowUs();
  await sleepUnless(behaviour.maxHoldMs, context.released);
  context.measuredMs = (nowUs() - start) / 1000;
  context.window = [start, nowUs()];
  context.extra.arrivals = list();
  context.extra.eventSpan = [first, last];
}
