/**
 * `session-hub serve`: the composition root. Reads the configuration, prepares the users file,
 * starts the hub with a pino logger on standard output, and stops cleanly on SIGINT/SIGTERM.
 */
import pino from 'pino';
import { resolveConfig, type ConfigFlags } from '../config/load-config.ts';
import type { HubConfig } from '../config/config-types.ts';
import { startHub, type StartHubOptions } from '../start-hub.ts';
import { buildClusterParts } from './cluster-parts.ts';
import { loadDashboard } from './dashboard.ts';
import { createInitialUsers } from './user-commands.ts';

export async function serve(configFile: string | undefined, flags: ConfigFlags): Promise<number> {
  const config = resolveConfig({ file: configFile ?? null, flags });
  const log = pino({ level: config.log.level, base: { pid: process.pid } });
  await announceInitialAdmin(config);
  const options: StartHubOptions = { logger: log, assets: await loadDashboard(log) };
  if (config.sessions.redisUrl) Object.assign(options, await buildClusterParts(config, log));
  const hub = await startHub(config, options);
  // Tests and scripts read this line to learn the port when 0 was asked for.
  process.stdout.write(`session-hub listening on ${hub.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await hub.close();
  return 0;
}

async function announceInitialAdmin(config: HubConfig): Promise<void> {
  if (!config.mechanisms.includes('local')) return;
  const password = await createInitialUsers(config.usersFile);
  if (password === null) return;
  // Printed once, never logged: the users file keeps only its hash.
  process.stdout.write(
    [
      '',
      `Created ${config.usersFile} with a read-write user "admin".`,
      `Its password, shown only this once: ${password}`,
      'Change it with: npx session-hub user passwd admin',
      '',
    ].join('\n') + '\n',
  );
}
