import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RawMap } from 'bpf';
import { MapNotPinnedError, MapOperationError } from '../datapath-errors.js';
import { errnoOf, loadBpfAddon } from './bpf-addon.js';

/** A pinned map opened at the byte level (the datapath-internal maps), with its close. */
export interface PinnedRawMap {
  readonly raw: RawMap;
  readonly maxEntries: number;
  close(): void;
}

/** Opens `<pinDir>/<name>`; MapNotPinnedError when it is not there. */
export function openPinnedRaw(pinDir: string, name: string): PinnedRawMap {
  const bpf = loadBpfAddon(pinDir);
  const path = join(pinDir, name);
  if (!existsSync(path)) throw new MapNotPinnedError(name, path);
  let fd: number;
  try {
    fd = bpf.objGet(path);
  } catch (e) {
    const errno = errnoOf(e);
    const hint = errno === 'EPERM' || errno === 'EACCES' ? ' (needs root or CAP_BPF)' : '';
    throw new MapOperationError(name, 'open', errno, `${path}: ${errno ?? (e as Error).message}${hint}`, { cause: e });
  }
  const ref = bpf.createMapRef(fd, { transfer: true });
  return { raw: new bpf.RawMap(ref), maxEntries: ref.maxEntries, close: () => ref.close() };
}
