/**
 * The local users file: JSON with argon2id hashes, written atomically (temporary file, fsync,
 * rename) with mode 0600. Format:
 *   { "version": 1, "users": { "alice": { "hash": "$argon2id$...", "readWrite": true } } }
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface UserEntry {
  hash: string;
  readWrite: boolean;
}

export type UserTable = Map<string, UserEntry>;

/** The file is missing, unreadable, or not in the expected format. */
export class UsersFileError extends Error {
  readonly code: 'USERS_FILE_INVALID' | 'USERS_FILE_MISSING' | 'USERS_FILE_LOCKED';
  constructor(code: UsersFileError['code'], message: string) {
    super(message);
    this.name = 'UsersFileError';
    this.code = code;
  }
}

function parseEntry(path: string, name: string, value: unknown): UserEntry {
  const entry = value as Partial<UserEntry> | null;
  if (typeof entry !== 'object' || entry === null) {
    throw new UsersFileError('USERS_FILE_INVALID', `${path}: user "${name}" must be an object`);
  }
  if (typeof entry.hash !== 'string' || !entry.hash.startsWith('$argon2')) {
    const why = `user "${name}" needs "hash", an argon2 hash string`;
    throw new UsersFileError('USERS_FILE_INVALID', `${path}: ${why}`);
  }
  if (typeof entry.readWrite !== 'boolean') {
    const why = `user "${name}" needs "readWrite", true or false`;
    throw new UsersFileError('USERS_FILE_INVALID', `${path}: ${why}`);
  }
  return { hash: entry.hash, readWrite: entry.readWrite };
}

/** Parses the file's text; names the file and the problem when it is not a users file. */
export function parseUsers(path: string, text: string): UserTable {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsersFileError('USERS_FILE_INVALID', `${path}: not JSON (${String(error)})`);
  }
  const users = (data as { users?: unknown } | null)?.users;
  if (typeof users !== 'object' || users === null || Array.isArray(users)) {
    throw new UsersFileError('USERS_FILE_INVALID', `${path}: expected { "users": { ... } }`);
  }
  const table: UserTable = new Map();
  for (const [name, value] of Object.entries(users)) table.set(name, parseEntry(path, name, value));
  return table;
}

export async function readUsers(path: string): Promise<UserTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UsersFileError('USERS_FILE_MISSING', `${path}: no such users file`);
    }
    throw error;
  }
  return parseUsers(path, text);
}

/** The file's modification time in ms, or null when it does not exist. */
export async function usersFileVersion(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.mtimeMs + info.size / 1e9; // size too: two writes in one mtime tick differ
  } catch {
    return null;
  }
}

function missingFolder(path: string): UsersFileError {
  const why = `${path}: the folder ${dirname(path)} does not exist`;
  return new UsersFileError('USERS_FILE_MISSING', why);
}

/** Where a write lands: the target of a symbolic link, so that the link stays a link. */
async function writeTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path; // not there yet (or a dangling link): the path itself
  }
}

const LOCK_WAIT_MS = 10_000;
const LOCK_STALE_MS = 30_000;

/**
 * Runs a read-modify-write of the users file under a lock file beside it, so that concurrent
 * `session-hub user ...` commands and the hub's re-hashing do not lose each other's updates.
 * A lock older than 30 s is taken to be left by a crashed process and removed.
 */
export async function withUsersLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const lock = `${await writeTarget(path)}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await (await open(lock, 'wx', 0o600)).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw missingFolder(path);
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - ((await stat(lock).catch(() => null))?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) await rm(lock, { force: true });
      else if (Date.now() > deadline) {
        throw new UsersFileError('USERS_FILE_LOCKED', `${path}: locked by ${lock}; retry later`);
      } else await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}

/** Writes the table atomically: readers see the old file or the new one, never a part. */
export async function writeUsers(given: string, table: UserTable): Promise<void> {
  const path = await writeTarget(given);
  const users = Object.fromEntries([...table].sort(([a], [b]) => a.localeCompare(b)));
  const text = JSON.stringify({ version: 1, users }, null, 2) + '\n';
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? missingFolder(path) : error;
  });
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, path);
}
