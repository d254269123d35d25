/** How the dashboard writes times and durations. */

/** A start time in the viewer's locale. */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toLocaleString();
}

/** A duration as its two largest units: "42s", "3m 05s", "2h 07m", "4d 03h". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${pad(seconds % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${pad(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d ${pad(hours % 24)}h`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
