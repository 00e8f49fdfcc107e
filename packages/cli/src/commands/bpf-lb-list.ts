import { formatLbList, lbListRows } from '@netledger/datapath';
import type { OutputFormat } from '../output.js';
import { printBpfResult } from './bpf-output.js';
import { PIN_DIR_HELP, withPinnedMaps } from './bpf-pinned-maps.js';

export const BPF_LB_LIST_HELP = `Usage: netledger bpf lb list [--pin-dir DIR] [-o json]

The nl_lb4_services map, like cilium bpf lb list: one line per slot of each frontend. Slot 0
is the master entry, shown as 0.0.0.0:0 (REVNAT_ID) (0) [ClusterIP, NodePort, ...] with the
session affinity timeout when set; slots 1..count are the backends (from nl_lb4_backends),
with their state when it is not active. Frontend address 0.0.0.0 is a NodePort on every node
address. -o json prints one object per frontend with its slots.
${PIN_DIR_HELP}`;

/** `netledger bpf lb list`. Exit code 0. */
export async function bpfLbList(pinDir: string, output: OutputFormat, print?: (text: string) => void): Promise<number> {
  const { services, backends } = withPinnedMaps(pinDir, (maps) => ({ services: maps.lb4Services.dump(), backends: maps.lb4Backends.dump() }));
  printBpfResult(output, () => lbListRows(services, backends), () => formatLbList(services, backends), print);
  return 0;
}
