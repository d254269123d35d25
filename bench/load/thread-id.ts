/** The kernel's id of the calling thread, so the main thread can read its CPU time in /proc. */
import { readlinkSync } from 'node:fs';

/** Linux only: `/proc/thread-self` links to `<pid>/task/<tid>`; null elsewhere. */
export function currentThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}
