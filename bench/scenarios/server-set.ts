/** The servers a scenario compares: the bare uWS baseline and the hub on each transport. */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { createCookies } from '../load/hub-sessions.ts';
import { createBenchUser, hubAvailable, startBareUws, startHub } from '../servers/hub-process.ts';
import type { BenchUser, HubTransport } from '../servers/hub-process.ts';
import type { ServerProcess } from '../servers/server-process.ts';
import type { BenchContext } from './scenario-types.ts';

export type ServerName = 'bare-uws' | 'hub-uws' | 'hub-ws';

export interface StartedServer {
  name: ServerName;
  process: ServerProcess;
  /** Cookies of live sessions (none for the bare server, which accepts any). */
  cookies: string[];
}

let benchUser: BenchUser | null = null;

/** The one bench user of this run, created on first use. */
export function benchUserFor(context: BenchContext): BenchUser {
  if (!benchUser) benchUser = createBenchUser(context.root, context.workDir);
  return benchUser;
}

export function serverNames(context: BenchContext): ServerName[] {
  return hubAvailable(context.root) ? ['bare-uws', 'hub-uws', 'hub-ws'] : ['bare-uws'];
}

const FAKE_COOKIE = 'b'.repeat(43);

export async function startServer(
  context: BenchContext,
  name: ServerName,
  nodeFlags: string[] = [],
): Promise<StartedServer> {
  mkdirSync(context.workDir, { recursive: true });
  if (name === 'bare-uws') {
    const process = await startBareUws(context.root, context.workDir);
    return { name, process, cookies: [FAKE_COOKIE] };
  }
  const user = benchUserFor(context);
  const transport: HubTransport = name === 'hub-uws' ? 'uws' : 'ws';
  const process = await startHub({
    root: context.root,
    workDir: context.workDir,
    label: `${name}-${Date.now()}`,
    transport,
    usersFile: user.usersFile,
    nodeFlags,
  });
  try {
    const cookies = await createCookies(process.url, user, context.sizes.sessions);
    return { name, process, cookies };
  } catch (error) {
    await process.stop();
    throw error;
  }
}

export function profilePath(context: BenchContext, label: string): string {
  return join(context.workDir, `${label}.cpuprofile`);
}
