/**
 * A real hub for client and browser tests: local accounts in a temporary users file, the
 * dashboard's assets, a free loopback port.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import argon2 from 'argon2';
import { HASH_PARAMS } from '../../server/auth/local/hash-params.ts';
import type { HubConfig } from '../../server/config/config-types.ts';
import { defaultConfig } from '../../server/config/load-config.ts';
import { loadDashboardAssets } from '../../server/http/dashboard-assets.ts';
import { writeUsers, type UserTable } from '../../server/auth/local/users-file.ts';
import { startHub, type RunningHub } from '../../server/start-hub.ts';

export interface FixtureUser {
  name: string;
  password: string;
  readWrite: boolean;
}

export const ADMIN: FixtureUser = { name: 'admin', password: 'admin-pass-1', readWrite: true };
export const OPERATOR: FixtureUser = { name: 'ops', password: 'ops-pass-2', readWrite: true };
export const VIEWER: FixtureUser = { name: 'viewer', password: 'viewer-pass-3', readWrite: false };

export interface HubFixture {
  hub: RunningHub;
  /** The hub's HTTP origin, e.g. http://127.0.0.1:PORT */
  origin: string;
  close(): Promise<void>;
}

async function usersTable(users: readonly FixtureUser[]): Promise<UserTable> {
  const table: UserTable = new Map();
  for (const user of users) {
    table.set(user.name, {
      hash: await argon2.hash(user.password, HASH_PARAMS),
      readWrite: user.readWrite,
    });
  }
  return table;
}

export interface FixtureOptions {
  limits?: Partial<HubConfig['limits']>;
  sessions?: Partial<HubConfig['sessions']>;
}

/** Starts a hub with the three fixture users (and any config overrides). */
export async function startHubFixture(options: FixtureOptions = {}): Promise<HubFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'session-hub-client-'));
  const usersFile = join(dir, 'users.json');
  await writeUsers(usersFile, await usersTable([ADMIN, OPERATOR, VIEWER]));
  const assets = await loadDashboardAssets();
  const defaults = defaultConfig(dir);
  const config: HubConfig = {
    ...defaults,
    host: '127.0.0.1',
    port: 0,
    usersFile,
    log: { level: 'silent' },
    limits: { ...defaults.limits, ...options.limits },
    sessions: { ...defaults.sessions, ...options.sessions },
  };
  const hub = await startHub(config, { assets });
  return {
    hub,
    origin: `http://127.0.0.1:${hub.port}`,
    async close() {
      await hub.close();
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
