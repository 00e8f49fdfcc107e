import { endpointListRows, formatEndpointList } from '@netledger/datapath';
import type { OutputFormat } from '../output.js';
import { printBpfResult } from './bpf-output.js';
import { PIN_DIR_HELP, withPinnedMaps } from './bpf-pinned-maps.js';

export const BPF_ENDPOINT_LIST_HELP = `Usage: netledger bpf endpoint list [--pin-dir DIR] [-o json]

The nl_endpoints map: each local endpoint address with its endpoint id, security identity,
host-side interface (0 until the CNI plugin attaches one), the directions in which policy is
enforced, and its policy map (nl_policy_<id>; "(not pinned)" when it is missing). Sorted by
endpoint id. -o json prints the same rows.
${PIN_DIR_HELP}`;

/** `netledger bpf endpoint list`. Exit code 0. */
export async function bpfEndpointList(pinDir: string, output: OutputFormat, print?: (text: string) => void): Promise<number> {
  const { entries, policyMapIds } = withPinnedMaps(pinDir, (maps) => ({ entries: maps.endpoints.dump(), policyMapIds: maps.policyMapIds() }));
  printBpfResult(output, () => endpointListRows(entries, policyMapIds), () => formatEndpointList(entries, policyMapIds), print);
  return 0;
}
