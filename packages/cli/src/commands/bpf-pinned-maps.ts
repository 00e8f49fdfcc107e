import {
  DatapathError,
  DEFAULT_PIN_DIR,
  MapNotPinnedError,
  openPinnedDatapathMaps,
  type PinnedDatapathMaps,
} from '@netledger/datapath';
import { CliError } from '../cli-error.js';

export { DEFAULT_PIN_DIR };

/** The `--pin-dir` line every bpf command's help shares. */
export const PIN_DIR_HELP = `--pin-dir DIR reads the maps pinned in DIR (default: the node agent's pin directory of the
stack running from --data-dir, else /sys/fs/bpf/netledger/<host name>). The maps are read
directly from the kernel: no running stack is needed, but root (or CAP_BPF) is.`;

/**
 * Runs `read` over the maps pinned in `pinDir`, opened without creating anything, and closes
 * them. A missing pin directory or map, or maps that cannot be opened, become a one-line error.
 */
export function withPinnedMaps<T>(pinDir: string, read: (maps: PinnedDatapathMaps) => T): T {
  let maps: PinnedDatapathMaps | undefined;
  try {
    maps = openPinnedDatapathMaps({ pinDir, create: false });
    return read(maps);
  } catch (e) {
    if (e instanceof MapNotPinnedError && e.map === undefined) {
      throw new CliError(`pin directory ${pinDir} does not exist: no node agent has pinned its maps there (--pin-dir DIR reads another)`);
    }
    if (e instanceof MapNotPinnedError) throw new CliError(`map ${e.map!} is not pinned in ${pinDir} (${e.path} does not exist)`);
    if (e instanceof DatapathError) throw new CliError(e.message);
    throw e;
  } finally {
    maps?.close();
  }
}
