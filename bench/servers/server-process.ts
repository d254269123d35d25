/**
 * A server under test in its own child process, so that its CPU and memory are measured alone.
 * The bench preload gives the harness garbage collection and CPU profiles on request.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { readRssKiB, sampleCpu } from './proc-stats.ts';
import type { CpuSample } from './proc-stats.ts';

const PRELOAD = fileURLToPath(new URL('./bench-preload.mjs', import.meta.url));
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

export interface ServerProcessOptions {
  label: string;
  /** Node flags, then the script and its arguments. */
  nodeArgs: string[];
  port: number;
  cwd: string;
  logFile: string;
  env?: Record<string, string>;
}

export interface Argon2RateRequest {
  hash: string;
  password: string;
  lanes: number;
  /** Verifies finishing in the warm-up are not counted. */
  warmupMs: number;
  durationMs: number;
}

export interface Argon2Rate {
  /** Verifies that finished within the measured window. */
  verifies: number;
  windowMs: number;
  /** The server process's CPU time over the window (every thread, argon2's included). */
  cpuSeconds: number;
}

export interface GcSample {
  rssKiB: number;
  heapUsedKiB: number;
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

export class ServerProcess {
  readonly label: string;
  readonly port: number;
  readonly url: string;
  readonly #child: ChildProcess;
  #exited = false;
  #exitCode: number | null = null;

  private constructor(options: ServerProcessOptions, child: ChildProcess) {
    this.label = options.label;
    this.port = options.port;
    this.url = `ws://127.0.0.1:${options.port}/ws`;
    this.#child = child;
    child.once('exit', (code) => ((this.#exited = true), (this.#exitCode = code)));
  }

  /** Spawns the server and resolves once GET /healthz answers 200. */
  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const args = ['--expose-gc', '--import', PRELOAD, ...options.nodeArgs];
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const log = createWriteStream(options.logFile);
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const server = new ServerProcess(options, child);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await healthy(options.port))) {
      if (server.#exited) {
        throw new Error(`${options.label} exited with ${server.#exitCode}; see ${options.logFile}`);
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`${options.label} was not healthy in time; see ${options.logFile}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return server;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  rssKiB(): number {
    return readRssKiB(this.pid);
  }

  cpu(): CpuSample {
    return sampleCpu(this.pid);
  }

  /** Full GC in the server, then its RSS. */
  async gc(): Promise<GcSample> {
    const reply = await this.#command({ cmd: 'gc' });
    const memory = reply.memory as NodeJS.MemoryUsage;
    // Let freed pages settle before reading RSS from /proc.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { rssKiB: this.rssKiB(), heapUsedKiB: Math.round(memory.heapUsed / 1024) };
  }

  async startProfile(): Promise<void> {
    await this.#command({ cmd: 'profile-start' });
  }

  async stopProfile(path: string): Promise<void> {
    await this.#command({ cmd: 'profile-stop', path });
  }

  /** SIGTERM, then SIGKILL if it has not exited in time. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  /** argon2.verify in the server's own process, `lanes` in flight, after a warm-up. */
  async argon2Rate(request: Argon2RateRequest): Promise<Argon2Rate> {
    const reply = await this.#command({ cmd: 'argon2-rate', ...request });
    return {
      verifies: Number(reply.verifies),
      windowMs: Number(reply.windowMs),
      cpuSeconds: Number(reply.cpuSeconds),
    };
  }

  #command(message: { cmd: string } & Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.label}: ${message.cmd} timed out`)),
        30_000,
      );
      const onMessage = (reply: Record<string, unknown>): void => {
        if (reply.reply !== message.cmd) return;
        this.#child.off('message', onMessage);
        clearTimeout(timer);
        if (reply.ok === true) resolve(reply);
        else reject(new Error(`${this.label}: ${message.cmd}: ${String(reply.error)}`));
      };
      this.#child.on('message', onMessage);
      this.#child.send(message);
    });
  }
}
