/**
 * Which side saturates: the hub's CPU next to the generator's over the same window. The
 * generator is this process; a load worker is one thread, so one near 100% is the limit even
 * when the process as a whole is not.
 */
import { availableParallelism } from 'node:os';
import type { LoadRun } from '../load/run-load.ts';
import { readMachineBusySeconds, readRunQueueWaitSeconds } from '../servers/proc-stats.ts';
import { CpuWatch } from '../servers/cpu-watch.ts';
import type { Figure } from './scenario-types.ts';
import { round } from './validate-throughput.ts';

export interface SidesCpu {
  /** Shares of one core; null when the samples do not cover the window. */
  hub: number | null;
  generator: number | null;
  busiestThread: number | null;
  /** Every process on the machine: what is left beyond hub and generator is someone else's. */
  machine: number | null;
  /** Share of the window the hub's JavaScript thread was ready to run but had no CPU. */
  hubWaiting: number | null;
  /** The same for the load thread that waited most. */
  threadWaiting: number | null;
}

const HUB = 'hub';
const HUB_WAIT = 'hub main thread wait';
const GENERATOR = 'generator';
const MACHINE = 'machine';
const WAIT = ' wait';

/** Starts watching the hub's process, this one and the machine as a whole. */
export function watchSides(hubPid: number): CpuWatch {
  const watch = new CpuWatch();
  watch.addProcess(HUB, hubPid);
  watch.add(HUB_WAIT, () => readRunQueueWaitSeconds(hubPid));
  watch.addProcess(GENERATOR, process.pid);
  watch.add(MACHINE, readMachineBusySeconds);
  return watch;
}

/**
 * Adds the load's worker threads (call once it is ready); returns their CPU source names (each
 * also has a run-queue wait source, the name plus " wait").
 */
export function watchThreads(watch: CpuWatch, label: string, run: LoadRun): string[] {
  return run.threadIds.map((tid) => {
    const name = `${label} thread ${tid}`;
    watch.addProcess(name, process.pid, tid);
    watch.add(name + WAIT, () => readRunQueueWaitSeconds(process.pid, tid));
    return name;
  });
}

export function sidesCpu(watch: CpuWatch, window: [number, number], threads: string[]): SidesCpu {
  watch.sample(); // a window that ends now needs a sample at or after its end
  const [from, to] = window;
  return {
    hub: watch.share(HUB, from, to),
    generator: watch.share(GENERATOR, from, to),
    busiestThread: watch.busiest(threads, from, to),
    machine: watch.share(MACHINE, from, to),
    hubWaiting: watch.share(HUB_WAIT, from, to),
    threadWaiting: watch.busiest(
      threads.map((name) => name + WAIT),
      from,
      to,
    ),
  };
}

function percent(share: number | null): number | null {
  return share === null ? null : round(share * 100, 0);
}

/**
 * The hub, the generator process, the busiest load thread and the whole machine, in % of one
 * core; then how long the hub's JavaScript thread and the most delayed load thread were ready
 * but waited for a CPU, in % of the window (high means the machine, not the code, was short).
 */
export function cpuFigures(prefix: string, cpu: SidesCpu): Figure[] {
  const cores = availableParallelism();
  const rows: Array<[string, number | null, string]> = [
    [`${prefix}: hub CPU`, percent(cpu.hub), CORE],
    [`${prefix}: generator CPU (whole process)`, percent(cpu.generator), CORE],
    [`${prefix}: busiest load thread CPU`, percent(cpu.busiestThread), CORE],
    [`${prefix}: whole machine CPU (every process, ${cores} cores)`, percent(cpu.machine), CORE],
    [`${prefix}: hub JS thread waiting for a CPU`, percent(cpu.hubWaiting), WINDOW],
    [`${prefix}: most delayed load thread waiting for a CPU`, percent(cpu.threadWaiting), WINDOW],
  ];
  return rows
    .filter((row): row is [string, number, string] => row[1] !== null)
    .map(([name, value, unit]) => ({ name, value, unit }));
}

const CORE = '% of a core';
const WINDOW = '% of the time';
