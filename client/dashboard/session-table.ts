/** The live table of sessions: rows kept in step with the hub's events, a filter and a count. */
import type { WireSession } from '../index.ts';
import { make, show } from './dom.ts';
import { sessionRow } from './session-row.ts';

export interface SessionTableParts {
  body: HTMLTableSectionElement;
  count: HTMLElement;
  empty: HTMLElement;
  /** Called with the session whose clear button was pressed. */
  onClear(session: WireSession): void;
}

export class SessionTable {
  readonly #parts: SessionTableParts;
  readonly #sessions = new Map<string, WireSession>();
  #filter = '';
  #ownId: string | null = null;

  constructor(parts: SessionTableParts) {
    this.#parts = parts;
    parts.body.addEventListener('click', (event) => this.#clicked(event));
  }

  /** Replaces every row, for a fresh list from the hub. */
  replace(sessions: readonly WireSession[], ownId: string | null): void {
    this.#ownId = ownId;
    this.#sessions.clear();
    for (const session of sessions) this.#sessions.set(session.id, session);
    this.render();
  }

  add(session: WireSession): void {
    this.#sessions.set(session.id, session);
    this.render();
  }

  remove(sessionId: string): void {
    if (this.#sessions.delete(sessionId)) this.render();
  }

  /** Shows only sessions whose username contains `text` (case-insensitive). */
  setFilter(text: string): void {
    this.#filter = text.trim().toLowerCase();
    this.render();
  }

  render(): void {
    const now = Date.now();
    const shown = [...this.#sessions.values()]
      .filter((session) => session.username.toLowerCase().includes(this.#filter))
      .sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
    this.#parts.body.replaceChildren(...shown.map((session) => this.#row(session, now)));
    this.#parts.count.textContent = countText(shown.length, this.#sessions.size, this.#filter);
    show(this.#parts.empty, shown.length === 0);
  }

  #row(session: WireSession, now: number): HTMLTableRowElement {
    const row = sessionRow(session, session.id === this.#ownId, now);
    const button = make('button', 'Clear', 'danger');
    button.type = 'button';
    button.dataset.action = 'clear';
    button.dataset.sessionId = session.id;
    const cell = make('td');
    cell.append(button);
    row.append(cell);
    return row;
  }

  #clicked(event: Event): void {
    const target = event.target as HTMLElement;
    if (target.dataset.action !== 'clear') return;
    const session = this.#sessions.get(target.dataset.sessionId ?? '');
    if (session !== undefined) this.#parts.onClear(session);
  }
}

function countText(shown: number, total: number, filter: string): string {
  const noun = total === 1 ? 'session' : 'sessions';
  return filter === '' ? `${total} ${noun}` : `${shown} of ${total} ${noun}`;
}
