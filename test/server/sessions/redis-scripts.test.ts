import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runScript } from '../../../server/sessions/redis-scripts.ts';
import { adminClient } from './redis-test-keys.ts';

let redis: Redis;
beforeAll(() => {
  redis = adminClient();
});
afterAll(async () => {
  await redis.quit();
});

it('loads a script the server does not know yet, then runs it by digest', async () => {
  // A comment no other run used makes the digest new to the server (as after a restart).
  const source = `-- ${randomBytes(8).toString('hex')}\nreturn ARGV[1] .. KEYS[1]`;
  const lua = { source, sha: createHash('sha1').update(source).digest('hex') };
  expect(await redis.script('EXISTS', lua.sha)).toEqual([0]);
  expect(await runScript(redis, lua, ['k'], ['v'])).toBe('vk');
  expect(await redis.script('EXISTS', lua.sha)).toEqual([1]);
  expect(await runScript(redis, lua, ['k2'], ['v2'])).toBe('v2k2');
});
