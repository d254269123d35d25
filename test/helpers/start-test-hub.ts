/** Starts a real hub on a free loopback port with the test users. */
import type { HubConfig } from '../../server/config/config-types.ts';
import { defaultConfig } from '../../server/config/load-config.ts';
import { startHub, type RunningHub, type StartHubOptions } from '../../server/start-hub.ts';
import { tempUsersDir } from './test-users.ts';

export type ConfigOverrides = Partial<Omit<HubConfig, 'sessions' | 'limits'>> & {
  sessions?: Partial<HubConfig['sessions']>;
  limits?: Partial<HubConfig['limits']>;
};

export interface TestHub extends RunningHub {
  readonly usersFile: string;
  readonly dir: string;
}

export async function startTestHub(
  overrides: ConfigOverrides = {},
  options: StartHubOptions = {},
): Promise<TestHub> {
  const users = await tempUsersDir();
  const base = defaultConfig(users.dir);
  const config: HubConfig = {
    ...base,
    ...overrides,
    port: 0,
    usersFile: overrides.usersFile ?? users.usersFile,
    sessions: { ...base.sessions, ...overrides.sessions },
    limits: { ...base.limits, ...overrides.limits },
  };
  const hub = await startHub(config, options);
  return Object.assign(Object.create(null) as object, hub, {
    usersFile: config.usersFile,
    dir: users.dir,
    async close() {
      await hub.close();
      await users.remove();
    },
  }) as TestHub;
}
