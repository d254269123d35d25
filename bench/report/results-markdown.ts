/** bench/RESULTS.md: the machine, the command, and each figure beside its target. */
import type { Figure, ScenarioResult } from '../scenarios/scenario-types.ts';
import { meets } from '../scenarios/scenario-types.ts';
import type { ProfileSummary } from './profile-summary.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  date: string;
}

function targetText(figure: Figure): string {
  if (!figure.target) return '';
  return `${figure.target.op === '>=' ? '≥' : '≤'} ${figure.target.value}`;
}

function verdict(figure: Figure): string {
  const ok = meets(figure);
  return ok === null ? '' : ok ? 'pass' : '**miss**';
}

function figureTable(figures: Figure[]): string[] {
  const rows = ['| figure | value | target | result |', '| --- | ---: | --- | --- |'];
  for (const f of figures) {
    const value = `${f.value.toLocaleString('en')} ${f.unit}`;
    const note = f.note ? ` (${f.note})` : '';
    rows.push(`| ${f.name}${note} | ${value} | ${targetText(f)} | ${verdict(f)} |`);
  }
  return rows;
}

function profileLines(profile: ProfileSummary): string[] {
  const lines = [
    `Profile: ${profile.label}: the JavaScript thread was busy in ${profile.busyPercent}% of ` +
      `${profile.samples} samples (work on libuv's thread pool, such as argon2, is not sampled; ` +
      'busy means not idle in the event loop, so a thread that had work but waited for a CPU ' +
      'counts as busy); top self time as a share of the busy samples:',
    '',
    '| self % | function | where |',
    '| ---: | --- | --- |',
  ];
  for (const entry of profile.top)
    lines.push(`| ${entry.selfPercent} | \`${entry.name}\` | ${entry.where} |`);
  return [...lines, ''];
}

function scenarioLines(result: ScenarioResult): string[] {
  const lines = [`## ${result.title}`, ''];
  if (result.status === 'skipped') lines.push(`Skipped: ${result.notes.join(' ')}`, '');
  else {
    lines.push(...figureTable(result.figures), '');
    for (const note of result.notes) lines.push(`- ${note}`);
    if (result.notes.length > 0) lines.push('');
    for (const profile of result.profiles) lines.push(...profileLines(profile));
  }
  return lines;
}

export function renderResults(
  results: ScenarioResult[],
  machine: Machine,
  command: string,
  chartFile: string,
  extra: string[],
): string {
  const lines = [
    '# session-hub benchmark results',
    '',
    `Command: \`${command}\``,
    '',
    `Machine: ${machine.cpus} CPUs (\`nproc\`), ${machine.cpuModel}, Node ${machine.node}; ` +
      `run ${machine.date}. The load generator runs on the same machine as the server, so ` +
      'every comparison below is a ratio or percentile measured side by side in this one run.',
    '',
    `![latency percentiles and memory per connection](${chartFile})`,
    '',
    ...extra,
    ...results.flatMap(scenarioLines),
  ];
  return lines.join('\n');
}
