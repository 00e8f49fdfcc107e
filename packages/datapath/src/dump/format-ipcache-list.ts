import { IPCACHE_FLAGS, type IpcacheKey, type IpcacheValue } from '../layout/map-types.js';
import type { MapEntry } from '../map-port.js';
import { compareIp, formatColumns } from './format-columns.js';

/** One ipcache entry as `bpf ipcache list -o json` prints it. */
export interface IpcacheListRow {
  readonly prefix: string;
  readonly identity: number;
  /** Names of the set IPCACHE_FLAGS bits. */
  readonly flags: string[];
  readonly tunnelEndpoint: string;
}

/** Rows sorted by family, address, then prefix length. */
export function ipcacheListRows(entries: readonly MapEntry<IpcacheKey, IpcacheValue>[]): IpcacheListRow[] {
  return [...entries]
    .sort((a, b) => compareIp(a.key.ip, b.key.ip) || a.key.prefixLength - b.key.prefixLength)
    .map(({ key, value }) => ({
      prefix: `${key.ip}/${key.prefixLength}`,
      identity: value.identity,
      flags: flagNames(value.flags),
      tunnelEndpoint: value.tunnelEndpoint,
    }));
}

/** `IP PREFIX/ADDRESS   IDENTITY   FLAGS   TUNNEL ENDPOINT`, like `cilium bpf ipcache list`. */
export function formatIpcacheList(entries: readonly MapEntry<IpcacheKey, IpcacheValue>[]): string {
  return formatColumns(
    ['IP PREFIX/ADDRESS', 'IDENTITY', 'FLAGS', 'TUNNEL ENDPOINT'],
    ipcacheListRows(entries).map((r) => [r.prefix, String(r.identity), r.flags.join(',') || '-', r.tunnelEndpoint]),
  );
}

function flagNames(flags: number): string[] {
  const names = Object.entries(IPCACHE_FLAGS)
    .filter(([, bit]) => (flags & bit) !== 0)
    .map(([name]) => name);
  const known = Object.values(IPCACHE_FLAGS).reduce((a, b) => a | b, 0);
  if (flags & ~known) names.push(`0x${(flags & ~known).toString(16)}`);
  return names;
}
