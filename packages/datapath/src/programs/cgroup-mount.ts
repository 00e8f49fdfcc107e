import { readFileSync } from 'node:fs';

/** The first cgroup v2 mount point (/sys/fs/cgroup/unified on hybrid systems), from /proc/mounts. */
export function findCgroup2Mount(): string | undefined {
  let mounts: string;
  try {
    mounts = readFileSync('/proc/mounts', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of mounts.split('\n')) {
    const [, dir, type] = line.split(' ');
    if (type === 'cgroup2' && dir) return dir;
  }
  return undefined;
}
