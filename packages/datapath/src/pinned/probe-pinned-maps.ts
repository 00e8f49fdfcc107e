import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadBpfAddon } from './bpf-addon.js';
import { ensurePinDir } from './bpffs.js';
import { bpftoolMapCreate, findBpftool } from './bpftool.js';
import { DEFAULT_PIN_DIR } from './pinned-datapath-maps.js';

export type PinnedMapsProbe = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Whether pinned maps can be used under `pinDir`, by doing what openPinnedDatapathMaps does
 * on a throwaway map: load the addon, find bpftool, mount bpffs if needed, create the pin dir,
 * create and pin a map, open it, write to it, unpin it. The reason names the step that failed,
 * so an agent that falls back to memory maps can say why.
 */
export function probePinnedMaps(pinDir: string = DEFAULT_PIN_DIR, bpftool: string | undefined = findBpftool()): PinnedMapsProbe {
  if (process.platform !== 'linux') return { ok: false, reason: `BPF maps need Linux (this is ${process.platform})` };
  if (!bpftool) return { ok: false, reason: 'bpftool is not installed (apt-get install bpftool)' };
  const path = join(pinDir, `nl_probe_${process.pid}`);
  const dirExisted = existsSync(pinDir);
  try {
    const bpf = loadBpfAddon(pinDir);
    ensurePinDir(pinDir);
    bpftoolMapCreate({ bpftool, path, name: 'nl_probe', type: 'hash', keySize: 4, valueSize: 4, capacity: 1 });
    const ref = bpf.createMapRef(bpf.objGet(path), { transfer: true });
    try {
      new bpf.RawMap(ref).set(Buffer.alloc(4), Buffer.alloc(4));
    } finally {
      ref.close();
    }
    return { ok: true };
  } catch (e) {
    const message = (e as Error).message;
    const errno = (e as { code?: unknown }).code;
    const hint = errno === 'EPERM' || /Operation not permitted/i.test(message) ? ' (needs root or CAP_BPF)' : '';
    return { ok: false, reason: `${message}${hint}` };
  } finally {
    rmSync(path, { force: true });
    // A directory the probe made for itself goes too (a probe must leave nothing behind).
    if (!dirExisted) removeIfEmpty(pinDir);
  }
}

function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // Not there, or not ours to remove.
  }
}
