/** The package version, as `hello` and `--version` report it. */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  // From the sources the package file is one folder up; from dist/, two.
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const text = readFileSync(new URL(relative, import.meta.url), 'utf8');
      const json = JSON.parse(text) as { name?: string; version?: string };
      if (json.name === 'session-hub' && json.version) return json.version;
    } catch {
      // not at this level; try the next
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
