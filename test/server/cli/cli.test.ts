/** The `session-hub` command run as a process against a running hub, as operators use it. */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../helpers/raw-client.ts';
import { runCli, startServe, type ServeProcess } from '../../helpers/cli-process.ts';

let dir: string;
let usersFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'session-hub-cli-'));
  usersFile = join(dir, 'users.json');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('session-hub user', () => {
  it('adds, lists, re-passwords and removes users in a 0600 file', async () => {
    const add = await runCli(
      ['user', 'add', 'ops', '--read-write', '--password-stdin', '--users', usersFile],
      {
        input: 'ops-password\n',
      },
    );
    expect(add).toMatchObject({ code: 0 });
    expect(add.stdout).toContain('added read-write user "ops"');
    await runCli(['user', 'add', 'viewer', '--password-stdin', '--users', usersFile], {
      input: 'v-pw\n',
    });
    expect((await stat(usersFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(usersFile, 'utf8')).not.toContain('ops-password');
    const list = await runCli(['user', 'list', '--json', '--users', usersFile]);
    expect(JSON.parse(list.stdout)).toEqual([
      { username: 'ops', readWrite: true },
      { username: 'viewer', readWrite: false },
    ]);
    const passwd = await runCli(
      ['user', 'passwd', 'viewer', '--password-stdin', '--users', usersFile],
      {
        input: 'viewer-password\n',
      },
    );
    expect(passwd.code).toBe(0);
    expect((await runCli(['user', 'remove', 'viewer', '--users', usersFile])).code).toBe(0);
    const table = await runCli(['user', 'list', '--users', usersFile]);
    expect(table.stdout).toMatch(/^USERNAME\s+PRIVILEGE\nops\s+read-write\n$/);
  });

  it('fails with one line and a non-zero status on bad input', async () => {
    const dup = await runCli(['user', 'add', 'ops', '--password-stdin', '--users', usersFile], {
      input: 'x\n',
    });
    expect(dup.code).toBe(1);
    expect(dup.stderr.trim().split('\n')).toHaveLength(1);
    expect(dup.stderr).toContain('already exists');
    const empty = await runCli(
      ['user', 'add', 'newbie', '--password-stdin', '--users', usersFile],
      { input: '\n' },
    );
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('the password is empty');
    const badName = await runCli(['user', 'add', 'a b', '--password-stdin', '--users', usersFile], {
      input: 'x\n',
    });
    expect(badName.code).toBe(1);
    const missing = await runCli(['user', 'remove', 'ghost', '--users', usersFile]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no user "ghost"');
    const noTerminal = await runCli(['user', 'add', 'x', '--users', usersFile]);
    expect(noTerminal.code).toBe(1);
    expect(noTerminal.stderr).toContain('--password-stdin');
    const dash = await runCli([
      'user',
      'add',
      '--password-stdin',
      '--users',
      usersFile,
      '--',
      '-x',
    ]);
    expect(dash.code).toBe(1);
    expect(dash.stderr).toContain('invalid username "-x"');
    const noFolder = join(dir, 'no-such-folder', 'users.json');
    const lost = await runCli(['user', 'add', 'a', '--password-stdin', '--users', noFolder], {
      input: 'pw\n',
    });
    expect(lost.stderr.trim()).toBe(
      `session-hub: ${noFolder}: the folder ${join(dir, 'no-such-folder')} does not exist`,
    );
  });
});

describe('session-hub serve, show session and clear session', () => {
  let hub: ServeProcess;
  const admin = { SESSION_HUB_PASSWORD: 'ops-password', SESSION_HUB_USER: 'ops' };

  beforeAll(async () => {
    hub = await startServe(['--users', usersFile]);
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('lists sessions as a table and as JSON', async () => {
    const client = await RawClient.connect(hub.url);
    const { session } = await client.login('ops', 'ops-password');
    const table = await runCli(['show', 'session', '--url', hub.url], { env: admin });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+USER\s+PRIVILEGE\s+SOURCE\s+MECHANISM\s+STARTED\s+IDLE/);
    expect(table.stdout).toContain(session.id);
    expect(table.stdout).toMatch(/ops\s+read-write\s+127\.0\.0\.1\s+local/);
    const json = await runCli(['show', 'session', '--json', '--url', hub.url], { env: admin });
    const sessions = JSON.parse(json.stdout);
    expect(sessions.map((s: { id: string }) => s.id)).toContain(session.id);
    await client.close();
  });

  it('clears a session by id; the client hears of it', async () => {
    const client = await RawClient.connect(hub.url);
    const { session } = await client.login('ops', 'ops-password');
    const cleared = await runCli(['clear', 'session', session.id, '--url', hub.url], {
      env: admin,
    });
    expect(cleared).toMatchObject({ code: 0 });
    expect(cleared.stdout).toContain(`cleared session ${session.id}`);
    const event = await client.waitFor((m) => m.event === 'session.cleared');
    expect(event).toMatchObject({ reason: 'cleared', session: { id: session.id } });
    const again = await runCli(['clear', 'session', session.id, '--url', hub.url], { env: admin });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no session "${session.id}"`);
    await client.close();
  });

  it('clears every session of one user', async () => {
    const clients = await Promise.all([1, 2].map(() => RawClient.connect(hub.url)));
    for (const client of clients) await client.login('ops', 'ops-password');
    const result = await runCli(['clear', 'user', 'ops', '--url', hub.url], { env: admin });
    expect(result.stdout).toMatch(/cleared [2-9] sessions of "ops"/);
    for (const client of clients) await client.close();
  });

  it('fails with a one-line reason for a wrong password or an unreachable hub', async () => {
    const wrong = await runCli(['show', 'session', '--url', hub.url], {
      env: { ...admin, SESSION_HUB_PASSWORD: 'nope' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim()).toBe('session-hub: wrong username or password for "ops"');
    const unset = await runCli(['show', 'session', '--url', hub.url], {
      env: { ...admin, SESSION_HUB_PASSWORD: '' },
    });
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('set SESSION_HUB_PASSWORD');
    const down = await runCli(['show', 'session', '--url', 'ws://127.0.0.1:1/ws'], { env: admin });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot connect to ws://127.0.0.1:1/ws');
  });

  it('logs logins without passwords or cookies', async () => {
    const client = await RawClient.connect(hub.url);
    const { cookie } = await client.login('ops', 'ops-password');
    await client.request('authenticate', { username: 'ops', password: 'guess-1' });
    await client.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const output = hub.output();
    expect(output).toContain('"msg":"login succeeded"');
    expect(output).toContain('"msg":"login failed"');
    expect(output).not.toContain('ops-password');
    expect(output).not.toContain('guess-1');
    expect(output).not.toContain(cookie);
  });

  it('stops cleanly on SIGTERM', async () => {
    const other = await startServe(['--users', usersFile]);
    expect(await other.stop()).toBe(0);
    expect(other.output()).toContain('"msg":"hub stopped"');
  });
});

describe('first start', () => {
  it('creates the users file with an admin and prints its password once', async () => {
    const fresh = join(dir, 'fresh-users.json');
    const hub = await startServe(['--users', fresh]);
    const match = /password, shown only this once: (\S+)/.exec(hub.output());
    expect(match).not.toBeNull();
    expect((await stat(fresh)).mode & 0o777).toBe(0o600);
    const client = await RawClient.connect(hub.url);
    const auth = await client.request('authenticate', { username: 'admin', password: match![1] });
    expect(auth).toMatchObject({ ok: true, user: { readWrite: true } });
    await client.close();
    expect(await hub.stop()).toBe(0);
    const second = await startServe(['--users', fresh]);
    expect(second.output()).not.toContain('shown only this once');
    await second.stop();
  });

  it('refuses to start on the slow JavaScript imitation of uWebSockets.js', async () => {
    const result = await runCli(['serve', '--port', '0', '--users', join(dir, 'u.json')], {
      env: { UWS_USE_FALLBACK: '1' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('loaded its JavaScript fallback, not its native binary');
    expect(result.stderr).toContain('(UWS_NOT_NATIVE)');
  });

  it('refuses a bad configuration with a message that names the key', async () => {
    const result = await runCli(['serve', '--port', 'seventy']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'session-hub: --port must be a port number from 0 to 65535, not "seventy"',
    );
  });
});

describe('users file edits under contention', () => {
  it('keeps every user when several `user add` run at once', async () => {
    const file = join(dir, 'contended.json');
    const names = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    const results = await Promise.all(
      names.map((name) =>
        runCli(['user', 'add', name, '--password-stdin', '--users', file], { input: 'pw-1\n' }),
      ),
    );
    expect(results.map((r) => r.code)).toEqual(names.map(() => 0));
    const list = await runCli(['user', 'list', '--json', '--users', file]);
    const listed = JSON.parse(list.stdout).map((u: { username: string }) => u.username);
    expect(listed.sort()).toEqual(names);
  });

  it('writes through a symbolic link to its target, and refuses lookalike names', async () => {
    const { symlink, lstat } = await import('node:fs/promises');
    const target = join(dir, 'real-users.json');
    const link = join(dir, 'link-users.json');
    await runCli(['user', 'add', 'first', '--password-stdin', '--users', target], { input: 'a\n' });
    await symlink(target, link);
    await runCli(['user', 'add', 'second', '--password-stdin', '--users', link], { input: 'b\n' });
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toContain('"second"');
    const fullwidth = await runCli(
      ['user', 'add', 'ａｄｍｉｎ', '--password-stdin', '--users', target],
      {
        input: 'c\n',
      },
    );
    expect(fullwidth.code).toBe(1);
  });
});
