import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { probePinnedMaps } from '@netledger/datapath';

/** A throwaway pin directory on bpffs, or why kernel maps cannot be used here. */
export type BenchPinDir =
  | { readonly ok: true; readonly path: string; remove(): void }
  | { readonly ok: false; readonly reason: string };

/**
 * Makes `/sys/fs/bpf/netledger-bench-<random>-<part>` after probing that this process may create
 * and pin maps there; `remove()` unpins everything under it (the maps go with their last pin).
 */
export function benchPinDir(part: string): BenchPinDir {
  const path = `/sys/fs/bpf/netledger-bench-${randomBytes(4).toString('hex')}-${part}`;
  const probe = probePinnedMaps(path);
  if (!probe.ok) {
    rmSync(path, { recursive: true, force: true });
    return { ok: false, reason: probe.reason };
  }
  return { ok: true, path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
