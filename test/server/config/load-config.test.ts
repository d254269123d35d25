import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig, resolveConfig } from '../../../server/config/load-config.ts';
import { ConfigError } from '../../../server/errors.ts';

async function configFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'config-'));
  const path = join(dir, 'hub.json');
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('configuration', () => {
  it('defaults to the embedded mode on 127.0.0.1:7400', () => {
    const config = defaultConfig('/srv/hub');
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 7400,
      usersFile: '/srv/hub/users.json',
      mechanisms: ['local'],
      radius: null,
      transport: 'uws',
      sessions: { idleTimeoutMs: 0, maxAgeMs: 0, redisUrl: null, redisPrefix: 'session-hub:' },
      limits: { maxPayloadBytes: 65536, maxInFlightPerConnection: 256, maxQueuedLogins: 1000 },
    });
  });

  it('lets flags override the environment, which overrides the file', async () => {
    const file = await configFile({ host: '127.0.0.2', port: 7401, users: 'u.json' });
    const env = { SESSION_HUB_PORT: '7402', SESSION_HUB_HOST: '127.0.0.3' };
    const config = resolveConfig({ file, env, flags: { port: '7403' } });
    expect(config.port).toBe(7403);
    expect(config.host).toBe('127.0.0.3');
    expect(config.usersFile).toBe(join(file, '..', 'u.json'));
  });

  it('takes REDIS_URL and the log level from the environment', () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379', SESSION_HUB_LOG_LEVEL: 'warn' };
    const config = resolveConfig({ env });
    expect(config.sessions.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.log.level).toBe('warn');
  });

  it.each([
    [{ prot: 1 }, /unknown key "prot"/],
    [{ port: '7400' }, /"port" must be a whole number/],
    [{ port: 70000 }, /"port" must be a whole number from 0 to 65535/],
    [{ sessions: { idleTimeout: 5 } }, /unknown key "sessions.idleTimeout"/],
    [{ sessions: { maxAgeMs: -1 } }, /"sessions.maxAgeMs"/],
    [{ limits: { maxInFlightPerConnection: 10 } }, /from 128/],
    [{ mechanisms: ['ldap'] }, /"mechanisms"/],
    [{ mechanisms: ['radius'] }, /no "radius" section/],
    [{ allowedOrigins: ['https://ops.example/path'] }, /must be an origin/],
    [{ log: { level: 'loud' } }, /"log.level" must be one of/],
    [{ transport: 'tcp' }, /"transport" must be one of: uws, ws/],
    [{ tls: { cert: 'c.pem' } }, /"tls" needs both/],
    [{ radius: { servers: [{ host: '127.0.0.1' }] } }, /exactly one of secret/],
    [{ radius: { servers: [{ secret: 's', retries: 99 }] } }, /"radius.servers\[0\].retries"/],
  ])('refuses %j and names the key', (data, message) => {
    expect(() => parseConfig(data, '/srv')).toThrow(ConfigError);
    expect(() => parseConfig(data, '/srv')).toThrow(message);
  });

  it('names bad environment values', () => {
    expect(() => resolveConfig({ env: { SESSION_HUB_PORT: 'abc' } })).toThrow(/SESSION_HUB_PORT/);
  });

  it('refuses a file that holds JSON but not an object', async () => {
    const file = await configFile('null');
    const flags = { port: 1 };
    expect(() => resolveConfig({ file, env: {}, flags })).toThrow(/must hold a JSON object/);
  });

  it('names a TLS file it cannot read', () => {
    const tls = { tls: { cert: 'missing-cert.pem', key: 'missing-key.pem' } };
    expect(() => parseConfig(tls, '/srv')).toThrow('"tls.cert": cannot read /srv/missing-cert.pem');
  });

  it('refuses a file that is not JSON, naming the file', async () => {
    const file = await configFile('{ "port": ');
    expect(() => resolveConfig({ file, env: {} })).toThrow(/not valid JSON/);
  });

  it('reads RADIUS secrets from a file or the environment, never echoing them', async () => {
    const secretFile = await configFile('s3cret\n');
    const data = {
      mechanisms: ['radius', 'local'],
      radius: { servers: [{ secretFile }, { secretEnv: 'RADIUS_SECRET', authPort: 1912 }] },
    };
    const config = parseConfig(data, '/srv', { RADIUS_SECRET: 'from-env' });
    expect(config.radius!.servers.map((s) => s.secret)).toEqual(['s3cret', 'from-env']);
    expect(config.radius!.servers[0]).toMatchObject({
      authPort: 1812,
      acctPort: 1813,
      timeoutMs: 3000,
      retries: 2,
      requireMessageAuthenticator: true,
    });
    expect(config.radius!.nasIdentifier).toBe('session-hub');
    const missing = { ...data, radius: { servers: [{ secretEnv: 'NOPE' }] } };
    expect(() => parseConfig(missing, '/srv', {})).toThrow(/NOPE, which is not set/);
  });
});
