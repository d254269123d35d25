/**
 * Builds the hub's configuration (CONFIG.md): flags override environment variables, which
 * override the JSON file, which overrides the defaults. Paths in the file are relative to it.
 */
import { availableParallelism } from 'node:os';
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { HubConfig } from './config-types.ts';
import { ConfigReader, type Json } from './config-reader.ts';
import { parseRadius } from './parse-radius.ts';

export interface ConfigFlags {
  host?: string;
  port?: string | number;
  users?: string;
  logLevel?: string;
  transport?: string;
}

export interface ConfigSources {
  /** Path of the JSON file, or none. */
  file?: string | null;
  env?: NodeJS.ProcessEnv;
  flags?: ConfigFlags;
  /** Where relative paths resolve when there is no file. Default: the working directory. */
  cwd?: string;
}

const TOP_KEYS = [
  'host',
  'port',
  'users',
  'tls',
  'allowedOrigins',
  'mechanisms',
  'radius',
  'sessions',
  'limits',
  'log',
  'transport',
] as const;
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
const DAY_MS = 86_400_000;

/** The embedded default: in-memory sessions, local users, 127.0.0.1:7400. */
export function defaultConfig(cwd = process.cwd()): HubConfig {
  return parseConfig({}, cwd);
}

export function resolveConfig(sources: ConfigSources = {}): HubConfig {
  const env = sources.env ?? process.env;
  const { data, baseDir } = readFile(sources.file ?? null, sources.cwd ?? process.cwd());
  applyEnv(data, env);
  applyFlags(data, sources.flags ?? {});
  return parseConfig(data, baseDir, env);
}

function readFile(file: string | null, cwd: string): { data: Json; baseDir: string } {
  if (!file) return { data: {}, baseDir: cwd };
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`config file ${path} must hold a JSON object ({ ... })`);
  }
  return { data: data as Json, baseDir: dirname(path) };
}

function section(data: Json, key: string): Json {
  const value = data[key];
  if (value === undefined || value === null) return (data[key] = {}) as Json;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`"${key}" must be a JSON object`);
  }
  return value as Json;
}

function portFrom(value: string | number, source: string): number {
  const port = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${source} must be a port number from 0 to 65535, not "${value}"`);
  }
  return port;
}

function applyEnv(data: Json, env: NodeJS.ProcessEnv): void {
  if (env.SESSION_HUB_HOST) data.host = env.SESSION_HUB_HOST;
  if (env.SESSION_HUB_PORT) data.port = portFrom(env.SESSION_HUB_PORT, 'SESSION_HUB_PORT');
  if (env.SESSION_HUB_USERS) data.users = env.SESSION_HUB_USERS;
  if (env.SESSION_HUB_TRANSPORT) data.transport = env.SESSION_HUB_TRANSPORT;
  if (env.SESSION_HUB_LOG_LEVEL) section(data, 'log').level = env.SESSION_HUB_LOG_LEVEL;
  if (env.REDIS_URL) section(data, 'sessions').redisUrl = env.REDIS_URL;
  if (env.SESSION_HUB_REDIS_PREFIX)
    section(data, 'sessions').redisPrefix = env.SESSION_HUB_REDIS_PREFIX;
}

function applyFlags(data: Json, flags: ConfigFlags): void {
  if (flags.host !== undefined) data.host = flags.host;
  if (flags.port !== undefined) data.port = portFrom(flags.port, '--port');
  if (flags.users !== undefined) data.users = flags.users;
  if (flags.transport !== undefined) data.transport = flags.transport;
  if (flags.logLevel !== undefined) section(data, 'log').level = flags.logLevel;
}

/** Validates a configuration object and fills in the defaults. */
export function parseConfig(
  data: unknown,
  baseDir: string,
  env: NodeJS.ProcessEnv = {},
): HubConfig {
  const root = new ConfigReader(data, '');
  root.allowOnly(TOP_KEYS);
  const mechanisms = root.stringList('mechanisms', ['local']);
  for (const name of mechanisms) {
    if (name !== 'local' && name !== 'radius') {
      throw new ConfigError(`"mechanisms" may hold "local" and "radius", not "${name}"`);
    }
  }
  if (new Set(mechanisms).size !== mechanisms.length || mechanisms.length === 0) {
    throw new ConfigError('"mechanisms" must list each mechanism at most once, and at least one');
  }
  const radius = root.has('radius') ? parseRadius(root.child('radius'), baseDir, env) : null;
  if (mechanisms.includes('radius') && !radius) {
    throw new ConfigError('"mechanisms" includes "radius" but there is no "radius" section');
  }
  return {
    host: root.string('host', '127.0.0.1'),
    port: root.integer('port', 7400, 0, 65535),
    usersFile: resolve(baseDir, root.string('users', './users.json')),
    tls: parseTls(root, baseDir),
    allowedOrigins: parseOrigins(root),
    mechanisms: mechanisms as HubConfig['mechanisms'],
    radius,
    sessions: parseSessions(root.child('sessions')),
    limits: parseLimits(root.child('limits')),
    log: parseLog(root.child('log')),
    transport: root.oneOf('transport', 'uws', ['uws', 'ws'] as const),
  };
}

function parseTls(root: ConfigReader, baseDir: string): HubConfig['tls'] {
  if (!root.has('tls')) return null;
  const tls = root.child('tls');
  tls.allowOnly(['cert', 'key']);
  if (!tls.has('cert') || !tls.has('key'))
    throw new ConfigError('"tls" needs both "cert" and "key"');
  const cert = readableFile('tls.cert', resolve(baseDir, tls.string('cert', '')));
  const key = readableFile('tls.key', resolve(baseDir, tls.string('key', '')));
  return { cert, key };
}

/** Checked at start-up: uWS reports a missing file only as "App construction failed". */
function readableFile(key: string, path: string): string {
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConfigError(`"${key}": cannot read ${path}`);
  }
  return path;
}

function parseOrigins(root: ConfigReader): string[] {
  const origins = root.stringList('allowedOrigins', []);
  for (const origin of origins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(`"allowedOrigins" entry "${origin}" is not a URL origin`);
    }
    if (parsed.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError(
        `"allowedOrigins" entry "${origin}" must be an origin, like ${parsed.origin}`,
      );
    }
  }
  return origins.map((origin) => origin.replace(/\/$/, ''));
}

function parseSessions(sessions: ConfigReader): HubConfig['sessions'] {
  sessions.allowOnly(['idleTimeoutMs', 'maxAgeMs', 'redisUrl', 'redisPrefix']);
  const redisUrl = sessions.optionalString('redisUrl');
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError('"sessions.redisUrl" must start with redis:// or rediss://');
  }
  return {
    idleTimeoutMs: sessions.integer('idleTimeoutMs', 0, 0, 365 * DAY_MS),
    maxAgeMs: sessions.integer('maxAgeMs', 0, 0, 365 * DAY_MS),
    redisUrl,
    redisPrefix: sessions.string('redisPrefix', 'session-hub:'),
  };
}

function parseLimits(limits: ConfigReader): HubConfig['limits'] {
  limits.allowOnly([
    'maxPayloadBytes',
    'maxConnections',
    'maxInFlightPerConnection',
    'maxConcurrentHashes',
    'maxQueuedLogins',
    'loginFailuresBeforeThrottle',
    'throttleWindowMs',
  ]);
  return {
    maxPayloadBytes: limits.integer('maxPayloadBytes', 65_536, 1024, 16 * 1024 * 1024),
    // Below a typical 20,000 open-file limit, so the hub refuses rather than runs out of files.
    maxConnections: limits.integer('maxConnections', 15_000, 1, 10_000_000),
    // PROTOCOL.md promises at least 128 requests in flight.
    maxInFlightPerConnection: limits.integer('maxInFlightPerConnection', 256, 128, 65_536),
    maxConcurrentHashes: limits.integer('maxConcurrentHashes', availableParallelism(), 1, 1024),
    maxQueuedLogins: limits.integer('maxQueuedLogins', 1000, 0, 1_000_000),
    loginFailuresBeforeThrottle: limits.integer('loginFailuresBeforeThrottle', 5, 0, 1_000_000),
    throttleWindowMs: limits.integer('throttleWindowMs', 300_000, 1000, 30 * DAY_MS),
  };
}

function parseLog(log: ConfigReader): HubConfig['log'] {
  log.allowOnly(['level']);
  return { level: log.oneOf('level', 'info', LOG_LEVELS) };
}
