import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The programs the plugin runs, by absolute path. */
export interface Tools {
  readonly ip: string;
  readonly nsenter: string;
  readonly sysctl: string;
  readonly tc: string;
  /** Only CHECK needs it (to compare attached program ids with the pinned ones). */
  readonly bpftool: string | undefined;
}

// Runtimes call plugins with whatever PATH they have (sometimes none): the sbin directories,
// where Debian puts ip and bpftool, are searched after it.
const FALLBACK_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

/** Finds the tools in PATH, then the usual directories; a missing one resolves to its bare name (the spawn then fails naming it). */
export function resolveTools(pathEnv: string | undefined): Tools {
  const dirs = [...(pathEnv ?? '').split(delimiter).filter((d) => d !== ''), ...FALLBACK_DIRS];
  const find = (name: string): string | undefined => dirs.map((d) => join(d, name)).find((p) => existsSync(p));
  return Object.freeze({
    ip: find('ip') ?? 'ip',
    nsenter: find('nsenter') ?? 'nsenter',
    sysctl: find('sysctl') ?? 'sysctl',
    tc: find('tc') ?? 'tc',
    bpftool: find('bpftool'),
  });
}
