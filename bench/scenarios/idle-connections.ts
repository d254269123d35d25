/**
 * Scenario 2: connections held open, each bound to a session by a validate; the server's
 * resident memory per connection (after a full GC, minus the same before) and its idle CPU.
 * One process here may hold about 15,000 sockets (a 20,000 open-file hard limit), so the
 * issue's 50,000 is extrapolated on paper from the measured slope.
 */
import { startLoad } from '../load/run-load.ts';
import type { LoadSpec } from '../load/run-load.ts';
import { cpuShare } from '../servers/proc-stats.ts';
import { emptyResult } from './scenario-types.ts';
import type { BenchContext, ScenarioResult } from './scenario-types.ts';
import { serverNames, startServer } from './server-set.ts';
import type { ServerName, StartedServer } from './server-set.ts';
import { round } from './validate-throughput.ts';

const TARGET_KIB = 4;
const PAPER_SCALE = 50_000;

interface IdleMeasure {
  connections: number;
  beforeKiB: number;
  afterKiB: number;
  perConnectionKiB: number;
  idleCores: number;
}

function holdSpec(context: BenchContext, server: StartedServer): LoadSpec {
  const { connections, idleWindowMs } = context.sizes.idle;
  return {
    label: `idle ${server.name}`,
    url: server.process.url,
    connections,
    workers: context.sizes.workers,
    sourceAddresses: context.sizes.sourceAddresses,
    openConcurrency: 100,
    setup: [{ op: 'session.validate', cookie: '$cookie' }],
    cookies: server.cookies,
    behaviour: { kind: 'hold', maxHoldMs: idleWindowMs + 120_000 },
    deadlineMs: idleWindowMs + 240_000,
  };
}

async function measureIdle(context: BenchContext, server: StartedServer): Promise<IdleMeasure> {
  const before = await server.process.gc();
  const run = startLoad(holdSpec(context, server));
  const ready = await Promise.race([run.ready, run.done.then(() => null)]);
  if (!ready || ready.ready === 0) throw new Error(`idle ${server.name}: no connection was bound`);
  run.go();
  const after = await server.process.gc();
  const from = server.process.cpu();
  await new Promise((resolve) => setTimeout(resolve, context.sizes.idle.idleWindowMs));
  const idleCores = cpuShare(from, server.process.cpu());
  run.release();
  const done = await run.done;
  if (done.counters.errors['closed-while-idle'])
    throw new Error(`idle ${server.name}: connections closed`);
  const perConnectionKiB = (after.rssKiB - before.rssKiB) / ready.ready;
  return {
    connections: ready.ready,
    beforeKiB: before.rssKiB,
    afterKiB: after.rssKiB,
    perConnectionKiB,
    idleCores,
  };
}

async function measureServer(context: BenchContext, name: ServerName): Promise<IdleMeasure> {
  const server = await startServer(context, name);
  try {
    return await measureIdle(context, server);
  } finally {
    await server.process.stop();
  }
}

export async function runIdleConnections(context: BenchContext): Promise<ScenarioResult> {
  const result = emptyResult('idle', '2. Idle connections');
  for (const name of serverNames(context)) {
    const m = await measureServer(context, name);
    result.memoryPerConnection.push({ server: name, kib: round(m.perConnectionKiB, 2) });
    result.figures.push({
      name: `${name}: RSS per bound connection (${m.connections} connections)`,
      value: round(m.perConnectionKiB, 2),
      unit: 'KiB',
      target: name === 'hub-uws' ? { op: '<=', value: TARGET_KIB } : undefined,
      note: `RSS ${Math.round(m.beforeKiB / 1024)} → ${Math.round(m.afterKiB / 1024)} MiB after GC`,
    });
    result.figures.push({
      name: `${name}: CPU while idle`,
      value: round(m.idleCores * 100, 2),
      unit: '% of a core',
    });
    const paper = (m.beforeKiB + PAPER_SCALE * m.perConnectionKiB) / 1024;
    result.notes.push(
      `${name}: at ${PAPER_SCALE.toLocaleString('en')} connections, on paper: ` +
        `${Math.round(paper)} MiB RSS ` +
        `(${Math.round(m.beforeKiB / 1024)} MiB base + measured slope).`,
    );
  }
  result.notes.push(
    `Measured with ${context.sizes.idle.connections} connections per process: this machine's ` +
      `open-file hard limit is 20,000 per process, so ${PAPER_SCALE.toLocaleString('en')} ` +
      `connections need a raised limit or several hub processes; the figures above extrapolate.`,
  );
  return result;
}
