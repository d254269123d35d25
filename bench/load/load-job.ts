/** What a load worker is asked to do, and what it reports back to the main thread. */

/** How one worker opens its share of the connections. */
export interface ConnectionPlan {
  url: string;
  /** This worker's connections. */
  connections: number;
  /** Loopback source addresses, used round-robin by global connection index. */
  sourceAddresses: string[];
  /** Global index of this worker's first connection. */
  indexOffset: number;
  /** Handshakes (plus setup) in flight at once in this worker. */
  openConcurrency: number;
  /** Requests each connection sends in order once open; the string `$cookie` is replaced. */
  setup: Array<Record<string, unknown>>;
  /** Connection i uses cookies[(indexOffset + i) % cookies.length]. */
  cookies: string[];
}

/** Pipelined requests, `depth` in flight per connection, for a time or a count. */
export interface ClosedLoopBehaviour {
  kind: 'closed-loop';
  request: Record<string, unknown>;
  /** When set, a worker's connection i sends `perConnection[i % length]` instead. */
  perConnection?: Array<Record<string, unknown>>;
  depth: number;
  warmupMs: number;
  durationMs: number;
  maxRequests: number;
}

/** Requests at a fixed total rate spread over the connections, whatever the answers do. */
export interface PacedBehaviour {
  kind: 'paced';
  request: Record<string, unknown>;
  ratePerSec: number;
  /** Includes the warm-up, whose answers are not recorded. Default warm-up 0. */
  durationMs: number;
  warmupMs?: number;
  maxRequests: number;
}

/** Connections held open doing nothing until the main thread releases them. */
export interface HoldBehaviour {
  kind: 'hold';
  maxHoldMs: number;
}

/** Held connections that record when each session's `session.created` event arrives. */
export interface SubscribeBehaviour {
  kind: 'subscribe';
  maxHoldMs: number;
}

/**
 * Each (already authenticated) connection starts one session then ends it: paced at
 * `ratePerSec`, or with `window` cycles in flight when the rate is 0.
 */
export interface SessionCycleBehaviour {
  kind: 'session-cycle';
  ratePerSec: number;
  window: number;
  durationMs: number;
}

export type Behaviour =
  ClosedLoopBehaviour | PacedBehaviour | HoldBehaviour | SubscribeBehaviour | SessionCycleBehaviour;

export interface WorkerJob {
  label: string;
  plan: ConnectionPlan;
  behaviour: Behaviour;
}

/** `snapshot`: report the subscribers' arrivals so far, while they keep listening. */
export type ToWorker = { type: 'go' } | { type: 'release' } | { type: 'snapshot'; seq: number };

/** subscribe: [session id, deliveries, last arrival (µs)] of session.created events. */
export type Arrival = [string, number, number];

export interface WorkerCounters {
  opened: number;
  failedConnects: number;
  ready: number;
  completed: number;
  events: number;
  errors: Record<string, number>;
}

/** Counters at zero, for a worker starting and for a sum over workers. */
export function zeroCounters(): WorkerCounters {
  return { opened: 0, failedConnects: 0, ready: 0, completed: 0, events: 0, errors: {} };
}

export interface WorkerReport extends WorkerCounters {
  /** Latency histogram in microseconds, encoded. */
  histogram: string;
  /** Milliseconds over which `completed` was counted. */
  measuredMs: number;
  /** [from, to] of that window on the `nowUs` clock, to read CPU samples over it. */
  window: [number, number];
  /** session-cycle: [session id, start request sent at (µs)]. */
  starts: Array<[string, number]>;
  arrivals: Arrival[];
  /** subscribe: [first, last] arrival of any event (µs), for delivery rates. */
  eventSpan: [number, number];
}

export type FromWorker =
  | { type: 'progress'; counters: WorkerCounters }
  | { type: 'ready'; counters: WorkerCounters; threadId: number | null }
  | { type: 'snapshot'; seq: number; arrivals: Arrival[] }
  | { type: 'done'; report: WorkerReport }
  | { type: 'fatal'; message: string };
