/** One session as a table row. */
import type { WireSession } from '../index.ts';
import { make } from './dom.ts';
import { formatDuration, formatTime } from './format.ts';

/** The cells every session table shows, before any action column. */
export function sessionCells(session: WireSession, own: boolean, now: number): HTMLElement[] {
  const id = make('td');
  id.append(make('code', session.id));
  const user = make('td', session.username);
  if (own) user.append(make('span', '(you)', 'you'));
  const privilege = make('td');
  const rw = session.readWrite;
  privilege.append(make('span', rw ? 'read-write' : 'read-only', rw ? 'badge rw' : 'badge'));
  const idle = make('td', formatDuration(now - session.lastSeenAt), 'idle');
  idle.dataset.lastSeenAt = String(session.lastSeenAt);
  return [
    id,
    user,
    privilege,
    make('td', session.srcAddr),
    make('td', session.mechanism),
    make('td', formatTime(session.startedAt)),
    idle,
  ];
}

/** A table row for `session`, marked with its id (and as the viewer's own when it is). */
export function sessionRow(session: WireSession, own: boolean, now: number): HTMLTableRowElement {
  const row = make('tr', '', own ? 'own' : '');
  row.dataset.sessionId = session.id;
  row.append(...sessionCells(session, own, now));
  return row;
}

/** Rewrites the idle cells under `root` for the time `now`. */
export function refreshIdle(root: HTMLElement, now: number): void {
  for (const cell of root.querySelectorAll<HTMLElement>('td.idle')) {
    cell.textContent = formatDuration(now - Number(cell.dataset.lastSeenAt));
  }
}
