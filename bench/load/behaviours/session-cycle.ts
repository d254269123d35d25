/**
 * Session churn for the fan-out scenario: each connection, already authenticated, starts one
 * session and ends it. A principal is dropped when its session ends (PROTOCOL.md, "The
 * connection's principal"), so each connection serves one cycle and the pool bounds the run.
 */
import type { BenchConnection } from '../bench-connection.ts';
import { RequestFailedError } from '../bench-connection.ts';
import { nowUs } from '../clock.ts';
import { recordLatency } from '../latency-histogram.ts';
import type { SessionCycleBehaviour } from '../load-job.ts';
import type { WorkerContext } from '../worker-context.ts';

const TICK_MS = 2;
const DRAIN_MS = 3_000;

async function cycle(
  connection: BenchConnection,
  context: WorkerContext,
  starts: Array<[string, number]>,
): Promise<void> {
  const sentAt = nowUs();
  try {
    const reply = await connection.request({ op: 'session.start' });
    const session = reply.get('session');
    const id = session instanceof Map ? session.get('id') : undefined;
    if (typeof id !== 'string') throw new RequestFailedError('session.start', 'NO_SESSION_ID');
    starts.push([id, sentAt]);
    await connection.request({ op: 'session.end' });
    context.counters.completed++;
    recordLatency(context.histogram, nowUs() - sentAt);
  } catch (error) {
    context.countError(error instanceof RequestFailedError ? error.code : 'closed');
  }
}

function paced(pool: BenchConnection[], behaviour: SessionCycleBehaviour, run: RunFn): Timer {
  const start = nowUs();
  let next = 0;
  return setInterval(() => {
    const due = Math.floor(((nowUs() - start) / 1e6) * behaviour.ratePerSec);
    for (; next < Math.min(due, pool.length); next++) run(pool[next]!);
  }, TICK_MS);
}

type RunFn = (connection: BenchConnection) => Promise<void>;
type Timer = ReturnType<typeof setInterval>;

function windowed(pool: BenchConnection[], window: number, run: RunFn, stopAt: number): void {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < pool.length && nowUs() < stopAt) await run(pool[next++]!);
  };
  for (let i = 0; i < window; i++) void lane();
}

export async function runSessionCycle(
  pool: BenchConnection[],
  behaviour: SessionCycleBehaviour,
  context: WorkerContext,
): Promise<void> {
  const starts: Array<[string, number]> = [];
  const pending = new Set<Promise<void>>();
  const run: RunFn = (connection) => {
    const done = cycle(connection, context, starts).finally(() => pending.delete(done));
    pending.add(done);
    return done;
  };
  const start = nowUs();
  const stopAt = start + behaviour.durationMs * 1000;
  let timer: Timer | null = null;
  if (behaviour.ratePerSec > 0) timer = paced(pool, behaviour, run);
  else windowed(pool, behaviour.window, run, stopAt);
  while (nowUs() < stopAt && context.counters.completed + errorsOf(context) < pool.length) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (timer) clearInterval(timer);
  context.measuredMs = (nowUs() - start) / 1000;
  context.window = [start, nowUs()];
  const drain = new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
  await Promise.race([Promise.all(pending), drain]);
  context.extra.starts = starts;
}

function errorsOf(context: WorkerContext): number {
  return Object.values(context.counters.errors).reduce((sum, n) => sum + n, 0);
}
