/**
 * The dashboard's behaviour: log in or resume by cookie, then the live session table for
 * read-write users or the viewer's own session for read-only ones.
 */
import {
  ConnectionClosedError,
  HubClient,
  HubError,
  SessionDoesNotExistError,
  type ConnectionStatus,
  type RemoteUser,
  type SessionClearedNotice,
  type SessionFeedEvent,
  type WireSession,
} from '../index.ts';
import { confirmClear } from './confirm-dialog.ts';
import { forgetCookie, loadCookie, saveCookie } from './cookie-store.ts';
import { byId, say, show } from './dom.ts';
import { refreshIdle, sessionRow } from './session-row.ts';
import { SessionTable } from './session-table.ts';

type View = 'resuming' | 'login' | 'admin' | 'readonly';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'connecting',
  open: 'connected',
  reconnecting: 'reconnecting',
  closed: 'offline',
};

const ENDED_TEXT: Record<SessionClearedNotice['reason'], string> = {
  cleared: 'Your session was cleared by an administrator. Please log in again.',
  expired: 'Your session expired. Please log in again.',
  logout: 'Your session was ended elsewhere. Please log in again.',
  unknown: 'Your session ended while the dashboard was disconnected. Please log in again.',
};

// lastSeenAt moves only at the hub; a periodic list keeps the idle column honest.
const LIST_REFRESH_MS = 30_000;
const IDLE_TICK_MS = 1_000;

/** The hub that served the page, at its WebSocket path. */
export function hubUrl(location: Location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

export class DashboardApp {
  readonly #client: HubClient;
  readonly #table: SessionTable;
  #user: RemoteUser | null = null;
  #refreshTimer: ReturnType<typeof setInterval> | null = null;

  constructor(client: HubClient) {
    this.#client = client;
    this.#table = new SessionTable({
      body: byId<HTMLTableElement>('sessions').tBodies[0]!,
      count: byId('session-count'),
      empty: byId('no-sessions'),
      onClear: (session) => void this.#clear(session),
    });
  }

  /** Wires the page and resumes the stored session, or shows the login form. */
  start(): void {
    this.#client.on('status', (status) => this.#showStatus(status));
    this.#client.on('sessionCleared', (notice) => this.#ended(ENDED_TEXT[notice.reason]));
    this.#client.on('principalLost', () => this.#ended('The connection was lost during login.'));
    this.#showStatus(this.#client.status);
    byId<HTMLFormElement>('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#login();
    });
    byId('logout').addEventListener('click', () => void this.#logout());
    byId<HTMLInputElement>('filter').addEventListener('input', (event) => {
      this.#table.setFilter((event.target as HTMLInputElement).value);
    });
    setInterval(() => refreshIdle(document.body, Date.now()), IDLE_TICK_MS);
    void this.#resume();
  }

  async #resume(): Promise<void> {
    const cookie = loadCookie();
    if (cookie === null) return this.#showView('login');
    this.#showView('resuming');
    try {
      const user = await this.#client.validateSession(cookie);
      if (user === null) return this.#ended('Your session has ended. Please log in again.');
      await this.#enter(user);
    } catch (error) {
      // A connection lost mid-request says nothing about the session: try again once back.
      if (isConnectionClosed(error)) return this.#client.ready().then(() => this.#resume());
      forgetCookie();
      this.#showView('login');
      say(byId('login-error'), `Could not resume the session: ${describe(error)}`);
    }
  }

  async #login(): Promise<void> {
    const username = byId<HTMLInputElement>('username').value;
    const password = byId<HTMLInputElement>('password');
    const submit = byId<HTMLButtonElement>('login-submit');
    submit.disabled = true;
    say(byId('login-error'), '');
    try {
      const user = await this.#client.authenticateUser(username, password.value);
      if (user === null) return say(byId('login-error'), 'Wrong username or password.');
      saveCookie(await user.startSession());
      password.value = '';
      await this.#enter(user);
    } catch (error) {
      say(byId('login-error'), describe(error));
    } finally {
      submit.disabled = false;
    }
  }

  async #enter(user: RemoteUser): Promise<void> {
    this.#user = user;
    say(byId('whoami'), `${user.username} (${user.readWrite ? 'read-write' : 'read-only'})`);
    say(byId('login-message'), '');
    if (!user.readWrite) return this.#showReadOnly(user);
    const { sessions } = await this.#client.subscribe((event) => this.#onFeed(event));
    this.#table.replace(sessions, user.session?.id ?? null);
    this.#showView('admin');
    this.#refreshTimer = setInterval(() => void this.#refreshList(), LIST_REFRESH_MS);
  }

  #showReadOnly(user: RemoteUser): void {
    const body = byId<HTMLTableElement>('own-session').tBodies[0]!;
    const session = user.session;
    body.replaceChildren(...(session === null ? [] : [sessionRow(session, true, Date.now())]));
    this.#showView('readonly');
  }

  #onFeed(event: SessionFeedEvent): void {
    const ownId = this.#user?.session?.id ?? null;
    if (event.type === 'created') this.#table.add(event.session);
    else if (event.type === 'cleared') this.#table.remove(event.session.id);
    else if (event.type === 'snapshot') this.#table.replace(event.sessions, ownId);
  }

  async #refreshList(): Promise<void> {
    if (this.#client.status !== 'open' || this.#user === null) return;
    try {
      const sessions = await this.#client.getSessions();
      this.#table.replace(sessions, this.#user?.session?.id ?? null);
    } catch {
      // The next refresh or the live events will catch up; nothing to tell the operator.
    }
  }

  async #clear(session: WireSession): Promise<void> {
    if (!(await confirmClear(session))) return;
    say(byId('admin-error'), '');
    try {
      await this.#client.clearSession(session.id);
    } catch (error) {
      // Already gone: its session.cleared event removes the row.
      if (error instanceof SessionDoesNotExistError) return;
      say(byId('admin-error'), `Could not clear session ${session.id}: ${describe(error)}`);
    }
  }

  async #logout(): Promise<void> {
    const user = this.#user;
    try {
      await user?.endSession();
    } catch (error) {
      if (!(error instanceof SessionDoesNotExistError)) {
        say(byId('admin-error'), `Could not log out: ${describe(error)}`);
        return;
      }
    }
    this.#ended('You have logged out.');
  }

  /** Back to the login form with `message`, forgetting the cookie. */
  #ended(message: string): void {
    forgetCookie();
    this.#user = null;
    if (this.#refreshTimer !== null) clearInterval(this.#refreshTimer);
    this.#refreshTimer = null;
    this.#table.replace([], null);
    this.#showView('login');
    say(byId('login-message'), message);
  }

  #showView(view: View): void {
    show(byId('resuming'), view === 'resuming');
    show(byId('login-view'), view === 'login');
    show(byId('admin-view'), view === 'admin');
    show(byId('readonly-view'), view === 'readonly');
    const loggedIn = view === 'admin' || view === 'readonly';
    show(byId('logout'), loggedIn);
    show(byId('whoami'), loggedIn);
    if (view === 'login') byId('username').focus();
  }

  #showStatus(status: ConnectionStatus): void {
    const badge = byId('connection-state');
    badge.dataset.state = status;
    badge.textContent = STATUS_TEXT[status];
  }
}

function isConnectionClosed(error: unknown): boolean {
  return error instanceof ConnectionClosedError;
}

/** A sentence for an error shown to the operator, from its code. */
function describe(error: unknown): string {
  if (isConnectionClosed(error)) return 'The connection to the hub was lost. Try again.';
  if (!(error instanceof HubError)) return String(error);
  switch (error.code) {
    case 'RATE_LIMITED':
      return 'Too many failed attempts. Wait a while and try again.';
    case 'AUTH_UNAVAILABLE':
      return 'No authentication server could answer. Try again later.';
    case 'BUSY':
      return 'The hub is busy. Try again in a moment.';
    case 'FORBIDDEN':
      return 'This needs read-write privilege.';
    default:
      return `the hub answered ${error.code}.`;
  }
}
