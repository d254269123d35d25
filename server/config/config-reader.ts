/**
 * Typed reads from untrusted configuration objects. Every failure is a ConfigError that names
 * the key by its full path and says what is expected: never a silent default.
 */
import { ConfigError } from '../errors.ts';

export type Json = Record<string, unknown>;

export class ConfigReader {
  readonly #data: Json;
  readonly #path: string;

  constructor(data: unknown, path: string) {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new ConfigError(`${path || 'the configuration'}: expected a JSON object`);
    }
    this.#data = data as Json;
    this.#path = path;
  }

  #name(key: string): string {
    return this.#path ? `${this.#path}.${key}` : key;
  }

  /** Rejects keys this object does not define. */
  allowOnly(keys: readonly string[]): void {
    for (const key of Object.keys(this.#data)) {
      if (!keys.includes(key)) {
        throw new ConfigError(`unknown key "${this.#name(key)}" (known: ${keys.join(', ')})`);
      }
    }
  }

  has(key: string): boolean {
    return this.#data[key] !== undefined;
  }

  raw(key: string): unknown {
    return this.#data[key];
  }

  string(key: string, fallback: string): string {
    const value = this.#data[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value === '') {
      throw new ConfigError(`"${this.#name(key)}" must be a non-empty string`);
    }
    return value;
  }

  optionalString(key: string): string | null {
    const value = this.#data[key];
    if (value === undefined || value === null) return null;
    return this.string(key, '');
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.#data[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean')
      throw new ConfigError(`"${this.#name(key)}" must be true or false`);
    return value;
  }

  integer(key: string, fallback: number, min: number, max: number): number {
    const value = this.#data[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`"${this.#name(key)}" must be a whole number from ${min} to ${max}`);
    }
    return value;
  }

  oneOf<T extends string>(key: string, fallback: T, choices: readonly T[]): T {
    const value = this.#data[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !choices.includes(value as T)) {
      throw new ConfigError(`"${this.#name(key)}" must be one of: ${choices.join(', ')}`);
    }
    return value as T;
  }

  stringList(key: string, fallback: string[]): string[] {
    const value = this.#data[key];
    if (value === undefined) return fallback;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
      throw new ConfigError(`"${this.#name(key)}" must be an array of non-empty strings`);
    }
    return value as string[];
  }

  child(key: string): ConfigReader {
    return new ConfigReader(this.#data[key] ?? {}, this.#name(key));
  }

  children(key: string): ConfigReader[] {
    const value = this.#data[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new ConfigError(`"${this.#name(key)}" must be an array`);
    return value.map((item, index) => new ConfigReader(item, `${this.#name(key)}[${index}]`));
  }
}
