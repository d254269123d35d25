/**
 * Pipelined load: every connection keeps `depth` requests in flight and sends the next one as
 * each answer arrives. Measures the server's capacity; latency here includes queueing.
 */
import { BenchConnection } from '../bench-connection.ts';
import type { WireMap } from '../bench-connection.ts';
import { nowUs } from '../clock.ts';
import { recordLatency } from '../latency-histogram.ts';
import type { ClosedLoopBehaviour } from '../load-job.ts';
import { createRequestTemplate, frameWithId } from '../request-template.ts';
import type { RequestTemplate } from '../request-template.ts';
import type { WorkerContext } from '../worker-context.ts';

const FIRST_ID = BenchConnection.firstPipelinedId;
const DRAIN_MS = 3_000;

interface LoopState {
  behaviour: ClosedLoopBehaviour;
  context: WorkerContext;
  measureFromUs: number;
  stopAtUs: number;
  sent: number;
  inFlight: number;
  stopped: boolean;
  onIdle: () => void;
}

// Ids carry their slot: (id - FIRST_ID) % depth, so a slot's send time is found without a map.
function idFor(slot: number, generation: number, depth: number): number {
  const generations = Math.floor((0xffff_ffff - FIRST_ID) / depth);
  return FIRST_ID + (generation % generations) * depth + slot;
}

function driveConnection(
  connection: BenchConnection,
  template: RequestTemplate,
  state: LoopState,
): void {
  const { depth } = state.behaviour;
  const sentAt = new Float64Array(depth);
  let generation = 0;
  const sendSlot = (slot: number): void => {
    if (state.stopped || !connection.isOpen) return;
    sentAt[slot] = nowUs();
    state.sent++;
    state.inFlight++;
    connection.send(frameWithId(template, idFor(slot, generation++, depth)));
  };
  connection.onResponse = (id: number, message: WireMap) => {
    const slot = (id - FIRST_ID) % depth;
    const now = nowUs();
    state.inFlight--;
    if (message.get('ok') !== true) state.context.countError(String(message.get('code')));
    else if (sentAt[slot]! >= state.measureFromUs) {
      state.context.counters.completed++;
      recordLatency(state.context.histogram, now - sentAt[slot]!);
    }
    if (now >= state.stopAtUs || state.sent >= state.behaviour.maxRequests) state.stopped = true;
    if (state.stopped) {
      if (state.inFlight === 0) state.onIdle();
      return;
    }
    sendSlot(slot);
  };
  for (let slot = 0; slot < depth; slot++) sendSlot(slot);
}

export async function runClosedLoop(
  connections: BenchConnection[],
  behaviour: ClosedLoopBehaviour,
  context: WorkerContext,
): Promise<void> {
  const start = nowUs();
  let onIdle = (): void => {};
  const idle = new Promise<void>((resolve) => (onIdle = resolve));
  const state: LoopState = {
    behaviour,
    context,
    measureFromUs: start + behaviour.warmupMs * 1000,
    stopAtUs: start + (behaviour.warmupMs + behaviour.durationMs) * 1000,
    sent: 0,
    inFlight: 0,
    stopped: false,
    onIdle: () => onIdle(),
  };
  const templates = (behaviour.perConnection ?? [behaviour.request]).map(createRequestTemplate);
  connections.forEach((connection, i) => {
    driveConnection(connection, templates[i % templates.length]!, state);
  });
  // The deadline also holds when answers stop coming: no run outlives its budget.
  const budgetMs = behaviour.warmupMs + behaviour.durationMs + DRAIN_MS;
  await Promise.race([idle, new Promise((resolve) => setTimeout(resolve, budgetMs))]);
  state.stopped = true;
  const endUs = Math.min(nowUs(), state.stopAtUs);
  context.measuredMs = (endUs - state.measureFromUs) / 1000;
  context.window = [state.measureFromUs, endUs];
  if (state.inFlight > 0) context.countError('unanswered');
}
