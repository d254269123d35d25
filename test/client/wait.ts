import type { HubClient, HubClientEvents } from '../../client/index.ts';

/** Waiting helpers for tests over real sockets. */

/** Resolves once `check` returns true; fails after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The arguments of the next `event` the client emits. */
export function once<K extends keyof HubClientEvents>(
  client: HubClient,
  event: K,
): Promise<HubClientEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(event, (...args) => {
      off();
      resolve(args);
    });
  });
}
