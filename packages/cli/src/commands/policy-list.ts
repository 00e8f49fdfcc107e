import type { PolicyError } from '@netledger/policy-engine';
import type { InForcePolicyView, PoliciesQueryResult, RejectedPolicyView, RejectedQueryResult } from '@netledger/policy-service';
import type { DataDir } from '@netledger/runtime';
import { printJson, table, type OutputFormat } from '../output.js';
import { queryPolicyService } from './policy-service-client.js';

export const POLICY_LIST_HELP = `Usage: netledger policy list [--data-dir DIR] [-o json]

Every policy the policy service knows, with the revision at which its current version came into
force and its status: "in force", "rejected: REASON" (no version was ever valid), or "in force,
newer version rejected: REASON" (the last valid version stays in force). REASON is the first
error (field: message); -o json lists every error.`;

/** One policy as `policy list` shows it. */
export interface PolicyListRow {
  readonly namespace: string | null;
  readonly name: string;
  readonly kind: string;
  /** Revision of the version in force; null when none is. */
  readonly revision: number | null;
  readonly status: string;
  /** Errors of the rejected version, if one is pending. */
  readonly errors: readonly PolicyError[];
}

export interface PolicyListOptions {
  readonly dataDir: DataDir;
  readonly output: OutputFormat;
  /** Where output goes (default stdout). */
  readonly print?: (text: string) => void;
}

/** `netledger policy list`: the policy service's `policies` and `rejected` queries as one table. */
export async function policyList(options: PolicyListOptions): Promise<number> {
  const [inForce, rejected] = await Promise.all([
    queryPolicyService<PoliciesQueryResult>(options.dataDir, 'policies'),
    queryPolicyService<RejectedQueryResult>(options.dataDir, 'rejected'),
  ]);
  const rows = policyListRows(inForce.policies, rejected.rejected);
  const revision = Math.max(inForce.revision, rejected.revision);
  if (options.output === 'json') {
    const body = { revision, policies: rows };
    if (options.print) options.print(JSON.stringify(body, null, 2));
    else printJson(body);
    return 0;
  }
  const print = options.print ?? console.log;
  if (rows.length === 0) {
    print(`no policies (revision ${revision})`);
    return 0;
  }
  print(
    table(
      ['NAMESPACE', 'NAME', 'KIND', 'REVISION', 'STATUS'],
      rows.map((r) => [r.namespace ?? '-', r.name, r.kind, r.revision === null ? '-' : String(r.revision), r.status]),
    ),
  );
  print(`\nRevision: ${revision}`);
  return 0;
}

/** Rows sorted by namespace (cluster-wide first), name and kind. */
export function policyListRows(inForce: readonly InForcePolicyView[], rejected: readonly RejectedPolicyView[]): PolicyListRow[] {
  const rows = new Map<string, PolicyListRow>();
  for (const p of inForce) {
    const pending = p.newerVersionRejected;
    rows.set(p.stream, {
      namespace: p.namespace,
      name: p.name,
      kind: p.kind,
      revision: p.revision,
      status: pending ? `in force, newer version rejected: ${reason(pending.errors)}` : 'in force',
      errors: pending?.errors ?? [],
    });
  }
  for (const r of rejected) {
    if (rows.has(r.stream)) continue;
    rows.set(r.stream, { namespace: r.namespace, name: r.name, kind: r.kind, revision: null, status: `rejected: ${reason(r.errors)}`, errors: r.errors });
  }
  return [...rows.values()].sort((a, b) => compare(a.namespace ?? '', b.namespace ?? '') || compare(a.name, b.name) || compare(a.kind, b.kind));
}

function reason(errors: readonly PolicyError[]): string {
  const [first] = errors;
  if (!first) return 'no reason given';
  const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
  return `${first.field ? `${first.field}: ` : ''}${first.message}${more}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
