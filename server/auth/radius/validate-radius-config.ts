/** Checks the parts of the RADIUS configuration the mechanism cannot work without. */
import { isIPv4 } from 'node:net';
import type { RadiusConfig, RadiusServerConfig } from '../../config/config-types.ts';
import { RadiusConfigError } from './radius-errors.ts';

const MAX_RETRIES = 10;

export function validateRadiusConfig(config: RadiusConfig): void {
  if (!Array.isArray(config.servers) || config.servers.length === 0) {
    throw new RadiusConfigError('radius.servers', 'at least one server');
  }
  config.servers.forEach((server, i) => validateServer(server, `radius.servers[${i}]`));
  if (config.nasIpAddress !== null && !isIPv4(config.nasIpAddress)) {
    throw new RadiusConfigError('radius.nasIpAddress', 'an IPv4 address, or null');
  }
  const { readWrite } = config;
  if (typeof readWrite?.attribute !== 'string' || !Array.isArray(readWrite.values)) {
    throw new RadiusConfigError('radius.readWrite', '{ attribute, values[], vendor? }');
  }
}

function validateServer(server: RadiusServerConfig, key: string): void {
  if (typeof server.host !== 'string' || server.host === '') {
    throw new RadiusConfigError(`${key}.host`, 'a host name or address');
  }
  for (const port of ['authPort', 'acctPort'] as const) {
    if (!isInteger(server[port], 1, 65535)) {
      throw new RadiusConfigError(`${key}.${port}`, 'a port number, 1 to 65535');
    }
  }
  if (typeof server.secret !== 'string' || server.secret === '') {
    // Name the key, never the value.
    throw new RadiusConfigError(`${key}.secret`, 'a non-empty shared secret');
  }
  if (!isInteger(server.timeoutMs, 1, 600_000)) {
    throw new RadiusConfigError(`${key}.timeoutMs`, 'milliseconds, 1 to 600000');
  }
  if (!isInteger(server.retries, 0, MAX_RETRIES)) {
    throw new RadiusConfigError(`${key}.retries`, `an integer, 0 to ${MAX_RETRIES}`);
  }
  if (typeof server.requireMessageAuthenticator !== 'boolean') {
    throw new RadiusConfigError(`${key}.requireMessageAuthenticator`, 'true or false');
  }
}

function isInteger(value: unknown, min: number, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}
