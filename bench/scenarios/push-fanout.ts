/**
 * Scenario 3: admin subscribers receive session.created / session.cleared while sessions are
 * started and ended. A probe drives cycles as fast as the hub answers them; its saturating rate
 * is end to end: sessions delivered to every subscriber per second, read from the subscribers'
 * arrivals once the probe's fan-out has drained. The measured phase offers half of that rate.
 * Latency: from the session.start request leaving to the last subscriber's session.created.
 */
import { runLoad, startLoad } from '../load/run-load.ts';
import type { LoadRun, LoadSpec } from '../load/run-load.ts';
import type { Arrival, Behaviour } from '../load/load-job.ts';
import type { CpuWatch } from '../servers/cpu-watch.ts';
import { summarizeProfile } from '../report/profile-summary.ts';
import { cpuFigures, sidesCpu, watchSides, watchThreads } from './cpu-figures.ts';
import type { SidesCpu } from './cpu-figures.ts';
import { arrivalsFrom, phaseOf, startsOf, undelivered } from './fanout-phase.ts';
import type { Phase } from './fanout-phase.ts';
import { emptyResult } from './scenario-types.ts';
import type { BenchContext, Figure, ScenarioResult } from './scenario-types.ts';
import { benchUserFor, profilePath, serverNames, startServer } from './server-set.ts';
import type { StartedServer } from './server-set.ts';
import { round } from './validate-throughput.ts';

const TARGET_P99_MS = 20;
const SETTLE_POLL_MS = 100;

function spec(context: BenchContext, server: StartedServer, label: string, n: number): LoadSpec {
  return {
    label,
    url: server.process.url,
    connections: n,
    workers: context.sizes.workers,
    sourceAddresses: context.sizes.sourceAddresses,
    openConcurrency: 32,
    setup: [],
    cookies: server.cookies,
    behaviour: { kind: 'hold', maxHoldMs: 0 },
    deadlineMs: 300_000,
  };
}

export function subscribersSpec(context: BenchContext, server: StartedServer): LoadSpec {
  const base = spec(context, server, 'fanout subscribers', context.sizes.fanout.subscribers);
  base.setup = [
    { op: 'session.validate', cookie: '$cookie' },
    { op: 'subscribe', topic: 'sessions' },
  ];
  base.behaviour = { kind: 'subscribe', maxHoldMs: 280_000 };
  return base;
}

export function driverSpec(
  context: BenchContext,
  server: StartedServer,
  pool: number,
  b: Behaviour,
): LoadSpec {
  const user = benchUserFor(context);
  const base = spec(context, server, `fanout driver (${pool} sessions)`, pool);
  base.workers = 1; // one clock of send times; the cycles are few and cheap
  // Logins queue at the hub's hasher; a few in flight keeps the pool's setup within limits.
  base.openConcurrency = 16;
  base.setup = [{ op: 'authenticate', username: user.username, password: user.password }];
  base.behaviour = b;
  return base;
}

interface Measured {
  probe: Phase;
  half: Phase;
  /** Start+end cycles per second as the driver saw them answered (not the fan-out). */
  probeCycleRate: number;
  rate: number;
  probeCpu: SidesCpu;
  halfCpu: SidesCpu;
}

/** Everything one phase needs: the subscribers it is seen through and the CPU watch. */
interface Rig {
  context: BenchContext;
  server: StartedServer;
  subs: LoadRun;
  subscribers: number;
  watch: CpuWatch;
  subThreads: string[];
}

/**
 * Waits until every session of the phase has reached every subscriber (or the settle time is
 * up), so the arrivals are complete and no backlog spills into the next phase.
 */
async function settledPhase(rig: Rig, starts: Array<[string, number]>): Promise<Phase> {
  const deadline = Date.now() + rig.context.sizes.fanout.settleMs;
  for (;;) {
    const arrivals = arrivalsFrom(await snapshot(rig.subs));
    const left = undelivered(starts, arrivals, rig.subscribers);
    if (left === 0 || Date.now() >= deadline) return phaseOf(starts, arrivals, rig.subscribers);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  }
}

/** The subscribers' arrivals so far; fails rather than waits if the subscribers have ended. */
function snapshot(subs: LoadRun): Promise<Arrival[]> {
  const ended = subs.done.then(() => {
    throw new Error('fanout: the subscribers ended before the phase settled');
  });
  return Promise.race([subs.snapshot(), ended]);
}

/** Runs one driver; `during` wraps the window from `go` to the settled fan-out. */
async function drive(
  rig: Rig,
  pool: number,
  behaviour: Behaviour,
  label: string,
  during?: { before(): Promise<void>; after(): Promise<void> },
): Promise<{ phase: Phase; cycleRate: number; cpu: SidesCpu }> {
  const run = startLoad(driverSpec(rig.context, rig.server, pool, behaviour));
  // The pool logs in first; only the start/end cycles and their fan-out are measured.
  await Promise.race([run.ready, run.done]);
  const threads = watchThreads(rig.watch, label, run);
  await during?.before();
  run.go();
  const driver = await run.done;
  const phase = await settledPhase(rig, startsOf(driver));
  await during?.after();
  const cpu = sidesCpu(rig.watch, phase.window, [...rig.subThreads, ...threads]);
  return { phase, cycleRate: driver.ratePerSec, cpu };
}

async function phases(rig: Rig): Promise<Measured> {
  const { context, server } = rig;
  const size = context.sizes.fanout;
  const probeBehaviour: Behaviour = {
    kind: 'session-cycle',
    ratePerSec: 0,
    window: size.window,
    durationMs: 60_000,
  };
  const probe = await drive(rig, size.probePool, probeBehaviour, 'probe driver', {
    before: () => server.process.startProfile(),
    after: () => server.process.stopProfile(profilePath(context, 'fanout-probe')),
  });
  const rate = Math.max(1, probe.phase.sessionsPerSec / 2);
  const pool = Math.min(size.maxPool, Math.ceil((rate * size.durationMs) / 1000));
  // Room past the last due cycle; the driver ends as soon as every cycle is done.
  const durationMs = Math.ceil((pool / rate) * 1000) + 1_000;
  const halfBehaviour: Behaviour = {
    kind: 'session-cycle',
    ratePerSec: rate,
    window: 0,
    durationMs,
  };
  const half = await drive(rig, pool, halfBehaviour, 'half-rate driver');
  return {
    probe: probe.phase,
    half: half.phase,
    probeCycleRate: probe.cycleRate,
    rate,
    probeCpu: probe.cpu,
    halfCpu: half.cpu,
  };
}

export async function runPushFanout(context: BenchContext): Promise<ScenarioResult> {
  const result = emptyResult('fanout', '3. Push fan-out');
  if (!serverNames(context).includes('hub-uws')) {
    result.status = 'skipped';
    result.notes.push('the hub CLI (bin/session-hub.mjs) is not there yet');
    return result;
  }
  const server = await startServer(context, 'hub-uws');
  const watch = watchSides(server.process.pid);
  try {
    const subs = startLoad(subscribersSpec(context, server));
    const ready = await Promise.race([subs.ready, subs.done.then(() => null)]);
    if (!ready || ready.ready === 0) throw new Error('fanout: no subscriber is ready');
    const subThreads = watchThreads(watch, 'subscribers', subs);
    subs.go();
    const rig: Rig = { context, server, subs, subscribers: ready.ready, watch, subThreads };
    const measured = await phases(rig);
    subs.release();
    await subs.done;
    report(result, ready.ready, measured, context.sizes.fanout.settleMs);
    const missed = measured.half.latency.p99 > TARGET_P99_MS;
    if (missed || context.quick) {
      const file = profilePath(context, 'fanout-probe');
      result.profiles.push(
        summarizeProfile(file, 'hub-uws during the fan-out probe', context.root),
      );
    }
  } finally {
    watch.stop();
    await server.process.stop();
  }
  return result;
}

function rateFigures(measured: Measured): Figure[] {
  const { probe, half, rate } = measured;
  return [
    {
      name: 'saturating rate (probe): sessions delivered to all subscribers/s',
      value: round(probe.sessionsPerSec, 1),
      unit: '/s',
    },
    {
      name: 'probe: start+end cycles/s answered to the driver',
      value: round(measured.probeCycleRate, 1),
      unit: '/s',
    },
    { name: 'probe: start → last subscriber p99', value: probe.latency.p99, unit: 'ms' },
    {
      name: 'probe: session.created deliveries/s',
      value: Math.round(probe.deliveriesPerSec),
      unit: '/s',
    },
    ...cpuFigures('probe', measured.probeCpu),
    { name: 'half rate: sessions/s offered', value: round(rate, 1), unit: '/s' },
    {
      name: 'half rate: sessions delivered to all subscribers/s',
      value: round(half.sessionsPerSec, 1),
      unit: '/s',
    },
    {
      name: 'half rate: session.created deliveries/s',
      value: Math.round(half.deliveriesPerSec),
      unit: '/s',
    },
  ];
}

function report(
  result: ScenarioResult,
  subscribers: number,
  measured: Measured,
  settle: number,
): void {
  const { probe, half } = measured;
  result.figures.push(
    ...rateFigures(measured),
    { name: 'half rate: start → last subscriber p50', value: half.latency.p50, unit: 'ms' },
    {
      name: 'half rate: start → last subscriber p99',
      value: half.latency.p99,
      unit: 'ms',
      target: { op: '<=', value: TARGET_P99_MS },
    },
    { name: 'half rate: start → last subscriber p99.9', value: half.latency.p999, unit: 'ms' },
    ...cpuFigures('half rate', measured.halfCpu),
  );
  result.latency.push({ server: 'hub-uws fan-out', summary: half.latency });
  result.notes.push(
    `${subscribers} subscribers; probe ${probe.sessions} sessions, half-rate phase ` +
      `${half.sessions} sessions; each cycle also delivers a session.cleared to every ` +
      'subscriber. Rates and CPU cover first start to last arrival of each phase; the ' +
      'half-rate phase starts only once the probe has reached every subscriber. CPU is in % ' +
      'of one core: the hub process, this generator process, and its busiest load thread ' +
      '(one thread cannot pass 100%). A thread whose CPU plus wait for a CPU is near 100% ' +
      'was never idle: it is the limit, or the machine was too busy to tell.',
  );
  const missing = probe.missing + half.missing;
  if (missing > 0) {
    result.notes.push(
      `${missing} sessions had not reached every subscriber ${settle} ms after their ` +
        'phase; they are left out of the rates and latencies',
    );
  }
}
