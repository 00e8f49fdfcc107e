import type { PolicyKind } from '@netledger/policy-engine';

const PREFIX: Readonly<Record<PolicyKind, string>> = {
  NetworkPolicy: 'policy',
  CiliumNetworkPolicy: 'cnp',
  CiliumClusterwideNetworkPolicy: 'ccnp',
};

/** The Kubernetes resources the service watches, in the order it reports them. */
export const POLICY_KINDS: readonly PolicyKind[] = ['NetworkPolicy', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'];

/**
 * The stream of one policy object. The kind is part of it because a NetworkPolicy and a
 * CiliumNetworkPolicy may share a namespace and a name: `policy/<ns>/<name>`,
 * `cnp/<ns>/<name>`, `ccnp/<name>`.
 */
export function policyStream(kind: PolicyKind, namespace: string | null, name: string): string {
  return kind === 'CiliumClusterwideNetworkPolicy' ? `${PREFIX[kind]}/${name}` : `${PREFIX[kind]}/${namespace ?? 'default'}/${name}`;
}

/** `namespace/name`, or `name` for the cluster-wide kind: how the policy engine names a policy. */
export function policyRef(namespace: string | null, name: string): string {
  return namespace === null ? name : `${namespace}/${name}`;
}
