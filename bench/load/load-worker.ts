/** Entry of one load worker thread: open connections, wait for `go`, run, report. */
import { parentPort, workerData } from 'node:worker_threads';
import type { BenchConnection } from './bench-connection.ts';
import { runClosedLoop } from './behaviours/closed-loop.ts';
import { runHold, runSubscribe } from './behaviours/hold.ts';
import { runPaced } from './behaviours/paced.ts';
import { runSessionCycle } from './behaviours/session-cycle.ts';
import { encodeHistogram } from './latency-histogram.ts';
import type { FromWorker, ToWorker, WorkerJob, WorkerReport } from './load-job.ts';
import { openConnections } from './open-connections.ts';
import { currentThreadId } from './thread-id.ts';
import { WorkerContext } from './worker-context.ts';

const PROGRESS_MS = 500;
const port = parentPort!;
const job = workerData as WorkerJob;
const context = new WorkerContext();
let go: () => void = () => {};
const started = new Promise<void>((resolve) => (go = resolve));

port.on('message', (message: ToWorker) => {
  if (message.type === 'go') go();
  else if (message.type === 'snapshot') {
    post({ type: 'snapshot', seq: message.seq, arrivals: context.arrivalsSoFar() });
  } else context.release();
});

function post(message: FromWorker): void {
  port.postMessage(message);
}

function runBehaviour(connections: BenchConnection[]): Promise<void> {
  const behaviour = job.behaviour;
  switch (behaviour.kind) {
    case 'closed-loop':
      return runClosedLoop(connections, behaviour, context);
    case 'paced':
      return runPaced(connections, behaviour, context);
    case 'hold':
      return runHold(connections, behaviour, context);
    case 'subscribe':
      return runSubscribe(connections, behaviour, context);
    case 'session-cycle':
      return runSessionCycle(connections, behaviour, context);
  }
}

function report(): WorkerReport {
  return {
    ...context.counters,
    histogram: encodeHistogram(context.histogram),
    measuredMs: context.measuredMs,
    window: context.window,
    starts: context.extra.starts ?? [],
    arrivals: context.extra.arrivals ?? [],
    eventSpan: context.extra.eventSpan ?? [0, 0],
  };
}

async function main(): Promise<void> {
  const progress = setInterval(
    () => post({ type: 'progress', counters: context.counters }),
    PROGRESS_MS,
  );
  const connections = await openConnections(job.plan, context);
  post({ type: 'ready', counters: context.counters, threadId: currentThreadId() });
  await started;
  await runBehaviour(connections);
  clearInterval(progress);
  for (const connection of connections) connection.close();
  post({ type: 'done', report: report() });
}

main().catch((error: unknown) => {
  post({
    type: 'fatal',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
});
