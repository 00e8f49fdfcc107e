import { UsageError } from '../cli-error.js';

/** A point in a service's log: a sequence, or a time (the last event appended at or before it). */
export type LogPoint = { readonly kind: 'seq'; readonly seq: number } | { readonly kind: 'time'; readonly time: Date };

const UNITS = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 } as const;

/**
 * Reads `--flag RAW`: a sequence number, an ISO-8601 time, or a duration ago (`10m`, `2h`).
 * `now` is given by the caller so the command reads the clock once.
 */
export function parseLogPoint(flag: string, raw: string, now: number): LogPoint {
  if (/^\d+$/.test(raw)) return { kind: 'seq', seq: Number(raw) };
  const ago = /^(\d+)(s|m|h|d)$/.exec(raw);
  if (ago) return { kind: 'time', time: new Date(now - Number(ago[1]) * UNITS[ago[2] as keyof typeof UNITS]) };
  const time = new Date(raw);
  if (Number.isNaN(time.getTime())) throw new UsageError(`--${flag} ${raw}: expected a sequence number, an ISO-8601 time or a duration like 10m`);
  return { kind: 'time', time };
}

/** `seq 12` or the ISO time, for messages. */
export function describeLogPoint(point: LogPoint): string {
  return point.kind === 'seq' ? `seq ${point.seq}` : point.time.toISOString();
}
