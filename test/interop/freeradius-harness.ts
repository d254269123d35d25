/**
 * Starts a real FreeRADIUS (Debian's `freeradius`, 3.2.x) for the interop suite, from a copy
 * of /etc/freeradius/3.0 in a temporary folder: never the system's configuration. The copy
 * keeps the stock modules except `eap`, drops every stock site (they listen on 1812/1813 on
 * all addresses and on 127.0.0.1:18120), and gets one client (127.0.0.1), a users file and
 * two virtual servers on loopback ports picked at run time:
 * - `signed` adds a Message-Authenticator to every reply, accept and reject, which 3.2.1 only
 *   does when told (it predates the Blast-RADIUS fixes);
 * - `legacy` answers like a stock 3.2.1 server: no Message-Authenticator.
 * This harness installs nothing: CI installs the package (`.ci/run`).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import {
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import radius from 'radius';

const SYSTEM_CONFIG = '/etc/freeradius/3.0';
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export interface FreeRadiusUser {
  name: string;
  /** Omit for a user that is always rejected. */
  password?: string;
  /** Reply items, e.g. `Service-Type = Administrative-User`. */
  reply?: string[];
}

export interface FreeRadiusOptions {
  users: FreeRadiusUser[];
  /** Stock FreeRADIUS delays every reject by 1 s. @default 1 */
  rejectDelaySeconds?: number;
}

export interface SitePorts {
  authPort: number;
  acctPort: number;
}

export interface RunningFreeRadius {
  secret: string;
  signed: SitePorts;
  legacy: SitePorts;
  /** Everything the server printed (`-X`: includes cleartext passwords, tests only). */
  output(): string;
  /** The accounting detail files' content, concatenated. */
  detail(): string;
  stop(): Promise<void>;
}

/**
 * Users of the interop suites: Service-Type read-write and read-only replies, Cisco privilege
 * levels for a vendor-specific rule, and one user always rejected.
 */
export const INTEROP_USERS: FreeRadiusUser[] = [
  { name: 'admin', password: 'admin-pw', reply: ['Service-Type = Administrative-User'] },
  { name: 'reader', password: 'reader-pw', reply: ['Service-Type = Login-User'] },
  { name: 'prompt', password: 'prompt-pw', reply: ['Service-Type = NAS-Prompt-User'] },
  { name: 'netop', password: 'netop-pw', reply: ['Cisco-AVPair = "shell:priv-lvl=15"'] },
  { name: 'viewer', password: 'viewer-pw', reply: ['Cisco-AVPair = "shell:priv-lvl=1"'] },
  { name: 'mallory' },
];

/** The FreeRADIUS daemon's path, or null when the package is not installed. */
export function findFreeRadius(): string | null {
  const dirs = ['/usr/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(':')];
  for (const dir of dirs) {
    const candidate = join(dir, 'freeradius');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return null;
}

export async function startFreeRadius(options: FreeRadiusOptions): Promise<RunningFreeRadius> {
  const binary = findFreeRadius();
  if (binary === null) throw new Error('freeradius is not installed');
  const [signedAuth, signedAcct, legacyAuth, legacyAcct] = await freeUdpPorts(4);
  const signed = { authPort: signedAuth!, acctPort: signedAcct! };
  const legacy = { authPort: legacyAuth!, acctPort: legacyAcct! };
  const secret = randomBytes(12).toString('hex');
  const dir = writeConfig({ ...options, secret, signed, legacy });
  const child = spawn(binary, ['-X', '-d', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = () =>
    stopProcess(child).finally(() => rmSync(dir, { recursive: true, force: true }));
  try {
    await waitUntilReady(child, signed.authPort, secret);
  } catch (error) {
    await stop();
    throw new Error(`FreeRADIUS did not start: ${(error as Error).message}\n${output}`);
  }
  return {
    secret,
    signed,
    legacy,
    output: () => output,
    detail: () => readDetail(join(dir, 'log', 'radacct')),
    stop,
  };
}

interface ConfigInput extends FreeRadiusOptions {
  secret: string;
  signed: SitePorts;
  legacy: SitePorts;
}

function writeConfig(input: ConfigInput): string {
  const dir = mkdtempSync(join(tmpdir(), 'session-hub-freeradius-'));
  cpSync(SYSTEM_CONFIG, dir, { recursive: true, verbatimSymlinks: true });
  for (const site of readdirSync(join(dir, 'sites-enabled'))) {
    rmSync(join(dir, 'sites-enabled', site));
  }
  rmSync(join(dir, 'mods-enabled', 'eap'), { force: true });
  mkdirSync(join(dir, 'log', 'radacct'), { recursive: true });
  mkdirSync(join(dir, 'run'), { recursive: true });
  const asRoot = process.getuid?.() === 0;
  writeFileSync(join(dir, 'radiusd.conf'), radiusdConf(dir, input, asRoot));
  writeFileSync(join(dir, 'clients.conf'), clientsConf(input.secret));
  writeFileSync(join(dir, 'mods-config', 'files', 'authorize'), usersFile(input.users));
  writeFileSync(join(dir, 'sites-enabled', 'hub-signed'), site('hub-signed', input.signed, true));
  writeFileSync(join(dir, 'sites-enabled', 'hub-legacy'), site('hub-legacy', input.legacy, false));
  if (asRoot) chownTree(dir);
  return dir;
}

/** `-d` moves the configuration but not logdir or run_dir: rewrite them. */
function radiusdConf(dir: string, input: ConfigInput, asRoot: boolean): string {
  let text = readFileSync(join(dir, 'radiusd.conf'), 'utf8')
    .replace(/^raddbdir = .*$/m, `raddbdir = ${dir}`)
    .replace(/^logdir = .*$/m, `logdir = ${dir}/log`)
    .replace(/^run_dir = .*$/m, `run_dir = ${dir}/run`)
    .replace(/^proxy_requests\s*=.*$/m, 'proxy_requests = no')
    .replace(/^(\s*)reject_delay = .*$/m, `$1reject_delay = ${input.rejectDelaySeconds ?? 1}`);
  // As root it drops to the freerad user (which then owns the folder); otherwise it cannot.
  if (!asRoot || freeradIds() === null) text = text.replace(/^\s*(user|group) = .*$/gm, '');
  return text;
}

function clientsConf(secret: string): string {
  return `client hub {\n\tipaddr = 127.0.0.1\n\tsecret = "${secret}"\n}\n`;
}

function usersFile(users: FreeRadiusUser[]): string {
  return users
    .map((user) => {
      const check =
        user.password === undefined
          ? 'Auth-Type := Reject'
          : `Cleartext-Password := "${user.password}"`;
      const reply = (user.reply ?? []).join(',\n\t');
      return `${user.name} ${check}${reply === '' ? '' : `\n\t${reply}`}\n`;
    })
    .join('\n');
}

function site(name: string, ports: SitePorts, signReplies: boolean): string {
  // FreeRADIUS 3.2.1 computes the Message-Authenticator when the reply holds one.
  const sign = signReplies ? 'update reply {\n\t\t\t&Message-Authenticator := 0x00\n\t\t}' : '';
  return `server ${name} {
\tlisten {\n\t\ttype = auth\n\t\tipaddr = 127.0.0.1\n\t\tport = ${ports.authPort}\n\t}
\tlisten {\n\t\ttype = acct\n\t\tipaddr = 127.0.0.1\n\t\tport = ${ports.acctPort}\n\t}
\tauthorize {\n\t\tfiles\n\t\tpap\n\t}
\tauthenticate {\n\t\tAuth-Type PAP {\n\t\t\tpap\n\t\t}\n\t}
\taccounting {\n\t\tdetail\n\t}
\tpost-auth {\n\t\t${sign}\n\t\tPost-Auth-Type REJECT {\n\t\t\t${sign}\n\t\t}\n\t}
}
`;
}

function freeradIds(): { uid: number; gid: number } | null {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('freerad:'));
  const fields = line?.split(':');
  if (fields === undefined || fields.length < 4) return null;
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

function chownTree(dir: string): void {
  const ids = freeradIds();
  if (ids === null) return;
  chownSync(dir, ids.uid, ids.gid);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isSymbolicLink()) chownSync(path, ids.uid, ids.gid);
  }
}

/** Ports bound at once and then released, so that the four differ. */
async function freeUdpPorts(count: number): Promise<number[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    sockets.push(socket);
  }
  const ports = sockets.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

/** Ready when a Status-Server probe gets any answer. */
async function waitUntilReady(child: ChildProcess, port: number, secret: string): Promise<void> {
  const socket = createSocket('udp4');
  let answered = false;
  socket.on('message', () => (answered = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    while (!answered) {
      if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('no answer to Status-Server');
      const probe = radius.encode({ code: 'Status-Server', secret, identifier: 1 });
      socket.send(probe, port, '127.0.0.1');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    socket.close();
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function readDetail(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}
