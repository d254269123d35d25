/** What a scenario reports: figures with targets, and the series the chart draws. */
import type { LatencySummary } from '../load/latency-histogram.ts';
import type { ProfileSummary } from '../report/profile-summary.ts';
import type { BenchSizes } from './bench-sizes.ts';

export interface Target {
  op: '>=' | '<=';
  value: number;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: Target;
  note?: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  status: 'ran' | 'skipped';
  figures: Figure[];
  notes: string[];
  /** Latency percentiles per server, for the chart. */
  latency: Array<{ server: string; summary: LatencySummary }>;
  /** Resident memory per connection per server, for the chart. */
  memoryPerConnection: Array<{ server: string; kib: number }>;
  profiles: ProfileSummary[];
}

export interface BenchContext {
  quick: boolean;
  sizes: BenchSizes;
  /** The repository root, where `bin/session-hub.mjs` lives. */
  root: string;
  /** Scratch files: configs, users file, server logs, profiles. */
  workDir: string;
}

export function emptyResult(id: string, title: string): ScenarioResult {
  return {
    id,
    title,
    status: 'ran',
    figures: [],
    notes: [],
    latency: [],
    memoryPerConnection: [],
    profiles: [],
  };
}

export function meets(figure: Figure): boolean | null {
  if (!figure.target) return null;
  return figure.target.op === '>='
    ? figure.value >= figure.target.value
    : figure.value <= figure.target.value;
}
