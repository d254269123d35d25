/** Builds the Redis session store and event bus for cluster mode. */
import type { Logger } from 'pino';
import type { HubConfig } from '../config/config-types.ts';
import type { StartHubOptions } from '../start-hub.ts';

export async function buildClusterParts(config: HubConfig, log: Logger): Promise<StartHubOptions> {
  void config;
  void log;
  throw new Error('cluster mode is not wired yet');
}
