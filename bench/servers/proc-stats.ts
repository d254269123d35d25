/** A process's resident memory and CPU time, read from /proc (Linux). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond = 0;

function clockTicks(): number {
  if (ticksPerSecond === 0) {
    const out = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    ticksPerSecond = Number(out.trim()) || 100;
  }
  return ticksPerSecond;
}

/** VmRSS in KiB. */
export function readRssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** User plus system CPU time in seconds of a process (all its threads), or of one thread. */
export function readCpuSeconds(pid: number, tid?: number): number {
  const path = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
  const stat = readFileSync(path, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis don't.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

/**
 * Seconds one thread has spent runnable but waiting for a CPU (the scheduler's run queue):
 * CPU time alone cannot tell a thread that had nothing to do from one that was not let run.
 * `tid` defaults to the process's main thread.
 */
export function readRunQueueWaitSeconds(pid: number, tid = pid): number {
  const fields = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ');
  const waitNs = Number(fields[1]);
  if (!Number.isFinite(waitNs)) throw new Error(`no schedstat for thread ${tid}`);
  return waitNs / 1e9;
}

/**
 * Busy CPU time of the whole machine in seconds, every process counted (other people's work on
 * a shared machine included): user, nice, system, irq, softirq and steal over all CPUs.
 */
export function readMachineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + (f[7] ?? 0);
  return busy / clockTicks();
}

/** CPU use between two samples, as a fraction of one core. */
export function cpuShare(from: CpuSample, to: CpuSample): number {
  const wall = (to.atMs - from.atMs) / 1000;
  return wall > 0 ? (to.cpuSeconds - from.cpuSeconds) / wall : 0;
}

export interface CpuSample {
  atMs: number;
  cpuSeconds: number;
}

export function sampleCpu(pid: number): CpuSample {
  return { atMs: performance.now(), cpuSeconds: readCpuSeconds(pid) };
}
