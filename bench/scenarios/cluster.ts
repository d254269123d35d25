/**
 * Scenario 5 (cluster): CLUSTER HOOK. Runs only when the hub accepts `sessions.redisUrl`:
 * validate throughput with the Redis store against the memory store, and the latency of an
 * event raised on one hub process reaching subscribers on another. Until the hub starts with
 * a Redis URL the scenario reports itself skipped with the hub's own words.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { createCookies } from '../load/hub-sessions.ts';
import { runLoad, startLoad } from '../load/run-load.ts';
import { startHub } from '../servers/hub-process.ts';
import type { ServerProcess } from '../servers/server-process.ts';
import { collectArrivals, phaseFrom } from './fanout-phase.ts';
import { driverSpec, subscribersSpec } from './push-fanout.ts';
import { emptyResult } from './scenario-types.ts';
import type { BenchContext, ScenarioResult } from './scenario-types.ts';
import { benchUserFor, serverNames, startServer } from './server-set.ts';
import type { StartedServer } from './server-set.ts';
import { measureValidate, round } from './validate-throughput.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function startClusterHub(
  context: BenchContext,
  prefix: string,
  label: string,
): Promise<StartedServer> {
  const user = benchUserFor(context);
  const process: ServerProcess = await startHub({
    root: context.root,
    workDir: context.workDir,
    label,
    transport: 'uws',
    usersFile: user.usersFile,
    overrides: { sessions: { redisUrl: REDIS_URL, redisPrefix: prefix } },
  });
  return {
    name: 'hub-uws',
    process,
    cookies: await createCookies(process.url, user, context.sizes.sessions),
  };
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function crossProcessLatency(context: BenchContext, a: StartedServer, b: StartedServer) {
  const size = context.sizes.cluster;
  const subsSpec = subscribersSpec(context, b);
  subsSpec.connections = size.subscribers;
  subsSpec.cookies = a.cookies; // sessions live in Redis: a cookie from A binds on B
  const subs = startLoad(subsSpec);
  const ready = await Promise.race([subs.ready, subs.done.then(() => null)]);
  if (!ready || ready.ready === 0) throw new Error('cluster: no subscriber is ready on hub B');
  subs.go();
  const pool = Math.ceil((size.rate * size.durationMs) / 1000);
  const behaviour = {
    kind: 'session-cycle' as const,
    ratePerSec: size.rate,
    window: 0,
    durationMs: size.durationMs,
  };
  const driver = await runLoad(driverSpec(context, a, pool, behaviour));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  subs.release();
  return phaseFrom(driver, collectArrivals(await subs.done), ready.ready);
}

export async function runCluster(context: BenchContext): Promise<ScenarioResult> {
  const result = emptyResult('cluster', '5. Cluster (Redis store)');
  if (!serverNames(context).includes('hub-uws')) {
    result.status = 'skipped';
    result.notes.push('the hub CLI (bin/session-hub.mjs) is not there yet');
    return result;
  }
  const prefix = `bench-${process.pid}-${Date.now()}:`;
  let a: StartedServer | null = null;
  let b: StartedServer | null = null;
  try {
    try {
      a = await startClusterHub(context, prefix, 'cluster-a');
    } catch (error) {
      result.status = 'skipped';
      result.notes.push(`the hub did not start with sessions.redisUrl: ${hubWords(error)}`);
      return result;
    }
    b = await startClusterHub(context, prefix, 'cluster-b');
    await measure(context, result, a, b);
  } finally {
    await Promise.all([a?.process.stop(), b?.process.stop()]);
    await deleteKeys(prefix).catch((error) => result.notes.push(`redis cleanup failed: ${error}`));
  }
  return result;
}

async function measure(
  context: BenchContext,
  result: ScenarioResult,
  a: StartedServer,
  b: StartedServer,
) {
  const memory = await startServer(context, 'hub-uws');
  let memoryRate = 0;
  try {
    memoryRate = (await measureValidate(context, memory)).load.ratePerSec;
  } finally {
    await memory.process.stop();
  }
  const redisRun = await measureValidate(context, a);
  const events = await crossProcessLatency(context, a, b);
  result.figures.push(
    { name: 'validations/s, memory store', value: Math.round(memoryRate), unit: '/s' },
    { name: 'validations/s, Redis store', value: Math.round(redisRun.load.ratePerSec), unit: '/s' },
    {
      name: 'Redis / memory validation rate',
      value: round(redisRun.load.ratePerSec / memoryRate, 3),
      unit: 'ratio',
    },
    {
      name: 'cross-process event p50 (start on A → last subscriber on B)',
      value: events.latency.p50,
      unit: 'ms',
    },
    { name: 'cross-process event p99', value: events.latency.p99, unit: 'ms' },
  );
  result.latency.push({ server: 'hub-uws Redis validate', summary: redisRun.load.latency });
  if (events.missing > 0)
    result.notes.push(`${events.missing} sessions did not reach every subscriber on B`);
}

/** The last lines of the hub's log name the reason it refused the configuration. */
function hubWords(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const log = /see (\S+)$/.exec(message)?.[1];
  if (!log) return message;
  try {
    const lines = readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' ');
    return `${message}: ${lines.slice(0, 300)}`;
  } catch {
    return message;
  }
}
