import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatapathUnavailableError } from '../datapath-errors.js';

const BPF_FS_MAGIC = 0xcafe4a11;
const BPFFS_ROOT = '/sys/fs/bpf';

/** True when `path` (or, when it does not exist yet, its nearest existing parent) is on bpffs. */
export function isOnBpffs(path: string): boolean {
  let p = path;
  while (!existsSync(p)) {
    const parent = dirname(p);
    if (parent === p) return false;
    p = parent;
  }
  return statfsSync(p).type === BPF_FS_MAGIC;
}

/**
 * Makes `pinDir` an existing directory on bpffs. When it lives under /sys/fs/bpf and that is
 * not mounted yet, mounts it (`mount -t bpf bpf /sys/fs/bpf`), as the agent owns the node.
 */
export function ensurePinDir(pinDir: string): void {
  if (!isOnBpffs(pinDir)) {
    if (!pinDir.startsWith(`${BPFFS_ROOT}/`) || !existsSync(BPFFS_ROOT)) {
      throw new DatapathUnavailableError(pinDir, 'not on a bpf filesystem (mount one with mount -t bpf bpf DIR)');
    }
    const r = spawnSync('mount', ['-t', 'bpf', 'bpf', BPFFS_ROOT], { encoding: 'utf8' });
    if (r.status !== 0 || !isOnBpffs(pinDir)) {
      const why = r.error?.message ?? (r.stderr.trim() || `exit ${String(r.status)}`);
      throw new DatapathUnavailableError(pinDir, `${BPFFS_ROOT} is not bpffs and mounting it failed: ${why}`);
    }
  }
  try {
    mkdirSync(pinDir, { recursive: true });
  } catch (e) {
    throw new DatapathUnavailableError(pinDir, `cannot create the pin directory: ${(e as Error).message}`, { cause: e });
  }
}
