/** State shared by a load worker's behaviours: counters, the histogram, the release signal. */
import type { Histogram } from 'hdr-histogram-js';
import { createLatencyHistogram } from './latency-histogram.ts';
import { zeroCounters, type Arrival, type WorkerCounters, type WorkerReport } from './load-job.ts';

export class WorkerContext {
  readonly counters: WorkerCounters = zeroCounters();
  readonly histogram: Histogram = createLatencyHistogram();
  readonly extra: Partial<WorkerReport> = {};
  measuredMs = 0;
  /** Start and end of the measured window (µs, `nowUs`); 0 when the behaviour sets none. */
  window: [number, number] = [0, 0];
  /** Set by the subscribe behaviour: its arrivals so far, read while it keeps running. */
  arrivalsSoFar: () => Arrival[] = () => [];
  #release: () => void = () => {};
  /** Resolves when the main thread sends `release`. */
  readonly released: Promise<void> = new Promise((resolve) => (this.#release = resolve));

  countError(code: string): void {
    this.counters.errors[code] = (this.counters.errors[code] ?? 0) + 1;
  }

  release(): void {
    this.#release();
  }
}

/** Resolves after `ms`, or at once when `signal` settles first. */
export function sleepUnless(ms: number, signal: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void signal.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
