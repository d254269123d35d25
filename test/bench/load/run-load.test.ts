import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../../bench/load/run-load.ts';
import type { LoadSpec } from '../../../bench/load/run-load.ts';
import { startBareUws } from '../../../bench/servers/hub-process.ts';
import type { ServerProcess } from '../../../bench/servers/server-process.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function spec(url: string, overrides: Partial<LoadSpec> = {}): LoadSpec {
  return {
    label: 'test',
    url,
    connections: 6,
    workers: 2,
    sourceAddresses: 3,
    openConcurrency: 6,
    setup: [{ op: 'session.validate', cookie: '$cookie' }],
    cookies: ['c'.repeat(43)],
    behaviour: {
      kind: 'closed-loop',
      request: { op: 'session.validate', cookie: 'c'.repeat(43) },
      depth: 4,
      warmupMs: 100,
      durationMs: 400,
      maxRequests: 1_000_000,
    },
    deadlineMs: 20_000,
    ...overrides,
  };
}

describe('runLoad against the bare uWS server', () => {
  let workDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'bench-test-'));
    server = await startBareUws(root, workDir);
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('opens every connection from loopback sources and records each answer once', async () => {
    const result = await runLoad(spec(server.url));
    expect(result.counters.ready).toBe(6);
    expect(result.counters.errors).toEqual({});
    expect(result.counters.completed).toBeGreaterThan(0);
    expect(result.histogram.totalCount).toBe(result.counters.completed);
    expect(result.latency.p99).toBeGreaterThanOrEqual(result.latency.p50);
  });

  it('sends paced requests at the asked rate and no faster', async () => {
    const behaviour = {
      kind: 'paced' as const,
      request: { op: 'session.validate', cookie: 'x' },
      ratePerSec: 200,
      durationMs: 500,
      maxRequests: 1_000,
    };
    const result = await runLoad(spec(server.url, { behaviour }));
    expect(result.counters.completed).toBeLessThanOrEqual(100);
    expect(result.counters.completed).toBeGreaterThanOrEqual(80);
  });

  it('refuses a target outside loopback before connecting', async () => {
    await expect(runLoad(spec('ws://10.1.2.3:7400/ws'))).rejects.toThrow(/loopback only/);
  });

  it('reports the server RSS after a full collection in the child', async () => {
    const sample = await server.gc();
    expect(sample.rssKiB).toBeGreaterThan(1_000);
    expect(sample.heapUsedKiB).toBeGreaterThan(0);
  });
});
