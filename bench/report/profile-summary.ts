/** Reads a V8 .cpuprofile and names the functions that take the most self time. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface ProfileEntry {
  name: string;
  where: string;
  /** Share of the samples when the thread was busy (idle samples left out), percent. */
  selfPercent: number;
}

export interface ProfileSummary {
  label: string;
  file: string;
  samples: number;
  /** Share of samples when the JavaScript thread was busy, percent. */
  busyPercent: number;
  top: ProfileEntry[];
}

function where(url: string, line: number, root: string): string {
  if (url === '') return '';
  const path = url.startsWith('file:') ? relative(root, fileURLToPath(url)) : url;
  return `${path}:${line + 1}`;
}

export function summarizeProfile(
  file: string,
  label: string,
  root: string,
  count = 12,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
  const totals = new Map<string, ProfileEntry & { hits: number }>();
  let samples = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    samples += hits;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += hits;
      continue;
    }
    const at = where(node.callFrame.url, node.callFrame.lineNumber, root);
    const key = `${name} ${at}`;
    const entry = totals.get(key) ?? { name, where: at, selfPercent: 0, hits: 0 };
    entry.hits += hits;
    totals.set(key, entry);
  }
  const top = [...totals.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, count)
    .map(({ name, where: at, hits }) => ({
      name,
      where: at,
      selfPercent: Math.round((hits / Math.max(1, samples - idle)) * 1000) / 10,
    }));
  const busyPercent = Math.round(((samples - idle) / Math.max(1, samples)) * 1000) / 10;
  return { label, file, samples, busyPercent, top };
}
