/**
 * Errors of the Redis session store and event bus, each with a stable `code`. The hub answers
 * STORE_UNAVAILABLE as INTERNAL with a plain message (server/hub/hub.ts).
 */

/**
 * The store could not be reached or did not answer in time. A write that fails this way may
 * or may not have been applied: the reply, not the command, may be what was lost.
 */
export class StoreConnectionError extends Error {
  override readonly name = 'StoreConnectionError';
  readonly code = 'STORE_UNAVAILABLE';
}

/** `create` was given an id or a cookie hash that a live session already holds. */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
  readonly code = 'STORE_CONFLICT';
}

/** The event bus could not hand an event to Redis (the publishing connection is down). */
export class BusUnavailableError extends Error {
  override readonly name = 'BusUnavailableError';
  readonly code = 'BUS_UNAVAILABLE';
}
