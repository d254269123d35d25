/** The `session-hub` command line: serve, offline user edits, and operator session commands. */
import { Command, CommanderError } from 'commander';
import { UsersFileError } from '../auth/local/users-file.ts';
import { ConfigError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { CliError } from './cli-error.ts';
import { serve } from './serve-command.ts';
import { clearSession, clearUserSessions, showSessions } from './session-commands.ts';
import { addUser, changePassword, listUsers, removeUser } from './user-commands.ts';

const DEFAULT_USERS = process.env.SESSION_HUB_USERS ?? './users.json';
const DEFAULT_URL = process.env.SESSION_HUB_URL ?? 'ws://127.0.0.1:7400/ws';

function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function buildProgram(): Command {
  const program = new Command('session-hub')
    .description('Real-time authentication and session hub')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();

  program
    .command('serve')
    .description('start the hub (embedded default: in-memory sessions, local users file)')
    .option('--config <file>', 'JSON configuration file')
    .option('--host <host>', 'listen address (SESSION_HUB_HOST; default 127.0.0.1)')
    .option('--port <port>', 'listen port (SESSION_HUB_PORT; default 7400; 0 picks one)')
    .option('--users <file>', 'local users file (SESSION_HUB_USERS; default ./users.json)')
    .option('--transport <name>', 'uws (default) or ws')
    .option('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent')
    .action(async (opts) => {
      const { config, ...flags } = opts as { config?: string } & Record<string, string>;
      process.exitCode = await serve(config, flags);
    });

  const user = program.command('user').description('edit the local users file (offline)');
  const usersOption = ['--users <file>', 'users file (SESSION_HUB_USERS)', DEFAULT_USERS] as const;
  user
    .command('add <name>')
    .description('add a user; asks for the password unless --password-stdin')
    .option('--read-write', 'grant read-write (admin) privilege')
    .option('--password-stdin', 'read the password from standard input')
    .option(...usersOption)
    .action(async (name: string, opts) => print(await addUser(opts.users, name, opts)));
  user
    .command('remove <name>')
    .description('remove a user')
    .option(...usersOption)
    .action(async (name: string, opts) => print(await removeUser(opts.users, name)));
  user
    .command('passwd <name>')
    .description("change a user's password")
    .option('--password-stdin', 'read the password from standard input')
    .option(...usersOption)
    .action(async (name: string, opts) => print(await changePassword(opts.users, name, opts)));
  user
    .command('list')
    .description('list users and their privilege')
    .option('--json', 'print JSON')
    .option(...usersOption)
    .action(async (opts) => print(await listUsers(opts.users, opts.json === true)));

  const remote = (command: Command) =>
    command
      .option('--url <url>', 'hub WebSocket URL (SESSION_HUB_URL)', DEFAULT_URL)
      .option(
        '--user <name>',
        'read-write user to log in as (SESSION_HUB_USER)',
        process.env.SESSION_HUB_USER ?? 'admin',
      );

  const show = program.command('show').description('show hub state');
  remote(show.command('session').alias('sessions').description('list active sessions'))
    .option('--json', 'print JSON')
    .action(async (opts) => print(await showSessions(opts)));

  const clear = program.command('clear').description('clear sessions');
  remote(clear.command('session <id>').description('clear one session by its id')).action(
    async (id: string, opts) => print(await clearSession(id, opts)),
  );
  remote(clear.command('user <name>').description('clear every session of one user')).action(
    async (name: string, opts) => print(await clearUserSessions(name, opts)),
  );
  return program;
}

/** Runs the command line; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const known =
      error instanceof CliError || error instanceof ConfigError || error instanceof UsersFileError;
    const text = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown })?.code;
    process.stderr.write(`session-hub: ${text}${!known && code ? ` (${String(code)})` : ''}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
