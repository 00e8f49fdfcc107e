import type { Cause, EventData, IdentityAllocated, PolicyCidrsReferenced } from '@netledger/contracts';
import type { AppendRequest } from '@netledger/eventlog';
import type { PolicyKind } from '@netledger/policy-engine';
import { nextFreeIdentity } from './identity-allocator.js';
import type { IdentityRange } from './identity-options.js';
import type { IdentityState } from './identity-state.js';
import { cidrLabels } from './policy-cidrs.js';
import { FIRST_CIDR_IDENTITY, identityStream, LAST_CIDR_IDENTITY } from './reserved-identities.js';
import { labelSetKey } from './security-labels.js';

/** The CIDR identity range: Cilium's node-local scope. */
export const CIDR_RANGE: IdentityRange = Object.freeze({ first: FIRST_CIDR_IDENTITY, last: LAST_CIDR_IDENTITY });

/** The CIDRs one policy references now. */
export interface PolicyCidrChange {
  /** `cidr-references/...` stream of the policy (`cidrReferencesStream`). */
  readonly stream: string;
  readonly policyKind: PolicyKind;
  readonly namespace: string | null;
  readonly name: string;
  /** Sorted, distinct prefixes; empty when the policy is deleted. */
  readonly cidrs: readonly string[];
  readonly cause: Cause;
}

export interface PolicyCidrDecisions {
  /** Allocations first, then references: applied in order, a reference finds its identity. */
  readonly requests: AppendRequest[];
  /** Policies with a prefix left out because no CIDR number was free; decided again after a release. */
  readonly exhausted: string[];
}

/**
 * Decides a batch of policies' CIDR references against the state: an identity for each prefix
 * that has none live, and a `PolicyCidrsReferenced` for each policy whose list differs from the
 * one in force (so a restart or a resync appends nothing for unchanged policies). Policies of
 * one batch share the identities allocated in it. Pure.
 */
export function decidePolicyCidrs(state: IdentityState, changes: readonly PolicyCidrChange[], range: IdentityRange = CIDR_RANGE): PolicyCidrDecisions {
  const allocations: AppendRequest[] = [];
  const references: AppendRequest[] = [];
  const exhausted: string[] = [];
  const planned = new Set<number>();
  const plannedPrefixes = new Set<string>();
  let cursor = state.cursors.get('cidr');
  let rangeFull = false;
  const inUse = (id: number): boolean => planned.has(id) || state.identities.get(id)?.live === true;

  for (const change of changes) {
    const current = state.policyCidrs.get(change.stream);
    const cidrs: string[] = [];
    let left = false;
    for (const prefix of change.cidrs) {
      const labels = cidrLabels(prefix);
      if (plannedPrefixes.has(prefix) || state.byLabels.has(labelSetKey(labels))) {
        cidrs.push(prefix);
        continue;
      }
      const id = rangeFull ? undefined : nextFreeIdentity(range, cursor, inUse);
      if (id === undefined) {
        rangeFull = true;
        left = true;
        continue;
      }
      cursor = id;
      planned.add(id);
      plannedPrefixes.add(prefix);
      cidrs.push(prefix);
      const data: EventData<typeof IdentityAllocated> = { id, scope: 'cidr', labels };
      allocations.push({
        stream: identityStream(id),
        expectedVersion: state.identities.get(id)?.version ?? 0,
        events: [{ type: 'IdentityAllocated', data, cause: change.cause }],
      });
    }
    if (left) exhausted.push(change.stream);
    if (sameList(current?.cidrs ?? [], cidrs)) continue;
    const data: EventData<typeof PolicyCidrsReferenced> = { policyKind: change.policyKind, namespace: change.namespace, name: change.name, cidrs };
    references.push({
      stream: change.stream,
      expectedVersion: current?.version ?? 0,
      events: [{ type: 'PolicyCidrsReferenced', data, cause: change.cause }],
    });
  }
  return { requests: [...allocations, ...references], exhausted };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
