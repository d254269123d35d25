/**
 * Open-loop load: requests leave at a fixed total rate whatever the server does, so latency
 * shows the server's answer time at that rate rather than the generator's own queue.
 */
import { BenchConnection } from '../bench-connection.ts';
import type { WireMap } from '../bench-connection.ts';
import { nowUs } from '../clock.ts';
import { recordLatency } from '../latency-histogram.ts';
import type { PacedBehaviour } from '../load-job.ts';
import { createRequestTemplate, frameWithId } from '../request-template.ts';
import type { WorkerContext } from '../worker-context.ts';

const TICK_MS = 2;
const DRAIN_MS = 3_000;

export async function runPaced(
  connections: BenchConnection[],
  behaviour: PacedBehaviour,
  context: WorkerContext,
): Promise<void> {
  const template = createRequestTemplate(behaviour.request);
  const sentAt = new Map<number, number>();
  const start = nowUs();
  // Answers to requests sent during the warm-up (cold JIT on both sides) are not recorded.
  const measureFrom = start + (behaviour.warmupMs ?? 0) * 1000;
  const onResponse = (id: number, message: WireMap): void => {
    const at = sentAt.get(id);
    if (at === undefined) return;
    sentAt.delete(id);
    if (message.get('ok') !== true) return context.countError(String(message.get('code')));
    if (at < measureFrom) return;
    context.counters.completed++;
    recordLatency(context.histogram, nowUs() - at);
  };
  for (const connection of connections) connection.onResponse = onResponse;
  const total = Math.min(
    behaviour.maxRequests,
    (behaviour.ratePerSec * behaviour.durationMs) / 1e3,
  );
  let sent = 0;
  const tick = (): void => {
    const due = Math.min(total, Math.floor(((nowUs() - start) / 1e6) * behaviour.ratePerSec));
    for (; sent < due; sent++) {
      const connection = connections[sent % connections.length]!;
      const id = BenchConnection.firstPipelinedId + sent;
      sentAt.set(id, nowUs());
      connection.send(frameWithId(template, id));
    }
  };
  const timer = setInterval(tick, TICK_MS);
  await new Promise((resolve) => setTimeout(resolve, behaviour.durationMs));
  clearInterval(timer);
  context.measuredMs = (nowUs() - measureFrom) / 1000;
  context.window = [measureFrom, nowUs()];
  const drainUntil = Date.now() + DRAIN_MS;
  while (sentAt.size > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 10));
  if (sentAt.size > 0) context.countError('unanswered');
}
