import type { ObjectChange, PolicyObject } from '@netledger/k8s';
import { parsePolicy, type PolicyKind } from '@netledger/policy-engine';
import type { PolicyCidrChange } from './decide-policy-cidrs.js';
import { kubernetesCause } from './observed-cluster.js';
import { cidrReferencesStream, policyCidrs } from './policy-cidrs.js';

const API_VERSIONS: Readonly<Record<PolicyKind, string>> = {
  NetworkPolicy: 'networking.k8s.io/v1',
  CiliumNetworkPolicy: 'cilium.io/v2',
  CiliumClusterwideNetworkPolicy: 'cilium.io/v2',
};

/** What a policy change means for CIDR references: new ones to decide, or a policy we cannot read. */
export type PolicyObservation =
  | { readonly kind: 'change'; readonly change: PolicyCidrChange }
  | { readonly kind: 'invalid'; readonly stream: string; readonly problem: string };

/**
 * The policies as the sources last delivered them, reduced to the CIDRs their rules reference.
 * An invalid policy contributes nothing new: the policy service reports it, and here the CIDRs
 * of its last valid version (if any) stay referenced until a valid version or a delete replaces
 * them, so a typo in an edit does not pull identities out from under rules in force elsewhere.
 */
export class ObservedPolicies {
  /** Last valid reading of each listed policy (invalid ones are listed without one). */
  private readonly valid = new Map<string, PolicyCidrChange>();
  private readonly listed = new Set<string>();

  isListed(stream: string): boolean {
    return this.listed.has(stream);
  }

  /** The last valid reading of every listed policy (a resync decides them again). */
  current(): IterableIterator<PolicyCidrChange> {
    return this.valid.values();
  }

  onPolicy(kind: PolicyKind, change: ObjectChange<PolicyObject>): PolicyObservation {
    const o = change.object;
    const namespace = kind === 'CiliumClusterwideNetworkPolicy' ? null : (o.metadata.namespace ?? 'default');
    const stream = cidrReferencesStream(kind, namespace, o.metadata.name);
    const cause = kubernetesCause(kind, o);
    const base = { stream, policyKind: kind, namespace, name: o.metadata.name, cause };
    if (change.type === 'delete') {
      this.listed.delete(stream);
      this.valid.delete(stream);
      return { kind: 'change', change: { ...base, cidrs: [] } };
    }
    this.listed.add(stream);
    const parsed = parsePolicy({ ...o, kind, apiVersion: API_VERSIONS[kind] });
    if (!parsed.ok) {
      const first = parsed.errors[0];
      const problem = first ? `${first.object}: ${first.field || '(object)'} ${first.message}` : 'rejected';
      return { kind: 'invalid', stream, problem };
    }
    const reading: PolicyCidrChange = { ...base, cidrs: policyCidrs(parsed.policy) };
    this.valid.set(stream, reading);
    return { kind: 'change', change: reading };
  }
}
