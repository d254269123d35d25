/**
 * Scenario 1: sessions validated per second over N pipelining connections, the hub on each
 * transport against the bare uWS server, same generator, side by side in one run.
 */
import { startLoad } from '../load/run-load.ts';
import type { LoadResult, LoadSpec } from '../load/run-load.ts';
import { cpuShare } from '../servers/proc-stats.ts';
import { summarizeProfile } from '../report/profile-summary.ts';
import { emptyResult } from './scenario-types.ts';
import type { BenchContext, ScenarioResult } from './scenario-types.ts';
import { profilePath, serverNames, startServer } from './server-set.ts';
import type { ServerName, StartedServer } from './server-set.ts';

interface Measured {
  load: LoadResult;
  /** Server CPU over the measured window, in cores. */
  cores: number;
}

const TARGET_RATIO = 0.7;

function validateSpec(context: BenchContext, server: StartedServer): LoadSpec {
  const size = context.sizes.validate;
  return {
    label: `validate ${server.name}`,
    url: server.process.url,
    connections: size.connections,
    workers: context.sizes.workers,
    sourceAddresses: context.sizes.sourceAddresses,
    openConcurrency: 64,
    setup: [],
    cookies: server.cookies,
    behaviour: {
      kind: 'closed-loop',
      request: { op: 'session.validate', cookie: server.cookies[0] },
      depth: size.depth,
      warmupMs: size.warmupMs,
      durationMs: size.durationMs,
      maxRequests: 50_000_000,
    },
    deadlineMs: size.warmupMs + size.durationMs + 60_000,
  };
}

/** One measured run; the server's CPU is sampled over the same window as the rate. */
export async function measureValidate(
  context: BenchContext,
  server: StartedServer,
): Promise<Measured> {
  const spec = validateSpec(context, server);
  const run = startLoad(spec);
  await Promise.race([run.ready, run.done]);
  run.go();
  let from = server.process.cpu();
  const sampler = setTimeout(() => (from = server.process.cpu()), context.sizes.validate.warmupMs);
  const load = await run.done;
  clearTimeout(sampler);
  const cores = cpuShare(from, server.process.cpu());
  if (load.counters.completed === 0) throw new Error(`${spec.label}: no request completed`);
  return { load, cores };
}

/** Every server runs at once (idle ones cost nothing) so that rounds can alternate. */
async function measureAll(
  context: BenchContext,
  names: ServerName[],
): Promise<Map<ServerName, Measured[]>> {
  const servers: StartedServer[] = [];
  const byServer = new Map<ServerName, Measured[]>();
  try {
    for (const name of names) servers.push(await startServer(context, name));
    for (let round = 0; round < context.sizes.validate.rounds; round++) {
      // Alternating servers within each round spreads drift on a shared machine over all alike.
      for (const server of servers) {
        const runs = byServer.get(server.name) ?? [];
        runs.push(await measureValidate(context, server));
        byServer.set(server.name, runs);
      }
    }
    return byServer;
  } finally {
    await Promise.all(servers.map((server) => server.process.stop()));
  }
}

function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
}

export async function runValidateThroughput(context: BenchContext): Promise<ScenarioResult> {
  const result = emptyResult('validate', '1. Validate throughput');
  const names = serverNames(context);
  const byServer = await measureAll(context, names);
  const rate = (name: ServerName): number =>
    mean(byServer.get(name)!.map((m) => m.load.ratePerSec));
  const cpuPerRequest = (name: ServerName): number =>
    mean(byServer.get(name)!.map((m) => (m.cores * 1e6) / m.load.ratePerSec));
  for (const name of names) {
    const runs = byServer.get(name)!;
    result.figures.push({
      name: `${name}: validations/s`,
      value: Math.round(rate(name)),
      unit: '/s',
    });
    result.figures.push({
      name: `${name}: server CPU per validation`,
      value: round(cpuPerRequest(name), 2),
      unit: 'µs',
      note: `server busy ${round(mean(runs.map((m) => m.cores)) * 100, 0)}% of a core`,
    });
    const last = runs[runs.length - 1]!;
    result.latency.push({ server: name, summary: last.load.latency });
    const errors = Object.entries(last.load.counters.errors);
    if (errors.length > 0)
      result.notes.push(`${name} errors: ${JSON.stringify(last.load.counters.errors)}`);
  }
  for (const name of names.filter((n) => n !== 'bare-uws')) {
    const ratio = rate(name) / rate('bare-uws');
    result.figures.push({
      name: `${name} / bare-uws validation rate`,
      value: round(ratio, 3),
      unit: 'ratio',
      target: name === 'hub-uws' ? { op: '>=', value: TARGET_RATIO } : undefined,
    });
    result.figures.push({
      name: `${name} / bare-uws server CPU per validation`,
      value: round(cpuPerRequest(name) / cpuPerRequest('bare-uws'), 2),
      unit: 'x',
    });
  }
  const size = context.sizes.validate;
  result.notes.push(
    `${size.connections} connections from ${context.sizes.sourceAddresses} source addresses, ` +
      `${size.depth} requests in flight each, ${size.warmupMs} ms warm-up then ` +
      `${size.durationMs} ms measured, ${size.rounds} round(s) per server; latency is at ` +
      'saturation (queueing included).',
  );
  const hubRatio = names.includes('hub-uws') ? rate('hub-uws') / rate('bare-uws') : 1;
  if (hubRatio < TARGET_RATIO || context.quick) await profileHub(context, result);
  return result;
}

/** A CPU profile of the hub under the same load, to say where the time goes. */
async function profileHub(context: BenchContext, result: ScenarioResult): Promise<void> {
  if (!serverNames(context).includes('hub-uws')) return;
  const server = await startServer(context, 'hub-uws');
  try {
    await server.process.startProfile();
    await measureValidate(context, server);
    const path = profilePath(context, 'validate-hub-uws');
    await server.process.stopProfile(path);
    result.profiles.push(summarizeProfile(path, 'hub-uws under validate load', context.root));
  } finally {
    await server.process.stop();
  }
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
