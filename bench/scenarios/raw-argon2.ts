/** The hash the raw argon2 rate is measured with: the hub's own, from its users file. */
import { readFileSync } from 'node:fs';

/** The argon2id hash of `username` in the users file (the file format is the hub's). */
export function hashFromUsersFile(usersFile: string, username: string): string {
  const file = JSON.parse(readFileSync(usersFile, 'utf8')) as {
    users?: Record<string, { hash?: unknown }>;
  };
  const hash = file.users?.[username]?.hash;
  if (typeof hash !== 'string' || !hash.startsWith('$argon2id$')) {
    throw new Error(`no argon2id hash for ${username} in ${usersFile}`);
  }
  return hash;
}

/** The cost parameters a hash string carries, e.g. `m=19456,t=2,p=1`. */
export function hashParams(hash: string): string {
  const params = hash.split('$')[3] ?? '';
  const entries = new Map(params.split(',').map((pair) => pair.split('=') as [string, string]));
  return ['m', 't', 'p'].map((key) => `${key}=${entries.get(key) ?? '?'}`).join(',');
}
