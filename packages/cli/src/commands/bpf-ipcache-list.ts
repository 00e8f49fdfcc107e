import { formatIpcacheList, ipcacheListRows } from '@netledger/datapath';
import type { OutputFormat } from '../output.js';
import { printBpfResult } from './bpf-output.js';
import { PIN_DIR_HELP, withPinnedMaps } from './bpf-pinned-maps.js';

export const BPF_IPCACHE_LIST_HELP = `Usage: netledger bpf ipcache list [--pin-dir DIR] [-o json]

The nl_ipcache map, like cilium bpf ipcache list: every IP prefix the datapath knows, with
its security identity, flags (local: an endpoint on this node; cidr: a CIDR identity from a
policy) and tunnel endpoint (the node hosting it; 0.0.0.0 when local or unknown). Sorted by
address family, address and prefix length. -o json prints the same rows.
${PIN_DIR_HELP}`;

/** `netledger bpf ipcache list`. Exit code 0. */
export async function bpfIpcacheList(pinDir: string, output: OutputFormat, print?: (text: string) => void): Promise<number> {
  const entries = withPinnedMaps(pinDir, (maps) => maps.ipcache.dump());
  printBpfResult(output, () => ipcacheListRows(entries), () => formatIpcacheList(entries), print);
  return 0;
}
