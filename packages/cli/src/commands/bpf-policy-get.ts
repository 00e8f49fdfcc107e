import { isIP } from 'node:net';
import { formatPolicyList, policyListRows, policyMapName, type PinnedDatapathMaps } from '@netledger/datapath';
import { CliError, UsageError } from '../cli-error.js';
import type { OutputFormat } from '../output.js';
import { printBpfResult } from './bpf-output.js';
import { PIN_DIR_HELP, withPinnedMaps } from './bpf-pinned-maps.js';

export const BPF_POLICY_GET_HELP = `Usage: netledger bpf policy get ENDPOINT|--all [--pin-dir DIR] [-o json]

An endpoint's policy map (nl_policy_<id>), like cilium bpf policy get. ENDPOINT is an endpoint
id or a pod IP (resolved through nl_endpoints); --all prints every pinned policy map. Columns:
ACTION (Allow, Deny), DIRECTION, IDENTITY (ANY for identity 0), PORT/PROTO (ANY, ANY/TCP,
80/TCP, or a port block as a range: 8080-8087/TCP) and RULE (the rule id, FNV-1a of the policy
and rule, or "default" for a direction's default entry). -o json prints the same rows.
${PIN_DIR_HELP}`;

export interface BpfPolicyGetOptions {
  readonly pinDir: string;
  readonly endpoint: string | undefined;
  readonly all: boolean;
  readonly output: OutputFormat;
}

/** `netledger bpf policy get`. Exit code 0. */
export async function bpfPolicyGet(options: BpfPolicyGetOptions, print?: (text: string) => void): Promise<number> {
  const { pinDir, endpoint, all, output } = options;
  if (all === (endpoint !== undefined)) throw new UsageError('bpf policy get: give either an ENDPOINT (id or pod IP) or --all');
  const maps = withPinnedMaps(pinDir, (m) => {
    const pinned = m.policyMapIds();
    const ids = all ? pinned : [resolveEndpoint(m, endpoint!)];
    const addresses = addressesById(m);
    return ids.map((id) => {
      if (!pinned.includes(id)) throw new CliError(`endpoint ${id} has no policy map (${policyMapName(id)} is not pinned in ${pinDir})`);
      return { endpointId: id, map: policyMapName(id), addresses: addresses.get(id) ?? [], entries: m.policy(id).dump() };
    });
  });
  const rows = (): unknown => {
    const out = maps.map((p) => ({ endpointId: p.endpointId, map: p.map, addresses: p.addresses, entries: policyListRows(p.entries) }));
    return all ? out : out[0];
  };
  const text = (): string => {
    if (!all) return formatPolicyList(maps[0]!.entries);
    const title = (p: (typeof maps)[number]): string => `${p.map} (endpoint ${p.endpointId}${p.addresses.length ? `, ${p.addresses.join(', ')}` : ''}):`;
    return maps.map((p) => `${title(p)}\n${formatPolicyList(p.entries)}`).join('\n\n');
  };
  printBpfResult(output, rows, text, print);
  return 0;
}

/** An endpoint id, or the id of the local endpoint with this address. */
function resolveEndpoint(maps: PinnedDatapathMaps, endpoint: string): number {
  if (/^[0-9]+$/.test(endpoint)) {
    const id = Number(endpoint);
    if (id < 1 || id > 65535) throw new UsageError(`bpf policy get ${endpoint}: an endpoint id is 1..65535`);
    return id;
  }
  if (!isIP(endpoint)) throw new UsageError(`bpf policy get ${endpoint}: expected an endpoint id or a pod IP`);
  const found = maps.endpoints.lookup({ ip: endpoint });
  if (!found) throw new CliError(`no local endpoint has address ${endpoint} (not in nl_endpoints under ${maps.pinDir})`);
  return found.endpointId;
}

function addressesById(maps: PinnedDatapathMaps): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const { key, value } of maps.endpoints.dump()) out.set(value.endpointId, [...(out.get(value.endpointId) ?? []), key.ip]);
  for (const list of out.values()) list.sort();
  return out;
}
