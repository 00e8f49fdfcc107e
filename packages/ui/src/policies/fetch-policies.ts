import type { PoliciesQueryResult } from '@netledger/policy-service';
import { fetchQuery, isAlive, readRunFiles, type DataDir } from '@netledger/runtime';
import { ApiError } from '../http/api-error.js';
import { summarizePolicy, type PolicySummary } from './policy-summary.js';

/** Answer of `/api/policies`: the policies in force, grouped by namespace (cluster-wide ones last, namespace null). */
export interface PoliciesByNamespace {
  readonly revision: number;
  readonly namespaces: ReadonlyArray<{ readonly namespace: string | null; readonly policies: readonly PolicySummary[] }>;
}

/**
 * Asks the policy service of the stack in `dataDir` (found by its run file) for the policies in
 * force; ApiError(503) when it is not running or does not answer.
 */
export async function fetchPolicies(dataDir: DataDir): Promise<PoliciesByNamespace> {
  const run = readRunFiles(dataDir).find((r) => r.component === 'policy');
  if (!run?.statusUrl || !isAlive(run.pid)) throw new ApiError(503, `the policy service is not running from ${dataDir.root}`);
  let result: PoliciesQueryResult;
  try {
    result = await fetchQuery<PoliciesQueryResult>(run.statusUrl, 'policies', {}, 5000);
  } catch (e) {
    throw new ApiError(503, `policy service at ${run.statusUrl}: policies query failed: ${(e as Error).message}`, { cause: e });
  }
  return groupByNamespace(result.revision, result.policies.map(summarizePolicy));
}

/** Groups summaries by namespace: namespaces sorted by name, then the cluster-wide group. */
export function groupByNamespace(revision: number, policies: readonly PolicySummary[]): PoliciesByNamespace {
  const groups = new Map<string | null, PolicySummary[]>();
  for (const p of policies) groups.set(p.namespace, [...(groups.get(p.namespace) ?? []), p]);
  const keys = [...groups.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
  return {
    revision,
    namespaces: keys.map((namespace) => ({
      namespace,
      policies: groups.get(namespace)!.sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind)),
    })),
  };
}
