/**
 * `npm run bench [-- --quick] [-- --only validate,idle] [-- --out DIR]`: runs the scenarios of
 * issue 5 and writes RESULTS.md and an SVG chart. Exits non-zero when the harness fails, never
 * because a figure misses its target.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderChart } from './report/chart-svg.ts';
import { renderResults } from './report/results-markdown.ts';
import { FULL_SIZES, QUICK_SIZES } from './scenarios/bench-sizes.ts';
import { runCluster } from './scenarios/cluster.ts';
import { runIdleConnections } from './scenarios/idle-connections.ts';
import { runLoginsUnderLoad } from './scenarios/logins-under-load.ts';
import { runPushFanout } from './scenarios/push-fanout.ts';
import type { BenchContext, ScenarioResult } from './scenarios/scenario-types.ts';
import { meets } from './scenarios/scenario-types.ts';
import { serverNames } from './scenarios/server-set.ts';
import { runValidateThroughput } from './scenarios/validate-throughput.ts';

const SCENARIOS: Record<string, (context: BenchContext) => Promise<ScenarioResult>> = {
  validate: runValidateThroughput,
  idle: runIdleConnections,
  fanout: runPushFanout,
  logins: runLoginsUnderLoad,
  cluster: runCluster,
};

const root = fileURLToPath(new URL('..', import.meta.url));
const CHART = 'results-chart.svg';

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const quick = values.quick === true;
  const only = values.only ? values.only.split(',') : Object.keys(SCENARIOS);
  for (const name of only) if (!SCENARIOS[name]) throw new Error(`unknown scenario ${name}`);
  const out =
    values.out ?? (quick ? join(tmpdir(), 'session-hub-bench-quick') : join(root, 'bench'));
  return { quick, only, out };
}

function command(quick: boolean, only: string[]): string {
  const flags = [
    quick ? '--quick' : '',
    only.length < Object.keys(SCENARIOS).length ? `--only ${only}` : '',
  ];
  const rest = flags.filter(Boolean).join(' ');
  return rest ? `npm run bench -- ${rest}` : 'npm run bench';
}

function writeReport(
  results: ScenarioResult[],
  out: string,
  cmd: string,
  context: BenchContext,
): void {
  mkdirSync(out, { recursive: true });
  const machine = {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  };
  const chart = renderChart(
    {
      latency: results.flatMap((r) => r.latency),
      memory: results.flatMap((r) => r.memoryPerConnection),
      memoryTargetKiB: 4,
    },
    `${cmd} · ${machine.cpus} CPUs ${machine.cpuModel} · Node ${machine.node} · ${machine.date}`,
  );
  const extra = context.quick
    ? ['Quick run: sizes are tiny and prove only that the harness works.', '']
    : [];
  writeFileSync(join(out, CHART), chart);
  writeFileSync(join(out, 'RESULTS.md'), renderResults(results, machine, cmd, CHART, extra));
  mkdirSync(join(out, 'results'), { recursive: true });
  writeFileSync(
    join(out, 'results', 'latest.json'),
    JSON.stringify({ machine, results }, null, 2) + '\n',
  );
}

function printSummary(results: ScenarioResult[]): void {
  for (const result of results) {
    process.stdout.write(`${result.title}${result.status === 'skipped' ? ' (skipped)' : ''}\n`);
    for (const f of result.figures) {
      const ok = meets(f);
      const mark = ok === null ? '' : ok ? '  [pass]' : '  [miss]';
      process.stdout.write(`  ${f.name}: ${f.value} ${f.unit}${mark}\n`);
    }
    for (const note of result.notes) process.stdout.write(`  - ${note}\n`);
  }
}

async function main(): Promise<void> {
  const { quick, only, out } = options();
  const workDir = mkdtempSync(join(tmpdir(), 'session-hub-bench-'));
  const context: BenchContext = { quick, sizes: quick ? QUICK_SIZES : FULL_SIZES, root, workDir };
  process.stderr.write(`[bench] servers: ${serverNames(context).join(', ')}; scratch ${workDir}\n`);
  const results: ScenarioResult[] = [];
  for (const name of only) {
    process.stderr.write(`[bench] scenario ${name}\n`);
    results.push(await SCENARIOS[name]!(context));
  }
  const cmd = command(quick, only);
  writeReport(results, out, cmd, context);
  printSummary(results);
  process.stdout.write(`wrote ${join(out, 'RESULTS.md')} and ${join(out, CHART)}\n`);
  if (!quick) return;
  rmSync(workDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `[bench] harness failure: ${error instanceof Error ? error.stack : error}\n`,
    );
    process.exit(1);
  },
);
