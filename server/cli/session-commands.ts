/**
 * `session-hub show session`, `clear session ID` and `clear user NAME`: operator commands that
 * log in to a running hub as a read-write user through the client library.
 */
import { HubClient, HubError, type WireSession } from '../../client/index.ts';
import { CliError } from './cli-error.ts';
import { promptHidden } from './prompt.ts';
import { formatSessionTable } from './session-table.ts';

export interface RemoteOptions {
  url: string;
  user: string;
  json?: boolean;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** Connects and logs in; the password comes from SESSION_HUB_PASSWORD or a prompt. */
async function withAdmin<T>(
  options: RemoteOptions,
  work: (client: HubClient) => Promise<T>,
): Promise<T> {
  const password = process.env.SESSION_HUB_PASSWORD || (await askPassword(options.user));
  const client = new HubClient({ url: options.url });
  const timer = setTimeout(() => void client.close(), CONNECT_TIMEOUT_MS);
  try {
    await client.ready().catch(() => {
      throw new CliError(`cannot connect to ${options.url}`);
    });
    clearTimeout(timer);
    const user = await client.authenticateUser(options.user, password);
    if (!user) throw new CliError(`wrong username or password for "${options.user}"`);
    if (!user.readWrite)
      throw new CliError(`"${options.user}" is read-only; sessions need read-write`);
    return await work(client);
  } catch (error) {
    if (error instanceof HubError)
      throw new CliError(`the hub answered ${error.code}: ${error.message}`);
    if (error instanceof CliError) throw error;
    throw new CliError(`${options.url}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
    await client.close();
  }
}

/** An empty SESSION_HUB_PASSWORD counts as unset: it is never sent as a login attempt. */
function askPassword(user: string): Promise<string> {
  const noTerminal = 'no terminal to ask for the password on; set SESSION_HUB_PASSWORD';
  return promptHidden(`Password for ${user}: `, noTerminal);
}

export function showSessions(options: RemoteOptions): Promise<string> {
  return withAdmin(options, async (client) => {
    const sessions = await client.getSessions();
    return options.json ? JSON.stringify(sessions) : formatSessionTable(sessions, Date.now());
  });
}

export function clearSession(id: string, options: RemoteOptions): Promise<string> {
  return withAdmin(options, async (client) => {
    try {
      await client.clearSession(id);
    } catch (error) {
      if (error instanceof HubError && error.code === 'SESSION_NOT_FOUND') {
        throw new CliError(`no session "${id}"`);
      }
      throw error;
    }
    return `cleared session ${id}`;
  });
}

/** "Log out everywhere": clears every session of one user, whichever store the hub uses. */
export function clearUserSessions(username: string, options: RemoteOptions): Promise<string> {
  return withAdmin(options, async (client) => {
    const mine = (await client.getSessions()).filter((s: WireSession) => s.username === username);
    let cleared = 0;
    for (const session of mine) {
      try {
        await client.clearSession(session.id);
        cleared++;
      } catch (error) {
        // Ended by itself meanwhile: nothing left to clear.
        if (!(error instanceof HubError) || error.code !== 'SESSION_NOT_FOUND') throw error;
      }
    }
    return `cleared ${cleared} session${cleared === 1 ? '' : 's'} of "${username}"`;
  });
}
