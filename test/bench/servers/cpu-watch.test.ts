import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { nowUs } from '../../../bench/load/clock.ts';
import { CpuWatch, cpuAt } from '../../../bench/servers/cpu-watch.ts';
import {
  readMachineBusySeconds,
  readRunQueueWaitSeconds,
} from '../../../bench/servers/proc-stats.ts';

// Spins until its own thread has used `cpuMs` of CPU (however long that takes on a busy
// machine), then reports its kernel thread id and the spin's window on the shared clock.
const SPINNER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync, readlinkSync } = require('node:fs');
const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
const cpu = () => {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const now = () => Number(process.hrtime.bigint()) / 1000;
parentPort.postMessage({ tid });
parentPort.once('message', () => {
  const from = now();
  const start = cpu();
  while (cpu() - start < workerData.cpuMs / 1000) {}
  parentPort.postMessage({ from, to: now() });
  setTimeout(() => {}, 300);
});
`;

function message<T>(worker: Worker): Promise<T> {
  return new Promise((resolve) => worker.once('message', resolve));
}

describe('cpuAt', () => {
  const points: Array<[number, number]> = [
    [1_000, 1],
    [2_000, 2],
    [4_000, 2.5],
  ];

  it('interpolates between the samples around a time', () => {
    expect(cpuAt(points, 1_500)).toBeCloseTo(1.5);
    expect(cpuAt(points, 3_000)).toBeCloseTo(2.25);
  });

  it('knows nothing before the first sample and holds the last one after it', () => {
    expect(cpuAt(points, 999)).toBeNull();
    expect(cpuAt(points, 9_000)).toBe(2.5);
  });
});

describe('CpuWatch', () => {
  it('reads a worker thread of this process through its kernel thread id', async () => {
    const worker = new Worker(SPINNER, { eval: true, workerData: { cpuMs: 300 } });
    const watch = new CpuWatch(20);
    try {
      const { tid } = await message<{ tid: number }>(worker);
      watch.addProcess('spinner', process.pid, tid);
      watch.addProcess('process', process.pid);
      worker.postMessage('go');
      const { from, to } = await message<{ from: number; to: number }>(worker);
      watch.sample();
      const seconds = (to - from) / 1e6;
      // The thread used 0.3 s of CPU in the window, to the clock tick (10 ms) of /proc.
      expect(watch.share('spinner', from, to)! * seconds).toBeGreaterThan(0.2);
      expect(watch.share('spinner', from, to)! * seconds).toBeLessThan(0.45);
      expect(watch.share('process', from, to)!).toBeGreaterThanOrEqual(
        watch.share('spinner', from, to)! - 0.05,
      );
      expect(watch.busiest(['spinner', 'unknown'], from, to)).toBe(
        watch.share('spinner', from, to),
      );
    } finally {
      watch.stop();
      await worker.terminate();
    }
  });

  it('keeps the samples of a thread that has exited and stops reading it', async () => {
    const worker = new Worker(SPINNER, { eval: true, workerData: { cpuMs: 50 } });
    const watch = new CpuWatch(20);
    try {
      const { tid } = await message<{ tid: number }>(worker);
      watch.addProcess('spinner', process.pid, tid);
      worker.postMessage('go');
      const { from, to } = await message<{ from: number; to: number }>(worker);
      await worker.terminate();
      watch.sample();
      watch.sample();
      expect(watch.share('spinner', from, to)).not.toBeNull();
      expect(watch.share('spinner', to, nowUs())).toBe(0);
    } finally {
      watch.stop();
    }
  });

  it('reads how long a thread waited for a CPU, never going backwards', () => {
    const first = readRunQueueWaitSeconds(process.pid);
    const until = Date.now() + 20;
    while (Date.now() < until) readFileSync('/proc/stat');
    const second = readRunQueueWaitSeconds(process.pid);
    expect(Number.isFinite(first)).toBe(true);
    expect(second).toBeGreaterThanOrEqual(first);
    expect(() => readRunQueueWaitSeconds(process.pid, 999_999_999)).toThrow();
  });

  it('counts the whole machine at least as busy as this process', () => {
    const machine0 = readMachineBusySeconds();
    const self0 = process.cpuUsage();
    const until = Date.now() + 100;
    while (Date.now() < until) readFileSync('/proc/stat');
    const self = process.cpuUsage(self0);
    const machine = readMachineBusySeconds() - machine0;
    expect(machine).toBeGreaterThanOrEqual((self.user + self.system) / 1e6 - 0.03);
  });
});
