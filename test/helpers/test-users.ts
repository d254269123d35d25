/** Users every test hub knows, with their passwords. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import argon2 from 'argon2';
import { HASH_PARAMS } from '../../server/auth/local/hash-params.ts';
import { writeUsers, type UserTable } from '../../server/auth/local/users-file.ts';

export const ADMIN = { username: 'admin', password: 'admin-password-1', readWrite: true };
export const READER = { username: 'reader', password: 'reader-password-1', readWrite: false };

// The production parameters: cheaper ones would make the hub re-hash (and rewrite the file)
// on the first login of each user.
const TEST_HASH = { ...HASH_PARAMS, raw: false } as const;

let cached: Promise<UserTable> | null = null;

export function testUserTable(): Promise<UserTable> {
  cached ??= (async () => {
    const table: UserTable = new Map();
    for (const user of [ADMIN, READER]) {
      table.set(user.username, {
        hash: await argon2.hash(user.password, TEST_HASH),
        readWrite: user.readWrite,
      });
    }
    return table;
  })();
  return cached;
}

/** A fresh temporary folder holding users.json; `remove` deletes it. */
export async function tempUsersDir(): Promise<{
  dir: string;
  usersFile: string;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'session-hub-test-'));
  const usersFile = join(dir, 'users.json');
  await writeUsers(usersFile, await testUserTable());
  return { dir, usersFile, remove: () => rm(dir, { recursive: true, force: true, maxRetries: 5 }) };
}
