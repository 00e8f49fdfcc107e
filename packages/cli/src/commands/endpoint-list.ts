import type { EndpointRow } from '@netledger/identity-service';
import type { DataDir } from '@netledger/runtime';
import { printJson, table, type OutputFormat } from '../output.js';
import { queryIdentityService } from './identity-list.js';

export const ENDPOINT_LIST_HELP = `Usage: netledger endpoint list [--data-dir DIR] [--node NAME] [--namespace NS] [-o json]

The endpoints in force, as the identity service decided them: each pod with IPs on a node
(not host-network, not finished), its IPs, its security identity and its own labels.
--node and --namespace narrow the list. -o json adds the pod uid and the named ports.`;

export interface EndpointListOptions {
  readonly node?: string | undefined;
  readonly namespace?: string | undefined;
}

/** `netledger endpoint list`: prints the endpoints (to `print` when given). Exit code 0. */
export async function endpointList(
  dataDir: DataDir,
  output: OutputFormat,
  options: EndpointListOptions = {},
  print?: (text: string) => void,
): Promise<number> {
  const params: Record<string, string> = {};
  if (options.node !== undefined) params['node'] = options.node;
  if (options.namespace !== undefined) params['namespace'] = options.namespace;
  const rows = await queryIdentityService<EndpointRow[]>(dataDir, 'endpoints', params);
  if (output === 'json') {
    if (print) print(JSON.stringify(rows, null, 2));
    else printJson(rows);
  } else {
    (print ?? console.log)(formatEndpointList(rows));
  }
  return 0;
}

/** `ENDPOINT  NODE  IPS  IDENTITY  LABELS`, labels as k=v sorted by key. */
export function formatEndpointList(rows: readonly EndpointRow[]): string {
  return table(
    ['ENDPOINT', 'NODE', 'IPS', 'IDENTITY', 'LABELS'],
    rows.map((r) => [
      `${r.namespace}/${r.pod}`,
      r.node,
      r.ips.join(','),
      String(r.identity),
      Object.keys(r.labels)
        .sort()
        .map((k) => `${k}=${r.labels[k]!}`)
        .join(','),
    ]),
  );
}
