/**
 * One clock for every thread: CLOCK_MONOTONIC through hrtime is the same in all worker threads
 * of a process, so a send time taken in one worker and an arrival time in another compare.
 */
export function nowUs(): number {
  return Number(process.hrtime.bigint()) / 1000;
}
