/**
 * Age of an object the way kubectl prints it (`45s`, `5m10s`, `3h`, `2d4h`, `3y20d`);
 * `<unknown>` without a creation time.
 */
export function humanAge(creationTimestamp: string | undefined, nowMs: number): string {
  const created = Date.parse(creationTimestamp ?? '');
  if (Number.isNaN(created)) return '<unknown>';
  const seconds = Math.max(0, Math.floor((nowMs - created) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 730) return `${days}d`;
  const years = Math.floor(days / 365);
  if (days < 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}
