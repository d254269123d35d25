/**
 * Local accounts from the users file. The file is re-read when it changes on disk, so the
 * offline `session-hub user ...` commands take effect without a restart.
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import pino, { type Logger } from 'pino';
import type { AuthAttempt, AuthMechanism, AuthOutcome } from '../mechanism.ts';
import type { PasswordHasher } from './password-hasher.ts';
import {
  readUsers,
  usersFileVersion,
  withUsersLock,
  writeUsers,
  type UserTable,
} from './users-file.ts';

/** How often logins look for changes to the users file, at most. */
const REFRESH_MS = 500;

export interface LocalMechanismOptions {
  usersFile: string;
  hasher: PasswordHasher;
  logger?: Logger;
}

export class LocalMechanism implements AuthMechanism {
  readonly name = 'local' as const;
  readonly #path: string;
  readonly #hasher: PasswordHasher;
  readonly #log: Logger;
  #users: UserTable = new Map();
  #version: number | null = null;
  #checkedAt = 0;
  #refreshing: Promise<void> | null = null;
  // Unknown usernames are verified against this hash so they cost what a wrong password costs.
  // Shortcoming: a user whose stored hash has older parameters costs something else until
  // re-hashed at their next login, which tells such a username apart by timing.
  #decoyHash: Promise<string>;

  constructor(options: LocalMechanismOptions) {
    this.#path = options.usersFile;
    this.#hasher = options.hasher;
    this.#log = options.logger ?? pino({ level: 'silent' });
    this.#decoyHash = this.#hasher.hash(randomBytes(16).toString('hex'));
  }

  /** Loads the users file; rejects with a UsersFileError naming the problem. */
  async load(): Promise<void> {
    const version = await usersFileVersion(this.#path);
    this.#users = await readUsers(this.#path);
    this.#version = version;
    const mode = (await stat(this.#path)).mode & 0o777;
    if (mode & 0o077) {
      const fix = `chmod 600 ${this.#path}`;
      const fields = { path: this.#path, mode: mode.toString(8), fix };
      this.#log.warn(fields, 'users file is readable by other users');
    }
  }

  /** Checks the file at most every REFRESH_MS; concurrent logins share one check. */
  #refresh(): Promise<void> {
    const now = Date.now();
    if (this.#refreshing === null && now - this.#checkedAt >= REFRESH_MS) {
      this.#checkedAt = now;
      this.#refreshing = this.#reload().finally(() => (this.#refreshing = null));
    }
    return this.#refreshing ?? Promise.resolve();
  }

  async #reload(): Promise<void> {
    const version = await usersFileVersion(this.#path);
    if (version === this.#version) return;
    try {
      this.#users = await readUsers(this.#path);
      this.#version = version;
      this.#log.info({ users: this.#users.size }, 'users file reloaded');
    } catch (error) {
      // Keep serving the last good table rather than locking everyone out.
      this.#log.error({ err: error }, 'users file changed but cannot be read; keeping old users');
      this.#version = version;
    }
  }

  async authenticate(attempt: AuthAttempt): Promise<AuthOutcome> {
    await this.#refresh();
    const entry = this.#users.get(attempt.username);
    const hash = entry?.hash ?? (await this.#decoyHash);
    const matches = await this.#hasher.verify(hash, attempt.password);
    if (!entry || !matches) return { kind: 'reject' };
    if (this.#hasher.needsRehash(entry.hash)) void this.#rehash(attempt.username, attempt.password);
    return { kind: 'accept', username: attempt.username, readWrite: entry.readWrite };
  }

  /** Upgrades a hash made with older parameters, now that the password is known. */
  async #rehash(username: string, password: string): Promise<void> {
    try {
      const hash = await this.#hasher.hash(password);
      const done = await withUsersLock(this.#path, async () => {
        const users = await readUsers(this.#path);
        const entry = users.get(username);
        // Skipped if the password changed meanwhile: the file's hash no longer matches it.
        if (!entry || !(await this.#hasher.verify(entry.hash, password))) return false;
        users.set(username, { ...entry, hash });
        await writeUsers(this.#path, users);
        return true;
      });
      if (!done) return;
      this.#log.info({ username }, 'password re-hashed with current parameters');
    } catch (error) {
      this.#log.warn({ err: error, username }, 're-hash failed; the old hash stays valid');
    }
  }

  async close(): Promise<void> {}
}
