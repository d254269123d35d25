/** Every size and duration of a run, full or quick; every run is bounded by these. */
export interface BenchSizes {
  workers: number;
  sourceAddresses: number;
  validate: {
    connections: number;
    depth: number;
    warmupMs: number;
    durationMs: number;
    rounds: number;
  };
  idle: { connections: number; idleWindowMs: number };
  fanout: {
    subscribers: number;
    probePool: number;
    window: number;
    durationMs: number;
    maxPool: number;
    /** How long a phase's fan-out may take to reach every subscriber after its last cycle. */
    settleMs: number;
  };
  logins: {
    /** Login users (one connection each); raised so that 2 x CPUs logins are in flight. */
    users: number;
    /** Logins in flight per user, kept below the hub's per-username gate of 5. */
    depth: number;
    warmupMs: number;
    /** Each round: raw verifies for this long, then hub logins for this long. */
    roundMs: number;
    rounds: number;
    /** Validate latency alone, then with logins, for this long each (after the warm-up). */
    validateMs: number;
    validateRate: number;
  };
  cluster: { durationMs: number; subscribers: number; rate: number };
  /** Sessions whose cookies the validating connections share. */
  sessions: number;
}

export const FULL_SIZES: BenchSizes = Object.freeze({
  workers: 2,
  sourceAddresses: 8,
  validate: { connections: 128, depth: 16, warmupMs: 2_000, durationMs: 8_000, rounds: 2 },
  idle: { connections: 15_000, idleWindowMs: 10_000 },
  fanout: {
    subscribers: 1_000,
    probePool: 200,
    window: 32,
    durationMs: 8_000,
    maxPool: 400,
    settleMs: 10_000,
  },
  logins: {
    users: 4,
    depth: 4,
    warmupMs: 1_000,
    roundMs: 4_000,
    rounds: 3,
    validateMs: 8_000,
    validateRate: 1_000,
  },
  cluster: { durationMs: 5_000, subscribers: 50, rate: 20 },
  sessions: 8,
});

export const QUICK_SIZES: BenchSizes = Object.freeze({
  workers: 2,
  sourceAddresses: 2,
  validate: { connections: 8, depth: 4, warmupMs: 200, durationMs: 800, rounds: 1 },
  idle: { connections: 200, idleWindowMs: 500 },
  fanout: {
    subscribers: 20,
    probePool: 10,
    window: 4,
    durationMs: 800,
    maxPool: 20,
    settleMs: 2_000,
  },
  logins: {
    users: 1,
    depth: 2,
    warmupMs: 200,
    roundMs: 800,
    rounds: 1,
    validateMs: 800,
    validateRate: 100,
  },
  cluster: { durationMs: 800, subscribers: 5, rate: 10 },
  sessions: 2,
});
