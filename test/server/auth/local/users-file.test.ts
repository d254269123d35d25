import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUsers, writeUsers } from '../../../../server/auth/local/users-file.ts';

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';

async function tempFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'users-file-')), 'users.json');
}

describe('the users file', () => {
  it('round-trips users, written with mode 0600 and no temporary file left', async () => {
    const path = await tempFile();
    await writeUsers(path, new Map([['alice', { hash: HASH, readWrite: true }]]));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readUsers(path)).toEqual(new Map([['alice', { hash: HASH, readWrite: true }]]));
    expect(await readdir(join(path, '..'))).toEqual(['users.json']);
    expect(JSON.parse(await readFile(path, 'utf8')).version).toBe(1);
  });

  it('replaces a world-readable file with a 0600 one', async () => {
    const path = await tempFile();
    await writeFile(path, '{"users":{}}', { mode: 0o644 });
    await writeUsers(path, new Map());
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{', 'USERS_FILE_INVALID'],
    ['no users object', '{"version":1}', 'USERS_FILE_INVALID'],
    ['a user without a hash', '{"users":{"a":{"readWrite":true}}}', 'USERS_FILE_INVALID'],
    [
      'a non-argon2 hash',
      '{"users":{"a":{"hash":"plain","readWrite":true}}}',
      'USERS_FILE_INVALID',
    ],
    [
      'a missing privilege',
      `{"users":{"a":{"hash":"${HASH.replaceAll('$', '$$')}"}}}`,
      'USERS_FILE_INVALID',
    ],
  ])('rejects %s with a code', async (_name, text, code) => {
    const path = await tempFile();
    await writeFile(path, text.replaceAll('$$', '$'));
    await expect(readUsers(path)).rejects.toMatchObject({ code });
  });

  it('says when the file is missing', async () => {
    await expect(readUsers(await tempFile())).rejects.toMatchObject({ code: 'USERS_FILE_MISSING' });
  });
});
