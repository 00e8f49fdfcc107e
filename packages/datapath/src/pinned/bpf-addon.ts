import { createRequire } from 'node:module';
import { DatapathUnavailableError } from '../datapath-errors.js';

/** The `bpf` npm package (libbpf bindings). */
export type BpfAddon = typeof import('bpf');

let addon: BpfAddon | undefined;

/**
 * Loads the native addon on first use, not at import: the memory adapter and the codecs must
 * work where it cannot load (another OS, a missing prebuild).
 */
export function loadBpfAddon(pinDir: string): BpfAddon {
  if (addon) return addon;
  try {
    addon = createRequire(import.meta.url)('bpf') as BpfAddon;
    return addon;
  } catch (e) {
    throw new DatapathUnavailableError(pinDir, `the bpf addon does not load: ${(e as Error).message}`, { cause: e });
  }
}

/** The errno name of a BPFError from the addon (`ENOENT`, `E2BIG`, ...), if it is one. */
export function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** How many entries of a batch the kernel processed before the error, when it said. */
export function batchCountOf(e: unknown): number | undefined {
  const count = (e as { count?: unknown } | null)?.count;
  return typeof count === 'number' ? count : undefined;
}
