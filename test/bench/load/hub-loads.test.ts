import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowUs } from '../../../bench/load/clock.ts';
import { createCookies } from '../../../bench/load/hub-sessions.ts';
import { runLoad, startLoad } from '../../../bench/load/run-load.ts';
import type { LoadSpec } from '../../../bench/load/run-load.ts';
import { arrivalsFrom, phaseOf, startsOf } from '../../../bench/scenarios/fanout-phase.ts';
import { hashFromUsersFile } from '../../../bench/scenarios/raw-argon2.ts';
import { createBenchUser, startHub } from '../../../bench/servers/hub-process.ts';
import type { BenchUser } from '../../../bench/servers/hub-process.ts';
import type { ServerProcess } from '../../../bench/servers/server-process.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const SUBSCRIBERS = 4;
const SESSIONS = 3;

function base(url: string, connections: number): LoadSpec {
  return {
    label: 'test',
    url,
    connections,
    workers: 2,
    sourceAddresses: 2,
    openConcurrency: 4,
    setup: [],
    cookies: [],
    behaviour: { kind: 'hold', maxHoldMs: 0 },
    deadlineMs: 20_000,
  };
}

describe('loads against a hub started through its CLI', () => {
  let workDir: string;
  let user: BenchUser;
  let hub: ServerProcess;
  let cookies: string[];

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'bench-hub-test-'));
    user = createBenchUser(root, workDir, 'bench-test');
    hub = await startHub({
      root,
      workDir,
      label: 'hub-test',
      transport: 'uws',
      usersFile: user.usersFile,
    });
    cookies = await createCookies(hub.url, user, 1);
  });

  afterAll(async () => {
    await hub?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('hands over the subscribers arrivals while they keep listening', async () => {
    const subsSpec = base(hub.url, SUBSCRIBERS);
    subsSpec.cookies = cookies;
    subsSpec.setup = [
      { op: 'session.validate', cookie: '$cookie' },
      { op: 'subscribe', topic: 'sessions' },
    ];
    subsSpec.behaviour = { kind: 'subscribe', maxHoldMs: 15_000 };
    const subs = startLoad(subsSpec);
    const ready = await subs.ready;
    expect(ready.ready).toBe(SUBSCRIBERS);
    expect(subs.threadIds).toHaveLength(2);
    expect(new Set(subs.threadIds).size).toBe(2);
    subs.go();
    const driverSpec = base(hub.url, SESSIONS);
    driverSpec.workers = 1;
    driverSpec.setup = [{ op: 'authenticate', username: user.username, password: user.password }];
    driverSpec.behaviour = { kind: 'session-cycle', ratePerSec: 0, window: 2, durationMs: 10_000 };
    const driver = await runLoad(driverSpec);
    const starts = startsOf(driver);
    expect(starts).toHaveLength(SESSIONS);
    let phase = phaseOf(starts, arrivalsFrom(await subs.snapshot()), SUBSCRIBERS);
    const until = Date.now() + 5_000;
    while (phase.missing > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      phase = phaseOf(starts, arrivalsFrom(await subs.snapshot()), SUBSCRIBERS);
    }
    expect(phase.missing).toBe(0);
    expect(phase.delivered).toBe(SESSIONS * SUBSCRIBERS);
    expect(phase.window[0]).toBeGreaterThanOrEqual(driver.window[0]);
    subs.release();
    const final = await subs.done;
    expect(final.counters.errors).toEqual({});
    expect(final.reports.flatMap((r) => r.arrivals).length).toBeGreaterThanOrEqual(SESSIONS);
  });

  it('sends each connection its own request when the loop has one per connection', async () => {
    const other = createBenchUser(root, workDir, 'bench-other', join(workDir, 'other.json'));
    const requests = [
      { op: 'authenticate', username: user.username, password: user.password },
      { op: 'authenticate', username: other.username, password: other.password },
    ];
    const spec = base(hub.url, 2);
    spec.workers = 1;
    spec.behaviour = {
      kind: 'closed-loop',
      request: requests[0]!,
      perConnection: requests,
      depth: 1,
      warmupMs: 0,
      durationMs: 300,
      maxRequests: 4,
    };
    // The hub knows only the first user: the second connection's logins all fail.
    const result = await runLoad(spec);
    expect(result.counters.completed).toBeGreaterThan(0);
    expect(result.counters.errors.AUTH_FAILED).toBeGreaterThan(0);
  });

  it('measures raw argon2 verifies in the hub process over a window after a warm-up', async () => {
    const before = nowUs();
    const raw = await hub.argon2Rate({
      hash: hashFromUsersFile(user.usersFile, user.username),
      password: user.password,
      lanes: 2,
      warmupMs: 100,
      durationMs: 300,
    });
    expect((nowUs() - before) / 1000).toBeGreaterThanOrEqual(400);
    expect(raw.windowMs).toBe(300);
    expect(raw.verifies).toBeGreaterThan(0);
    expect(raw.cpuSeconds).toBeGreaterThan(0);
  });
});
