import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The programs the plugin runs, by absolute path. */
export interface Tools {
  readonly ip: string;
  readonly nsenter: string;
  readonly sysctl: string;
  /** Only CHECK needs it (to compare attached program ids with the pinned ones). */
  readonly bpftool: string | undefined;
}

// Runtimes call plugins with whatever PATH they have (sometimes none): the sbin directories,
// where Debian puts ip and bpftool, are searched after it.
const FALLBACK_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

/** PATH with the usual tool directories appended (those it lacks). */
export function pathWithToolDirs(pathEnv: string | undefined): string {
  const dirs = (pathEnv ?? '').split(delimiter).filter((d) => d !== '');
  return [...dirs, ...FALLBACK_DIRS.filter((d) => !dirs.includes(d))].join(delimiter);
}

/** Finds the tools in PATH, then the usual directories; a missing one resolves to its bare name (the spawn then fails naming it). */
export function resolveTools(pathEnv: string | undefined): Tools {
  const dirs = pathWithToolDirs(pathEnv).split(delimiter);
  const find = (name: string): string | undefined => dirs.map((d) => join(d, name)).find((p) => existsSync(p));
  return Object.freeze({
    ip: find('ip') ?? 'ip',
    nsenter: find('nsenter') ?? 'nsenter',
    sysctl: find('sysctl') ?? 'sysctl',
    bpftool: find('bpftool'),
  });
}
