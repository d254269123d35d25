/** The client connection's states and the transitions between them. */

/**
 * - `connecting`: the first connection is being opened; calls wait in a queue.
 * - `open`: connected (and, after a reconnect, resumed); calls go out at once.
 * - `reconnecting`: the connection was lost and the client is waiting to retry, retrying, or
 *   resuming its session; calls wait in a queue.
 * - `closed`: final; `close()` was called, the connection failed without reconnect, or the
 *   reconnect attempts ran out. Calls fail with `ConnectionClosedError`.
 */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

const NEXT: Readonly<Record<ConnectionStatus, readonly ConnectionStatus[]>> = Object.freeze({
  connecting: ['open', 'reconnecting', 'closed'],
  open: ['reconnecting', 'closed'],
  reconnecting: ['open', 'closed'],
  closed: [],
});

/** True when the client may go from `from` to `to`. */
export function canTransition(from: ConnectionStatus, to: ConnectionStatus): boolean {
  return NEXT[from].includes(to);
}
