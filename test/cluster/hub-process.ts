/**
 * A hub as operators run it: `node bin/session-hub.mjs serve --config FILE` in a child
 * process, on a free loopback port (port 0; the hub prints the URL it got).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LISTENING = /session-hub listening on (\S+)/;

export interface HubProcess {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

export async function startHubProcess(
  dir: string,
  name: string,
  config: Record<string, unknown>,
): Promise<HubProcess> {
  const configFile = join(dir, `${name}.json`);
  await writeFile(configFile, JSON.stringify({ ...config, port: 0 }));
  const child = spawn(process.execPath, ['bin/session-hub.mjs', 'serve', '--config', configFile], {
    cwd: ROOT,
    env: { ...process.env, SESSION_HUB_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const url = await waitForUrl(child, () => output, 20_000);
    return { url, output: () => output, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw new Error(`hub ${name} did not start:\n${output}`, { cause: error });
  }
}

function waitForUrl(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no URL within ${timeoutMs} ms`)), timeoutMs);
    const onData = (): void => {
      const url = LISTENING.exec(output())?.[1];
      if (url) finish(null, url);
    };
    const onExit = (code: number | null): void => finish(new Error(`exited with ${code}`));
    function finish(error: Error | null, url?: string): void {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(url!);
    }
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData); // the "listening on" line is on standard error
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL if the hub has not exited within three seconds. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
