/**
 * CPU time of several processes and threads sampled together on one clock (the load workers'
 * `nowUs`), so that the busy share of each over any window a load reports can be read after
 * the fact: the hub, the generator's process, each load worker thread.
 */
import { nowUs } from '../load/clock.ts';
import { readCpuSeconds } from './proc-stats.ts';

const SAMPLE_MS = 100;

interface Source {
  read: () => number;
  /** [at (µs), CPU seconds], in time order. */
  points: Array<[number, number]>;
  ended: boolean;
}

export class CpuWatch {
  readonly #sources = new Map<string, Source>();
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(sampleMs = SAMPLE_MS) {
    this.#timer = setInterval(() => this.sample(), sampleMs);
    // The watch must not keep the harness alive if a scenario forgets to stop it.
    this.#timer.unref();
  }

  /** Watches a process (all its threads), or one thread of it. */
  addProcess(name: string, pid: number, tid?: number): void {
    this.add(name, () => readCpuSeconds(pid, tid));
  }

  add(name: string, read: () => number): void {
    const source: Source = { read, points: [], ended: false };
    this.#sources.set(name, source);
    this.#sampleOne(source);
  }

  names(): string[] {
    return [...this.#sources.keys()];
  }

  /** Takes a sample of every source now; a source that cannot be read has ended. */
  sample(): void {
    for (const source of this.#sources.values()) this.#sampleOne(source);
  }

  #sampleOne(source: Source): void {
    if (source.ended) return;
    try {
      source.points.push([nowUs(), source.read()]);
    } catch {
      source.ended = true; // the thread or process exited; its samples so far still count
    }
  }

  /** Busy share of one core over [fromUs, toUs], or null when the samples do not cover it. */
  share(name: string, fromUs: number, toUs: number): number | null {
    const points = this.#sources.get(name)?.points ?? [];
    if (toUs <= fromUs || points.length < 2) return null;
    const from = cpuAt(points, fromUs);
    const to = cpuAt(points, toUs);
    if (from === null || to === null) return null;
    return Math.max(0, (to - from) / ((toUs - fromUs) / 1e6));
  }

  /** The busiest of the named sources over the window: the one closest to saturation. */
  busiest(names: string[], fromUs: number, toUs: number): number | null {
    const shares = names
      .map((name) => this.share(name, fromUs, toUs))
      .filter((s): s is number => s !== null);
    return shares.length === 0 ? null : Math.max(...shares);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/**
 * CPU seconds at `atUs`, interpolated between the samples around it. A window that reaches a
 * little past the last sample (a thread that exited, a timer that ran late) takes the last.
 */
export function cpuAt(points: Array<[number, number]>, atUs: number): number | null {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || atUs < first[0]) return null;
  if (atUs >= last[0]) return last[1];
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid]![0] <= atUs) lo = mid;
    else hi = mid;
  }
  const [t0, c0] = points[lo]!;
  const [t1, c1] = points[hi]!;
  return c0 + ((c1 - c0) * (atUs - t0)) / Math.max(1, t1 - t0);
}
