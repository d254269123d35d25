/**
 * `session-hub serve`: the composition root. Reads the configuration, prepares the users file,
 * starts the hub with a pino logger on standard output, and stops cleanly on SIGINT/SIGTERM.
 */
import pino, { type Logger } from 'pino';
import { resolveConfig, type ConfigFlags } from '../config/load-config.ts';
import type { HubConfig } from '../config/config-types.ts';
import { startHub, type StartHubOptions } from '../start-hub.ts';
import { buildClusterParts } from './cluster-parts.ts';
import { loadDashboard } from './dashboard.ts';
import { createInitialUsers } from './user-commands.ts';

export async function serve(configFile: string | undefined, flags: ConfigFlags): Promise<number> {
  const config = resolveConfig({ file: configFile ?? null, flags });
  const log = pino({ level: config.log.level, base: { pid: process.pid } });
  // Listening for signals from the start: one during start-up stops the hub once it is up.
  const stopSignal = untilStopSignal(log);
  await announceInitialAdmin(config);
  const options: StartHubOptions = { logger: log, assets: await loadDashboard(log) };
  if (config.sessions.redisUrl) Object.assign(options, await buildClusterParts(config, log));
  const hub = await startHub(config, options);
  // For people and scripts (it tells the port when 0 was asked for). Standard output carries
  // only the JSON log lines, so lines for people go to standard error.
  process.stderr.write(`session-hub listening on ${hub.url}\n`);
  await stopSignal;
  await hub.close();
  return 0;
}

/**
 * Resolves on the first SIGINT or SIGTERM; a second one exits at once. The listeners stay
 * registered (not `once`): a library using signal-exit re-raises a signal that finds no other
 * listener, which would kill the process in the middle of its clean stop.
 */
function untilStopSignal(log: Logger): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting without a clean stop');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal }, 'stopping');
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function announceInitialAdmin(config: HubConfig): Promise<void> {
  if (!config.mechanisms.includes('local')) return;
  const password = await createInitialUsers(config.usersFile);
  if (password === null) return;
  // Printed once, on standard error, never logged: the users file keeps only its hash, and
  // standard output (the JSON log stream) may be collected.
  process.stderr.write(
    [
      '',
      `Created ${config.usersFile} with a read-write user "admin".`,
      `Its password, shown only this once: ${password}`,
      `Change it with: npx session-hub user passwd admin --users ${config.usersFile}`,
      '',
    ].join('\n') + '\n',
  );
}
