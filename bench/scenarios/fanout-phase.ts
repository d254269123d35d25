/**
 * One phase of session churn seen from both ends: the driver's session.start send times paired
 * with the subscribers' arrivals of each session.created, on the one clock of this process.
 */
import { createLatencyHistogram, recordLatency, summarize } from '../load/latency-histogram.ts';
import type { LatencySummary } from '../load/latency-histogram.ts';
import type { Arrival } from '../load/load-job.ts';
import type { LoadResult } from '../load/run-load.ts';

export interface Phase {
  sessions: number;
  delivered: number;
  /** Sessions that did not reach every subscriber. */
  missing: number;
  latency: LatencySummary;
  /** Sessions delivered to every subscriber per second, first start to last arrival. */
  sessionsPerSec: number;
  deliveriesPerSec: number;
  /** [first start, last arrival] (µs, `nowUs`): the window the CPU figures cover. */
  window: [number, number];
}

export type Arrivals = Map<string, { count: number; last: number }>;

/** [session id, start request sent at (µs)] of every cycle the driver ran. */
export function startsOf(driver: LoadResult): Array<[string, number]> {
  return driver.reports.flatMap((r) => r.starts);
}

export function arrivalsFrom(list: Arrival[]): Arrivals {
  const arrivals: Arrivals = new Map();
  for (const [id, count, at] of list) {
    const seen = arrivals.get(id) ?? { count: 0, last: 0 };
    seen.count += count;
    seen.last = Math.max(seen.last, at);
    arrivals.set(id, seen);
  }
  return arrivals;
}

export function collectArrivals(result: LoadResult): Arrivals {
  return arrivalsFrom(result.reports.flatMap((r) => r.arrivals));
}

/** Sessions of `starts` not yet delivered to all `subscribers`. */
export function undelivered(
  starts: Array<[string, number]>,
  arrivals: Arrivals,
  subscribers: number,
): number {
  return starts.filter(([id]) => (arrivals.get(id)?.count ?? 0) < subscribers).length;
}

export function phaseFrom(driver: LoadResult, arrivals: Arrivals, subscribers: number): Phase {
  return phaseOf(startsOf(driver), arrivals, subscribers);
}

export function phaseOf(
  starts: Array<[string, number]>,
  arrivals: Arrivals,
  subscribers: number,
): Phase {
  const histogram = createLatencyHistogram();
  let delivered = 0;
  let missing = 0;
  let first = Infinity;
  let last = 0;
  for (const [id, sentAt] of starts) {
    const seen = arrivals.get(id);
    first = Math.min(first, sentAt);
    delivered += seen?.count ?? 0;
    if (!seen || seen.count < subscribers) {
      missing++;
      continue;
    }
    last = Math.max(last, seen.last);
    recordLatency(histogram, seen.last - sentAt);
  }
  const spanSec = Math.max(1e-6, (last - first) / 1e6);
  return {
    sessions: starts.length,
    delivered,
    missing,
    latency: summarize(histogram),
    sessionsPerSec: (starts.length - missing) / spanSec,
    deliveriesPerSec: delivered / spanSec,
    window: [Number.isFinite(first) ? first : 0, last],
  };
}
