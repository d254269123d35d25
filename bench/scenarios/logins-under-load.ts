/**
 * Scenario 4: local argon2id logins per second through the hub against the raw verify rate
 * (the limit), then validate latency at a fixed rate while logins saturate the CPU.
 *
 * The two rates are made comparable: the hub is pinned to `maxConcurrentHashes` = H (its own
 * default, the CPU count) and the raw loop keeps H verifies in flight in the hub's own process;
 * both verify hashes made by `session-hub user add`; both count only what finishes in a window
 * after a warm-up; and they alternate in short rounds, so that other work on a shared machine
 * weighs on both alike. Each login connection logs in as its own user with fewer logins in
 * flight than the hub's per-username gate admits (limits.loginFailuresBeforeThrottle), so the
 * gate never queues and the hasher is the only limit.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { nowUs } from '../load/clock.ts';
import { createCookies } from '../load/hub-sessions.ts';
import { sumCounters } from '../load/progress.ts';
import { startLoad } from '../load/run-load.ts';
import type { LoadResult, LoadRun, LoadSpec } from '../load/run-load.ts';
import { summarizeProfile } from '../report/profile-summary.ts';
import type { CpuWatch } from '../servers/cpu-watch.ts';
import { createBenchUser, startHub } from '../servers/hub-process.ts';
import type { BenchUser } from '../servers/hub-process.ts';
import type { Argon2Rate } from '../servers/server-process.ts';
import { cpuFigures, sidesCpu, watchSides, watchThreads } from './cpu-figures.ts';
import type { SidesCpu } from './cpu-figures.ts';
import { hashFromUsersFile, hashParams } from './raw-argon2.ts';
import { emptyResult } from './scenario-types.ts';
import type { BenchContext, Figure, ScenarioResult } from './scenario-types.ts';
import { profilePath, serverNames } from './server-set.ts';
import type { StartedServer } from './server-set.ts';
import { round } from './validate-throughput.ts';

const TARGET_LOGIN_RATIO = 0.9;
const TARGET_VALIDATE_P99_MS = 5;
/** limits.loginFailuresBeforeThrottle (the hub's default, pinned here): its username gate. */
const GATE_LIMIT = 5;

interface Rig {
  context: BenchContext;
  server: StartedServer;
  users: BenchUser[];
  /** Hashes in flight: the hub's maxConcurrentHashes and the raw loop's lanes. */
  hashers: number;
  watch: CpuWatch;
}

interface Round {
  raw: Argon2Rate;
  rawPerSec: number;
  /** The hub's share is its own count over the raw window; the others are sampled. */
  rawCpu: SidesCpu;
  logins: LoadResult;
  loginsCpu: SidesCpu;
}

function loginDepth(context: BenchContext): number {
  return Math.min(context.sizes.logins.depth, GATE_LIMIT - 1);
}

/** Enough users that H hashers always have work: one connection per user. */
function loginUsers(context: BenchContext, hashers: number): number {
  const depth = loginDepth(context);
  return Math.max(context.sizes.logins.users, Math.ceil((2 * hashers) / depth));
}

function loginSpec(rig: Rig, warmupMs: number, durationMs: number): LoadSpec {
  const requests = rig.users.map((user) => ({
    op: 'authenticate',
    username: user.username,
    password: user.password,
  }));
  return {
    label: 'logins',
    url: rig.server.process.url,
    connections: rig.users.length,
    workers: 1, // perConnection maps connection i to user i within one worker
    sourceAddresses: rig.context.sizes.sourceAddresses,
    openConcurrency: 16,
    setup: [],
    cookies: [],
    behaviour: {
      kind: 'closed-loop',
      request: requests[0]!,
      perConnection: requests,
      depth: loginDepth(rig.context),
      warmupMs,
      durationMs,
      maxRequests: 1_000_000,
    },
    deadlineMs: warmupMs + durationMs + 60_000,
  };
}

function validateSpec(rig: Rig): LoadSpec {
  const size = rig.context.sizes.logins;
  const cookies = rig.server.cookies;
  return {
    label: 'validate (paced)',
    url: rig.server.process.url,
    connections: 32,
    workers: 1,
    sourceAddresses: rig.context.sizes.sourceAddresses,
    openConcurrency: 32,
    setup: [],
    cookies,
    behaviour: {
      kind: 'paced',
      request: { op: 'session.validate', cookie: cookies[0] },
      ratePerSec: size.validateRate,
      warmupMs: size.warmupMs,
      durationMs: size.warmupMs + size.validateMs,
      maxRequests: 1_000_000,
    },
    deadlineMs: size.validateMs + 60_000,
  };
}

/** Starts the loads together once all are connected; resolves their results in order. */
async function together(rig: Rig, specs: LoadSpec[]): Promise<LoadRun[]> {
  const runs = specs.map(startLoad);
  await Promise.all(runs.map((run) => Promise.race([run.ready, run.done])));
  runs.forEach((run, i) => watchThreads(rig.watch, `${specs[i]!.label} ${Date.now()}`, run));
  for (const run of runs) run.go();
  return runs;
}

function threadNames(rig: Rig): string[] {
  return rig.watch.names().filter((name) => name.includes(' thread '));
}

/** One raw window, then one hub window of the same length, both after the same warm-up. */
async function measureRound(rig: Rig): Promise<Round> {
  const { warmupMs, roundMs } = rig.context.sizes.logins;
  const user = rig.users[0]!;
  // The raw window, as seen from here: the IPC round trip (well under a millisecond) aside.
  const rawFrom = nowUs() + warmupMs * 1000;
  const raw = await rig.server.process.argon2Rate({
    hash: hashFromUsersFile(user.usersFile, user.username),
    password: user.password,
    lanes: rig.hashers,
    warmupMs,
    durationMs: roundMs,
  });
  const [run] = await together(rig, [loginSpec(rig, warmupMs, roundMs)]);
  const logins = await run!.done;
  const loginsCpu = sidesCpu(rig.watch, logins.window, threadNames(rig));
  const rawSampled = sidesCpu(rig.watch, [rawFrom, rawFrom + roundMs * 1000], []);
  const rawCpu = { ...rawSampled, hub: raw.cpuSeconds / (raw.windowMs / 1000) };
  return { raw, rawPerSec: raw.verifies / (raw.windowMs / 1000), rawCpu, logins, loginsCpu };
}

async function startRig(context: BenchContext): Promise<Rig> {
  const hashers = availableParallelism();
  const usersFile = join(context.workDir, 'login-users.json');
  const users: BenchUser[] = [];
  for (let i = 1; i <= loginUsers(context, hashers); i++) {
    users.push(createBenchUser(context.root, context.workDir, `bench-login-${i}`, usersFile));
  }
  const process = await startHub({
    root: context.root,
    workDir: context.workDir,
    label: `hub-uws-logins-${Date.now()}`,
    transport: 'uws',
    usersFile,
    overrides: {
      limits: { maxConcurrentHashes: hashers, loginFailuresBeforeThrottle: GATE_LIMIT },
    },
  });
  const server: StartedServer = { name: 'hub-uws', process, cookies: [] };
  try {
    server.cookies = await createCookies(process.url, users[0]!, context.sizes.sessions);
  } catch (error) {
    await process.stop();
    throw error;
  }
  return { context, server, users, hashers, watch: watchSides(process.pid) };
}

export async function runLoginsUnderLoad(context: BenchContext): Promise<ScenarioResult> {
  const result = emptyResult('logins', '4. Logins under load');
  if (!serverNames(context).includes('hub-uws')) {
    result.status = 'skipped';
    result.notes.push('the hub CLI (bin/session-hub.mjs) is not there yet');
    return result;
  }
  const rig = await startRig(context);
  try {
    const rounds: Round[] = [];
    for (let i = 0; i < context.sizes.logins.rounds; i++) rounds.push(await measureRound(rig));
    const [quietRun] = await together(rig, [validateSpec(rig)]);
    const quiet = await quietRun!.done;
    const profile = profilePath(context, 'logins-hub-uws');
    await rig.server.process.startProfile();
    const { validateMs, warmupMs } = context.sizes.logins;
    const runs = await together(rig, [loginSpec(rig, warmupMs, validateMs), validateSpec(rig)]);
    const [logins, loaded] = await Promise.all(runs.map((run) => run.done));
    await rig.server.process.stopProfile(profile);
    const loadedCpu = sidesCpu(rig.watch, loaded!.window, threadNames(rig));
    const summary = summarizeRounds(rounds);
    figures(result, rig, summary, { quiet, logins: logins!, loaded: loaded!, loadedCpu });
    const missed =
      summary.ratio < TARGET_LOGIN_RATIO || loaded!.latency.p99 > TARGET_VALIDATE_P99_MS;
    if (missed || context.quick) {
      result.profiles.push(
        summarizeProfile(profile, 'hub-uws during logins + paced validate', context.root),
      );
    }
  } finally {
    rig.watch.stop();
    await rig.server.process.stop();
  }
  return result;
}

interface RoundSummary {
  rounds: Round[];
  rawPerSec: number;
  loginsPerSec: number;
  /** Median of the per-round ratios: one disturbed round does not decide it. */
  ratio: number;
  rawCpu: SidesCpu;
  loginsCpu: SidesCpu;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function medianOrNull(values: Array<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : median(known);
}

function medianCpu(all: SidesCpu[]): SidesCpu {
  return {
    hub: medianOrNull(all.map((c) => c.hub)),
    generator: medianOrNull(all.map((c) => c.generator)),
    busiestThread: medianOrNull(all.map((c) => c.busiestThread)),
    machine: medianOrNull(all.map((c) => c.machine)),
    hubWaiting: medianOrNull(all.map((c) => c.hubWaiting)),
    threadWaiting: medianOrNull(all.map((c) => c.threadWaiting)),
  };
}

function summarizeRounds(rounds: Round[]): RoundSummary {
  return {
    rounds,
    rawPerSec: median(rounds.map((r) => r.rawPerSec)),
    loginsPerSec: median(rounds.map((r) => r.logins.ratePerSec)),
    ratio: median(rounds.map((r) => r.logins.ratePerSec / Math.max(1e-9, r.rawPerSec))),
    rawCpu: medianCpu(rounds.map((r) => r.rawCpu)),
    loginsCpu: medianCpu(rounds.map((r) => r.loginsCpu)),
  };
}

interface Loaded {
  quiet: LoadResult;
  logins: LoadResult;
  loaded: LoadResult;
  loadedCpu: SidesCpu;
}

function cpuPerOp(cores: number | null, perSec: number): number | null {
  return cores === null || perSec <= 0 ? null : round((cores * 1000) / perSec, 1);
}

function limitFigures(rig: Rig, s: RoundSummary): Figure[] {
  const rawCpu = cpuPerOp(s.rawCpu.hub, s.rawPerSec);
  const loginCpu = cpuPerOp(s.loginsCpu.hub, s.loginsPerSec);
  const rows: Figure[] = [
    {
      name: `raw argon2.verify/s (${rig.hashers} in flight, in the hub process)`,
      value: round(s.rawPerSec, 1),
      unit: '/s',
    },
    {
      name: `hub logins/s (maxConcurrentHashes ${rig.hashers})`,
      value: round(s.loginsPerSec, 1),
      unit: '/s',
    },
    {
      name: 'hub logins / raw verifies',
      value: round(s.ratio, 3),
      unit: 'ratio',
      target: { op: '>=', value: TARGET_LOGIN_RATIO },
    },
  ];
  if (rawCpu !== null)
    rows.push({ name: 'raw: hub process CPU per verify', value: rawCpu, unit: 'ms' });
  if (loginCpu !== null)
    rows.push({ name: 'logins: hub CPU per login', value: loginCpu, unit: 'ms' });
  if (rawCpu !== null && loginCpu !== null) {
    // CPU per operation does not drift with what else the machine runs; rates do.
    rows.push({
      name: 'raw CPU per verify / hub CPU per login',
      value: round(rawCpu / loginCpu, 3),
      unit: 'ratio',
    });
  }
  return [
    ...rows,
    ...cpuFigures('raw', { ...s.rawCpu, generator: null, busiestThread: null, hubWaiting: null }),
    ...cpuFigures('logins', s.loginsCpu),
  ];
}

function figures(result: ScenarioResult, rig: Rig, s: RoundSummary, l: Loaded): void {
  result.figures.push(
    ...limitFigures(rig, s),
    { name: 'validate p99, no logins', value: l.quiet.latency.p99, unit: 'ms' },
    { name: 'logins/s while validating', value: round(l.logins.ratePerSec, 1), unit: '/s' },
    {
      name: 'validate p99 while logins saturate',
      value: l.loaded.latency.p99,
      unit: 'ms',
      target: { op: '<=', value: TARGET_VALIDATE_P99_MS },
    },
    { name: 'validate p99.9 while logins saturate', value: l.loaded.latency.p999, unit: 'ms' },
    ...cpuFigures('logins + validate', l.loadedCpu),
  );
  result.latency.push({ server: 'hub-uws validate (quiet)', summary: l.quiet.latency });
  result.latency.push({ server: 'hub-uws validate (logins)', summary: l.loaded.latency });
  notes(result, rig, s);
  const loads = [l.logins, l.loaded, l.quiet, ...s.rounds.map((r) => r.logins)];
  const errors = sumCounters(loads.map((load) => load.counters)).errors;
  if (Object.keys(errors).length > 0) result.notes.push(`errors: ${JSON.stringify(errors)}`);
}

function notes(result: ScenarioResult, rig: Rig, s: RoundSummary): void {
  const size = rig.context.sizes.logins;
  const user = rig.users[0]!;
  const params = hashParams(hashFromUsersFile(user.usersFile, user.username));
  const perRound = s.rounds
    .map((r) => `${round(r.rawPerSec, 1)} vs ${round(r.logins.ratePerSec, 1)}`)
    .join('; ');
  result.notes.push(
    `argon2id ${params} (users made with \`session-hub user add\`); ${rig.hashers} hashes in ` +
      `flight on both sides (hub limits.maxConcurrentHashes = raw lanes = CPUs); ` +
      `${s.rounds.length} alternating round(s) of ${size.warmupMs} ms warm-up + ` +
      `${size.roundMs} ms measured, raw then hub; rates and ratio are medians over rounds ` +
      `(raw vs hub per round: ${perRound}).`,
    `Logins spread over ${rig.users.length} users, one connection each with ` +
      `${loginDepth(rig.context)} logins in flight, below the per-username gate of ` +
      `${GATE_LIMIT}: the gate never queues. Validate is paced at ${size.validateRate}/s over ` +
      `32 connections with ${size.warmupMs} ms warm-up; its p99 counts from the actual send.`,
  );
}
