import type { IdentityRow } from '@netledger/identity-service';
import { fetchQuery, isAlive, readRunFiles, type DataDir } from '@netledger/runtime';
import { CliError } from '../cli-error.js';
import { printJson, table, type OutputFormat } from '../output.js';

export const IDENTITY_LIST_HELP = `Usage: netledger identity list [--data-dir DIR] [--scope reserved|cluster|cidr] [-o json]

The security identities in force, as the identity service allocated them, like cilium identity
list: number, scope (reserved, cluster, cidr), how many endpoints (for a cidr identity: how many
policies) reference it, and its labels (cidr:<prefix> for a CIDR identity). An identity with 0
references is released once its grace period (--identity-gc-grace) ends. --scope lists one
scope only. -o json prints the rows with the time the last reference went.`;

/** Runs one query of the identity service of the stack in `dataDir`; a CliError says what is missing. */
export async function queryIdentityService<T>(dataDir: DataDir, name: string, params: Record<string, string> = {}): Promise<T> {
  const run = readRunFiles(dataDir).find((r) => r.component === 'identity');
  if (!run?.statusUrl || !isAlive(run.pid)) {
    throw new CliError(`the identity service is not running from ${dataDir.root} (start the stack with netledger up)`);
  }
  try {
    return await fetchQuery<T>(run.statusUrl, name, params);
  } catch (e) {
    throw new CliError(`identity service at ${run.statusUrl}: ${name} query failed: ${(e as Error).message}`);
  }
}

/** `netledger identity list`: prints every live identity, or those of `scope` (to `print` when given). Exit code 0. */
export async function identityList(dataDir: DataDir, output: OutputFormat, print?: (text: string) => void, scope?: string): Promise<number> {
  const rows = await queryIdentityService<IdentityRow[]>(dataDir, 'identities', scope === undefined ? {} : { scope });
  if (output === 'json') {
    if (print) print(JSON.stringify(rows, null, 2));
    else printJson(rows);
  } else {
    (print ?? console.log)(formatIdentityList(rows));
  }
  return 0;
}

/** `ID  SCOPE  REFS  LABELS`, one label per line under its identity, as cilium prints them. */
export function formatIdentityList(rows: readonly IdentityRow[]): string {
  const lines: string[][] = [];
  for (const r of rows) {
    const [first, ...rest] = r.labels;
    lines.push([String(r.id), r.scope, String(r.references), first ?? '']);
    for (const label of rest) lines.push(['', '', '', label]);
  }
  return table(['ID', 'SCOPE', 'REFS', 'LABELS'], lines);
}
