/** The readable table of `session-hub show session`. */
import type { WireSession } from '../../protocol/index.ts';

/** "4s", "12m", "3h", "2d": how long ago, coarse enough to read at a glance. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

export function formatSessionTable(sessions: WireSession[], now: number): string {
  if (sessions.length === 0) return '(no active sessions)';
  const header = ['ID', 'USER', 'PRIVILEGE', 'SOURCE', 'MECHANISM', 'STARTED', 'IDLE'];
  const rows = sessions.map((s) => [
    s.id,
    s.username,
    s.readWrite ? 'read-write' : 'read-only',
    s.srcAddr,
    s.mechanism,
    new Date(s.startedAt).toISOString().replace('T', ' ').slice(0, 19),
    formatAge(now - s.lastSeenAt),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const count = `${sessions.length} session${sessions.length === 1 ? '' : 's'}`;
  return [line(header), ...rows.map(line), count].join('\n');
}
