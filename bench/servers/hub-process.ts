/**
 * The hub under test, started through its own CLI as a child process, with a users file the
 * bench creates through the CLI too (so the password hashes carry the hub's own parameters).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { ServerProcess } from './server-process.ts';

export interface BenchUser {
  username: string;
  password: string;
  usersFile: string;
}

export type HubTransport = 'uws' | 'ws';

export function hubCliPath(root: string): string {
  return join(root, 'bin', 'session-hub.mjs');
}

export function hubAvailable(root: string): boolean {
  return existsSync(hubCliPath(root));
}

/**
 * A read-write user with a random password, added with `session-hub user add` (so its hash has
 * the hub's own parameters) to `usersFile`, which is created if missing. One CLI run per user:
 * about a second each, so scenarios create few.
 */
export function createBenchUser(
  root: string,
  workDir: string,
  username = 'bench-admin',
  usersFile = join(workDir, 'users.json'),
): BenchUser {
  const password = randomBytes(18).toString('base64url');
  const args = ['user', 'add', username, '--read-write', '--password-stdin', '--users', usersFile];
  execFileSync(process.execPath, [hubCliPath(root), ...args], {
    cwd: root,
    input: password + '\n',
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  return { username, password, usersFile };
}

export interface HubStartOptions {
  root: string;
  workDir: string;
  label: string;
  transport: HubTransport;
  usersFile: string;
  /** Merged over the bench's base config, one level deep. */
  overrides?: Record<string, Record<string, unknown>>;
  /** Extra Node flags for the hub child, e.g. a profiler. */
  nodeFlags?: string[];
}

function hubConfig(options: HubStartOptions): Record<string, unknown> {
  const base: Record<string, Record<string, unknown>> = {
    sessions: {},
    limits: {},
    log: { level: 'warn' },
  };
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    base[key] = { ...base[key], ...value };
  }
  return { host: '127.0.0.1', users: options.usersFile, transport: options.transport, ...base };
}

export async function startHub(options: HubStartOptions): Promise<ServerProcess> {
  const port = await freePort();
  const configFile = join(options.workDir, `${options.label}.config.json`);
  writeFileSync(configFile, JSON.stringify(hubConfig(options), null, 2));
  const cli = hubCliPath(options.root);
  return ServerProcess.start({
    label: options.label,
    nodeArgs: [
      ...(options.nodeFlags ?? []),
      cli,
      'serve',
      '--config',
      configFile,
      '--port',
      `${port}`,
    ],
    port,
    cwd: options.root,
    logFile: join(options.workDir, `${options.label}.log`),
  });
}

export async function startBareUws(root: string, workDir: string): Promise<ServerProcess> {
  const port = await freePort();
  const script = join(root, 'bench', 'servers', 'bare-uws-server.ts');
  return ServerProcess.start({
    label: 'bare-uws',
    nodeArgs: ['--import', 'tsx', script, '--port', `${port}`],
    port,
    cwd: root,
    logFile: join(workDir, `bare-uws-${port}.log`),
  });
}
