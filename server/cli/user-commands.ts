/** `session-hub user add|remove|passwd|list`: offline edits of the users file. */
import { randomBytes } from 'node:crypto';
import { PasswordHasher } from '../auth/local/password-hasher.ts';
import {
  readUsers,
  UsersFileError,
  withUsersLock,
  writeUsers,
  type UserTable,
} from '../auth/local/users-file.ts';
import { FIELD_LIMITS } from '../../protocol/index.ts';
import { promptHidden, readPasswordFromStdin } from './prompt.ts';
import { CliError } from './cli-error.ts';

const hasher = new PasswordHasher({ maxConcurrent: 1, maxQueued: 10 });

export interface PasswordSource {
  passwordStdin?: boolean;
}

/** A generated password: 144 bits, base64url (24 characters). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

async function readTable(path: string, createIfMissing: boolean): Promise<UserTable> {
  try {
    return await readUsers(path);
  } catch (error) {
    if (error instanceof UsersFileError && error.code === 'USERS_FILE_MISSING' && createIfMissing) {
      return new Map();
    }
    throw error;
  }
}

function checkName(name: string): void {
  const allowed = /^[\p{L}\p{N}][\p{L}\p{N}._@-]*$/u;
  // NFKC form only: "ａｄｍｉｎ" (fullwidth) must not stand beside "admin".
  // Shortcoming: letters of other scripts that look alike (Cyrillic "а") are still accepted.
  const canonical = name === name.normalize('NFKC');
  if (!allowed.test(name) || !canonical || Buffer.byteLength(name) > FIELD_LIMITS.username) {
    const limit = `at most ${FIELD_LIMITS.username} bytes`;
    const rule = `a letter or digit, then letters, digits and . _ @ -, ${limit}`;
    throw new CliError(`invalid username "${name}": use ${rule}`);
  }
}

async function askPassword(source: PasswordSource): Promise<string> {
  const noTerminal = 'no terminal to ask for the password on; pass it with --password-stdin';
  const password = source.passwordStdin
    ? await readPasswordFromStdin()
    : await promptHidden('Password: ', noTerminal).then(async (first) => {
        const second = await promptHidden('Repeat password: ', noTerminal);
        if (first !== second) throw new CliError('the passwords differ');
        return first;
      });
  if (password.length === 0) throw new CliError('the password is empty');
  if (Buffer.byteLength(password) > FIELD_LIMITS.password) {
    throw new CliError(`the password is longer than ${FIELD_LIMITS.password} bytes`);
  }
  return password;
}

export async function addUser(
  path: string,
  name: string,
  options: PasswordSource & { readWrite?: boolean },
): Promise<string> {
  checkName(name);
  const exists = () => new CliError(`user "${name}" already exists; use "user passwd"`);
  if ((await readTable(path, true)).has(name)) throw exists();
  const hash = await hasher.hash(await askPassword(options));
  await withUsersLock(path, async () => {
    const users = await readTable(path, true); // again: another command may have added it
    if (users.has(name)) throw exists();
    users.set(name, { hash, readWrite: options.readWrite === true });
    await writeUsers(path, users);
  });
  return `added ${options.readWrite ? 'read-write' : 'read-only'} user "${name}" to ${path}`;
}

export async function removeUser(path: string, name: string): Promise<string> {
  await withUsersLock(path, async () => {
    const users = await readTable(path, false);
    if (!users.delete(name)) throw new CliError(`no user "${name}" in ${path}`);
    await writeUsers(path, users);
  });
  return `removed user "${name}" from ${path}`;
}

export async function changePassword(
  path: string,
  name: string,
  options: PasswordSource,
): Promise<string> {
  const missing = () => new CliError(`no user "${name}" in ${path}`);
  if (!(await readTable(path, false)).has(name)) throw missing();
  const hash = await hasher.hash(await askPassword(options));
  await withUsersLock(path, async () => {
    const users = await readTable(path, false);
    const entry = users.get(name);
    if (!entry) throw missing();
    users.set(name, { ...entry, hash });
    await writeUsers(path, users);
  });
  return `changed the password of "${name}"`;
}

export async function listUsers(path: string, json: boolean): Promise<string> {
  const users = await readTable(path, false);
  const rows = [...users].map(([name, entry]) => ({ username: name, readWrite: entry.readWrite }));
  if (json) return JSON.stringify(rows);
  if (rows.length === 0) return '(no users)';
  const width = Math.max(8, ...rows.map((r) => r.username.length));
  const lines = rows.map(
    (r) => `${r.username.padEnd(width)}  ${r.readWrite ? 'read-write' : 'read-only'}`,
  );
  return [`${'USERNAME'.padEnd(width)}  PRIVILEGE`, ...lines].join('\n');
}

/**
 * First start with no users file: creates one with a read-write `admin` and returns the
 * generated password so the caller can print it once.
 */
export async function createInitialUsers(path: string): Promise<string | null> {
  try {
    await readUsers(path);
    return null;
  } catch (error) {
    if (!(error instanceof UsersFileError) || error.code !== 'USERS_FILE_MISSING') throw error;
  }
  const password = generatePassword();
  await writeUsers(
    path,
    new Map([['admin', { hash: await hasher.hash(password), readWrite: true }]]),
  );
  return password;
}
