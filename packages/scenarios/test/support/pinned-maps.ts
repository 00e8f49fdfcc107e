import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { probePinnedMaps } from '@netledger/datapath';

/** A pin directory of its own under bpffs; remove it with `removePinDir`. */
export function tempPinDir(): string {
  return `/sys/fs/bpf/netledger-test-${randomBytes(6).toString('hex')}`;
}

/** Unpins every map under the directory and removes it (missing: fine). */
export function removePinDir(pinDir: string): void {
  rmSync(pinDir, { recursive: true, force: true });
}

let why: string | undefined | null = null;

/**
 * Why pinned kernel maps cannot be used here (undefined when they can): root, bpffs, bpftool
 * and the bpf addon, probed once by creating, writing and unpinning a throwaway map.
 */
export function pinnedMapsUnavailable(): string | undefined {
  if (why !== null) return why;
  if (process.getuid?.() !== 0) return (why = 'pinned BPF maps need root (CAP_BPF, and CAP_SYS_ADMIN to mount bpffs); not running as root');
  const dir = tempPinDir();
  const probe = probePinnedMaps(dir);
  removePinDir(dir);
  return (why = probe.ok ? undefined : `pinned BPF maps unavailable: ${probe.reason}`);
}
