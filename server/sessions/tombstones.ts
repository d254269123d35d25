/** A set of ids that forgets each one after a fixed time, pruned as it is used (no timer). */
export class Tombstones {
  readonly #ttlMs: number;
  // Insertion order is expiry order, because every entry lives the same time.
  readonly #expiresAt = new Map<string, number>();

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  add(id: string): void {
    const now = Date.now();
    this.#prune(now);
    this.#expiresAt.delete(id);
    this.#expiresAt.set(id, now + this.#ttlMs);
  }

  has(id: string): boolean {
    const expiresAt = this.#expiresAt.get(id);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  #prune(now: number): void {
    for (const [id, expiresAt] of this.#expiresAt) {
      if (expiresAt > now) return;
      this.#expiresAt.delete(id);
    }
  }
}
