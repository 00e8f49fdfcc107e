import type { NormalizedPolicy } from '@netledger/policy-engine';
import type { PoliciesQueryResult } from '@netledger/policy-service';
import { fetchQuery, isAlive, readRunFiles, type DataDir } from '@netledger/runtime';
import { CliError } from '../cli-error.js';

/** Status URL of a running component of the stack in `dataDir`, or undefined when it is not running. */
export function runningComponentUrl(dataDir: DataDir, component: string): string | undefined {
  const run = readRunFiles(dataDir).find((r) => r.component === component);
  return run?.statusUrl && isAlive(run.pid) ? run.statusUrl : undefined;
}

/** Runs one query of the policy service of the stack in `dataDir`; a CliError says what is missing. */
export async function queryPolicyService<T>(dataDir: DataDir, name: 'policies' | 'rejected'): Promise<T> {
  const url = runningComponentUrl(dataDir, 'policy');
  if (url === undefined) throw new CliError(`the policy service is not running from ${dataDir.root} (start the stack with netledger up)`);
  try {
    return await fetchQuery<T>(url, name);
  } catch (e) {
    throw new CliError(`policy service at ${url}: ${name} query failed: ${(e as Error).message}`);
  }
}

/** The policies in force, as the policy engine takes them, and the revision they make up. */
export interface PoliciesInForce {
  readonly revision: number;
  readonly policies: readonly NormalizedPolicy[];
}

export async function fetchPoliciesInForce(dataDir: DataDir): Promise<PoliciesInForce> {
  return policiesInForceOf(await queryPolicyService<PoliciesQueryResult>(dataDir, 'policies'));
}

/** The engine's input from the policy service's `policies` query (live, or over a replayed state). */
export function policiesInForceOf(result: PoliciesQueryResult): PoliciesInForce {
  return {
    revision: result.revision,
    policies: result.policies.map((p) => ({ kind: p.kind, namespace: p.namespace, name: p.name, ref: p.ref, subjects: p.rules })),
  };
}
