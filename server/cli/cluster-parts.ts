/** Builds the Redis session store and event bus for cluster mode (`sessions.redisUrl`). */
import type { Logger } from 'pino';
import type { HubConfig } from '../config/config-types.ts';
import { openRedisCluster } from '../sessions/redis-cluster.ts';
import type { StartHubOptions } from '../start-hub.ts';

export async function buildClusterParts(config: HubConfig, log: Logger): Promise<StartHubOptions> {
  const { idleTimeoutMs, maxAgeMs, redisUrl, redisPrefix } = config.sessions;
  return openRedisCluster({
    url: redisUrl!,
    prefix: redisPrefix,
    expiry: { idleTimeoutMs, maxAgeMs },
    logger: log.child({ store: 'redis' }),
  });
}
