import type { Membership, ServicesQueryResult, ServiceView } from '@netledger/lb-service';
import { fetchQuery, isAlive, readRunFiles, type DataDir } from '@netledger/runtime';
import { CliError } from '../cli-error.js';
import { printJson, table, type OutputFormat } from '../output.js';

export const SERVICE_LIST_HELP = `Usage: netledger service list [--data-dir DIR] [-o json]

The load balancer as the lb service decided it, like cilium service list: one line per
frontend (ClusterIP, NodePort, LoadBalancer or ExternalIP address) with its id, which is also
its rev-NAT index, and its numbered backends with their state. A terminating backend serves
only while its frontend has no active one. NodePort frontends show 0.0.0.0 (or [::]): every
node address. -o json prints the same rows with the service and backend ids.`;

/** One frontend as printed: the row of `service list`. */
export interface FrontendRow {
  readonly id: number;
  readonly frontend: string;
  readonly type: string;
  readonly service: { readonly namespace: string; readonly name: string; readonly serviceId: number };
  readonly backends: ReadonlyArray<{ readonly backendId: number; readonly address: string; readonly state: string; readonly node: string }>;
}

/**
 * `netledger service list`: asks the running lb service (found through its run file in the data
 * dir) for its `services` query and prints one row per frontend (to `print` when given).
 */
export async function serviceList(dataDir: DataDir, output: OutputFormat, print?: (text: string) => void): Promise<number> {
  const run = readRunFiles(dataDir).find((r) => r.component === 'lb');
  if (!run?.statusUrl || !isAlive(run.pid)) {
    throw new CliError(`the lb service is not running from ${dataDir.root} (start the stack with netledger up)`);
  }
  let result: ServicesQueryResult;
  try {
    result = await fetchQuery<ServicesQueryResult>(run.statusUrl, 'services');
  } catch (e) {
    throw new CliError(`lb service at ${run.statusUrl}: services query failed: ${(e as Error).message}`);
  }
  const rows = frontendRows(result.services);
  if (output === 'json') {
    if (print) print(JSON.stringify(rows, null, 2));
    else printJson(rows);
  } else {
    (print ?? console.log)(formatServiceList(rows));
  }
  return 0;
}

/** Rows by frontend id; each frontend gets the backends of its port name and address family. */
export function frontendRows(services: readonly ServiceView[]): FrontendRow[] {
  const rows: FrontendRow[] = [];
  for (const s of services) {
    for (const f of s.frontends) {
      const v6 = f.ip.includes(':');
      const backends = s.backends
        .filter((b) => b.portName === f.portName && b.ip.includes(':') === v6)
        .map((b: Membership) => ({ backendId: b.backendId, address: address(b.ip, b.port, b.protocol), state: b.state, node: b.node }));
      rows.push({
        id: f.id,
        frontend: address(f.ip, f.port, f.protocol),
        type: f.type,
        service: { namespace: s.namespace, name: s.name, serviceId: s.serviceId },
        backends,
      });
    }
  }
  return rows.sort((a, b) => a.id - b.id);
}

/** The text table: `ID  Frontend  Service Type  Backend`, one line per backend under its frontend. */
export function formatServiceList(rows: readonly FrontendRow[]): string {
  const lines: string[][] = [];
  for (const r of rows) {
    const [first, ...rest] = r.backends.map((b, i) => `${i + 1} => ${b.address} (${b.state})`);
    lines.push([String(r.id), r.frontend, r.type, first ?? '']);
    for (const b of rest) lines.push(['', '', '', b]);
  }
  return table(['ID', 'Frontend', 'Service Type', 'Backend'], lines);
}

function address(ip: string, port: number, protocol: string): string {
  return `${ip.includes(':') ? `[${ip}]` : ip}:${port}/${protocol}`;
}
