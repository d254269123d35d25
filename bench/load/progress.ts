/** Progress lines on stderr while a load runs: stdout stays free for results. */
import { zeroCounters, type WorkerCounters } from './load-job.ts';

export function sumCounters(all: WorkerCounters[]): WorkerCounters {
  const total = zeroCounters();
  for (const c of all) {
    total.opened += c.opened;
    total.failedConnects += c.failedConnects;
    total.ready += c.ready;
    total.completed += c.completed;
    total.events += c.events;
    for (const [code, n] of Object.entries(c.errors))
      total.errors[code] = (total.errors[code] ?? 0) + n;
  }
  return total;
}

function errorText(errors: Record<string, number>): string {
  const parts = Object.entries(errors).map(([code, n]) => `${code}=${n}`);
  return parts.length === 0 ? '0' : parts.join(',');
}

export function progressLine(
  label: string,
  elapsedMs: number,
  c: WorkerCounters,
  prev: number,
): string {
  const rate = Math.round((c.completed - prev) / (Math.max(1, PROGRESS_INTERVAL_MS) / 1000));
  return (
    `[bench] ${label} t=${(elapsedMs / 1000).toFixed(1)}s conns=${c.ready}/${c.opened}` +
    ` done=${c.completed} (${rate}/s) events=${c.events} errors=${errorText(c.errors)}`
  );
}

export const PROGRESS_INTERVAL_MS = 1_000;
