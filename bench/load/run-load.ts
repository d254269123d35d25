/**
 * Runs a load over worker threads: splits the connections, shows progress on stderr, enforces
 * the deadline, and merges what the workers report.
 */
import { Worker } from 'node:worker_threads';
import type { Histogram } from 'hdr-histogram-js';
import { mergeHistograms, summarize } from './latency-histogram.ts';
import type { LatencySummary } from './latency-histogram.ts';
import type { Arrival, Behaviour, FromWorker, WorkerCounters } from './load-job.ts';
import type { WorkerJob, WorkerReport } from './load-job.ts';
import { assertLoopbackUrl, loopbackSourceAddresses } from './loopback.ts';
import { PROGRESS_INTERVAL_MS, progressLine, sumCounters } from './progress.ts';

export interface LoadSpec {
  label: string;
  url: string;
  connections: number;
  workers: number;
  /** Source addresses 127.0.0.2 and up. */
  sourceAddresses: number;
  /** Handshakes in flight per worker. */
  openConcurrency: number;
  setup: Array<Record<string, unknown>>;
  cookies: string[];
  behaviour: Behaviour;
  /** Hard limit on the whole run, connecting included; past it the run fails. */
  deadlineMs: number;
}

export interface LoadResult {
  counters: WorkerCounters;
  histogram: Histogram;
  latency: LatencySummary;
  /** Completed per second over the measured window (the slowest worker's window). */
  ratePerSec: number;
  measuredMs: number;
  /** From the earliest worker's window start to the latest one's end (µs, `nowUs`). */
  window: [number, number];
  reports: WorkerReport[];
}

export interface LoadRun {
  /** Resolves when every worker has opened its connections and run their setup. */
  ready: Promise<WorkerCounters>;
  /** Starts the behaviour in every worker at once. */
  go(): void;
  /** Ends held connections. */
  release(): void;
  /** Subscribers' arrivals so far, from every worker, while they keep listening. */
  snapshot(): Promise<Arrival[]>;
  /** Kernel thread ids of the workers (those that could tell), known once `ready` resolves. */
  threadIds: number[];
  done: Promise<LoadResult>;
}

function jobs(spec: LoadSpec): WorkerJob[] {
  const sourceAddresses = loopbackSourceAddresses(spec.sourceAddresses);
  const workers = Math.max(1, Math.min(spec.workers, spec.connections));
  const out: WorkerJob[] = [];
  let offset = 0;
  for (let w = 0; w < workers; w++) {
    const connections =
      Math.floor(spec.connections / workers) + (w < spec.connections % workers ? 1 : 0);
    const plan = {
      url: spec.url,
      connections,
      sourceAddresses,
      indexOffset: offset,
      openConcurrency: spec.openConcurrency,
      setup: spec.setup,
      cookies: spec.cookies,
    };
    out.push({
      label: spec.label,
      plan,
      behaviour: share(spec.behaviour, connections / spec.connections),
    });
    offset += connections;
  }
  return out;
}

/** A worker's part of a rate: each worker paces itself, so the total is split between them. */
function share(behaviour: Behaviour, fraction: number): Behaviour {
  if (behaviour.kind === 'paced') {
    const maxRequests = Math.ceil(behaviour.maxRequests * fraction);
    return { ...behaviour, ratePerSec: behaviour.ratePerSec * fraction, maxRequests };
  }
  if (behaviour.kind === 'session-cycle') {
    return { ...behaviour, ratePerSec: behaviour.ratePerSec * fraction };
  }
  return behaviour;
}

function merge(reports: WorkerReport[]): LoadResult {
  const counters = sumCounters(reports);
  const histogram = mergeHistograms(reports.map((r) => r.histogram));
  const measuredMs = Math.max(...reports.map((r) => r.measuredMs));
  const ratePerSec = measuredMs > 0 ? counters.completed / (measuredMs / 1000) : 0;
  const window: [number, number] = [
    Math.min(...reports.map((r) => r.window[0])),
    Math.max(...reports.map((r) => r.window[1])),
  ];
  const latency = summarize(histogram);
  return { counters, histogram, latency, ratePerSec, measuredMs, window, reports };
}

/** Starts the workers; the caller decides when to `go` and, for held loads, to `release`. */
export function startLoad(spec: LoadSpec): LoadRun {
  assertLoopbackUrl(spec.url);
  const workerJobs = jobs(spec);
  const workers = workerJobs.map(
    (job) => new Worker(new URL('./load-worker-entry.mjs', import.meta.url), { workerData: job }),
  );
  const counters: WorkerCounters[] = workerJobs.map(() => sumCounters([]));
  const reports: WorkerReport[] = [];
  let readyCount = 0;
  let markReady: (c: WorkerCounters) => void = () => {};
  let finish: (r: LoadResult) => void = () => {};
  let fail: (e: Error) => void = () => {};
  const ready = new Promise<WorkerCounters>((resolve) => (markReady = resolve));
  const threadIds: number[] = [];
  const snapshots = new Snapshots(workers.length);
  const done = new Promise<LoadResult>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const started = Date.now();
  let lastCompleted = 0;
  const progress = setInterval(() => {
    const total = sumCounters(counters);
    process.stderr.write(
      progressLine(spec.label, Date.now() - started, total, lastCompleted) + '\n',
    );
    lastCompleted = total.completed;
  }, PROGRESS_INTERVAL_MS);
  const stopAll = (): void => {
    clearInterval(progress);
    clearTimeout(deadline);
    for (const worker of workers) void worker.terminate();
  };
  const deadline = setTimeout(() => {
    stopAll();
    fail(new Error(`${spec.label}: load did not finish within ${spec.deadlineMs} ms`));
  }, spec.deadlineMs);
  workers.forEach((worker, index) => {
    worker.on('error', (error) => (stopAll(), fail(error)));
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'progress') counters[index] = message.counters;
      else if (message.type === 'snapshot') snapshots.receive(message.seq, message.arrivals);
      else if (message.type === 'ready') {
        counters[index] = message.counters;
        if (message.threadId !== null) threadIds.push(message.threadId);
        if (++readyCount === workers.length) markReady(sumCounters(counters));
      } else if (message.type === 'done') {
        reports.push(message.report);
        counters[index] = message.report;
        if (reports.length === workers.length) (stopAll(), finish(merge(reports)));
      } else (stopAll(), fail(new Error(`${spec.label}: worker failed: ${message.message}`)));
    });
  });
  return {
    ready,
    go: () => workers.forEach((w) => w.postMessage({ type: 'go' })),
    release: () => workers.forEach((w) => w.postMessage({ type: 'release' })),
    snapshot: () => snapshots.request(workers),
    threadIds,
    done,
  };
}

/** Snapshot requests in flight: each resolves once every worker has answered it. */
class Snapshots {
  readonly #workers: number;
  readonly #pending = new Map<number, { parts: Arrival[][]; resolve: (a: Arrival[]) => void }>();
  #seq = 0;

  constructor(workers: number) {
    this.#workers = workers;
  }

  request(workers: Worker[]): Promise<Arrival[]> {
    const seq = ++this.#seq;
    const answer = new Promise<Arrival[]>((resolve) =>
      this.#pending.set(seq, { parts: [], resolve }),
    );
    for (const worker of workers) worker.postMessage({ type: 'snapshot', seq });
    return answer;
  }

  receive(seq: number, arrivals: Arrival[]): void {
    const pending = this.#pending.get(seq);
    if (!pending) return;
    pending.parts.push(arrivals);
    if (pending.parts.length < this.#workers) return;
    this.#pending.delete(seq);
    pending.resolve(pending.parts.flat());
  }
}

/** Opens, runs and closes a load that ends by itself (closed-loop, paced, session-cycle). */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const run = startLoad(spec);
  await Promise.race([run.ready, run.done]);
  run.go();
  return run.done;
}
