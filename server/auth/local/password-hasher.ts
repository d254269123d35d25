/**
 * argon2id hashing and verification with bounded concurrency and a bounded queue. The argon2
 * binding already runs off the event loop (libuv's thread pool); the bound keeps logins from
 * starving everything else that uses that pool and memory from growing without limit.
 */
import argon2 from 'argon2';
import { BusyError } from '../../errors.ts';
import { HASH_PARAMS } from './hash-params.ts';

export interface PasswordHasherOptions {
  /** Hashes computed at once. Default: the number of CPUs. */
  maxConcurrent: number;
  /** Hashes waiting for a slot before new ones are refused with BUSY. Default 1000. */
  maxQueued: number;
}

export class PasswordHasher {
  readonly #maxConcurrent: number;
  readonly #maxQueued: number;
  readonly #waiting: Array<() => void> = [];
  #running = 0;
  readonly #rehashVerdicts = new Map<string, boolean>();

  constructor(options: PasswordHasherOptions) {
    this.#maxConcurrent = Math.max(1, options.maxConcurrent);
    this.#maxQueued = Math.max(0, options.maxQueued);
  }

  /** Hashes being computed plus hashes waiting: for health and tests. */
  get pending(): number {
    return this.#running + this.#waiting.length;
  }

  hash(password: string): Promise<string> {
    return this.#run(() => argon2.hash(password, HASH_PARAMS));
  }

  /** Resolves false for a wrong password and for a hash string that does not parse. */
  verify(hash: string, password: string): Promise<boolean> {
    return this.#run(() => argon2.verify(hash, password).catch(() => false));
  }

  /** True when the hash was made with other parameters than the current ones. */
  needsRehash(hash: string): boolean {
    let verdict = this.#rehashVerdicts.get(hash);
    if (verdict === undefined) {
      try {
        verdict = argon2.needsRehash(hash, HASH_PARAMS);
      } catch {
        verdict = true;
      }
      // Parsing a hash string on every login is avoidable work; the memo stays small.
      if (this.#rehashVerdicts.size >= 10_000) this.#rehashVerdicts.clear();
      this.#rehashVerdicts.set(hash, verdict);
    }
    return verdict;
  }

  async #run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#maxConcurrent) {
      if (this.#waiting.length >= this.#maxQueued) throw new BusyError('too many logins queued');
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next)
        next(); // hand the slot over without releasing it
      else this.#running--;
    }
  }
}
