/** The "radius" section of the configuration (CONFIG.md, "What the RADIUS keys mean"). */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { RadiusConfig, RadiusServerConfig } from './config-types.ts';
import type { ConfigReader } from './config-reader.ts';

const SERVER_KEYS = [
  'host',
  'authPort',
  'acctPort',
  'secret',
  'secretFile',
  'secretEnv',
  'timeoutMs',
  'retries',
  'requireMessageAuthenticator',
];

export function parseRadius(
  radius: ConfigReader,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): RadiusConfig {
  radius.allowOnly(['servers', 'nasIdentifier', 'nasIpAddress', 'accounting', 'readWrite']);
  const servers = radius.children('servers').map((server) => parseServer(server, baseDir, env));
  if (servers.length === 0) throw new ConfigError('"radius.servers" needs at least one server');
  const nasIpAddress = radius.optionalString('nasIpAddress');
  if (nasIpAddress !== null && isIP(nasIpAddress) !== 4) {
    throw new ConfigError('"radius.nasIpAddress" must be an IPv4 address');
  }
  const readWrite = radius.child('readWrite');
  readWrite.allowOnly(['attribute', 'values', 'vendor']);
  const vendor = readWrite.optionalString('vendor');
  return {
    servers,
    nasIdentifier: radius.has('nasIdentifier')
      ? radius.optionalString('nasIdentifier')
      : 'session-hub',
    nasIpAddress,
    accounting: radius.boolean('accounting', false),
    readWrite: {
      attribute: readWrite.string('attribute', 'Service-Type'),
      values: readWrite.stringList('values', ['Administrative-User']),
      ...(vendor === null ? {} : { vendor }),
    },
  };
}

function parseServer(
  server: ConfigReader,
  baseDir: string,
  env: NodeJS.ProcessEnv,
): RadiusServerConfig {
  server.allowOnly(SERVER_KEYS);
  return {
    host: server.string('host', '127.0.0.1'),
    authPort: server.integer('authPort', 1812, 1, 65535),
    acctPort: server.integer('acctPort', 1813, 1, 65535),
    secret: readSecret(server, baseDir, env),
    timeoutMs: server.integer('timeoutMs', 3000, 1, 600_000),
    retries: server.integer('retries', 2, 0, 10),
    requireMessageAuthenticator: server.boolean('requireMessageAuthenticator', true),
  };
}

/** Exactly one of secret, secretFile or secretEnv; errors name the key, never the value. */
function readSecret(server: ConfigReader, baseDir: string, env: NodeJS.ProcessEnv): string {
  const given = ['secret', 'secretFile', 'secretEnv'].filter((key) => server.has(key));
  if (given.length !== 1) {
    throw new ConfigError(`a RADIUS server needs exactly one of secret, secretFile, secretEnv`);
  }
  if (server.has('secret')) return server.string('secret', '');
  if (server.has('secretEnv')) {
    const name = server.string('secretEnv', '');
    const value = env[name];
    if (!value) throw new ConfigError(`RADIUS secretEnv names ${name}, which is not set`);
    return value;
  }
  const path = resolve(baseDir, server.string('secretFile', ''));
  let secret: string;
  try {
    secret = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new ConfigError(`cannot read RADIUS secretFile ${path}: ${(error as Error).message}`);
  }
  if (secret === '') throw new ConfigError(`RADIUS secretFile ${path} is empty`);
  return secret;
}
