import type { Labels } from './label-selector.js';

/** Namespace of the pod, as Cilium names it. */
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
/** Prefix under which a pod carries its namespace's labels. */
export const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';
/** Service account of the pod. */
export const SERVICE_ACCOUNT_LABEL = 'io.cilium.k8s.policy.serviceaccount';
/** The label Kubernetes puts on every namespace (since 1.21); we add it when the caller did not. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** Reserved identities carry `reserved:<name>`; a `:` cannot appear in a Kubernetes label key, so no pod can fake one. */
export const RESERVED_LABEL_PREFIX = 'reserved:';

/** Non-endpoint identities that a flow can come from or go to. */
export type ReservedIdentity = 'world' | 'host' | 'remote-node' | 'kube-apiserver';

const NAMESPACE_NAME_KEY = `${NAMESPACE_LABELS_PREFIX}${NAMESPACE_NAME_LABEL}`;

// securityLabels runs once per peer per query. A freshly concatenated key must be hashed and interned
// every time it is used as a property name; reusing the same string instance makes the call several
// times cheaper. Bounded by the number of distinct namespace label keys in the cluster.
const namespaceLabelKeys = new Map<string, string>();

function namespaceLabelKey(key: string): string {
  let prefixed = namespaceLabelKeys.get(key);
  if (prefixed === undefined) {
    prefixed = `${NAMESPACE_LABELS_PREFIX}${key}`;
    namespaceLabelKeys.set(key, prefixed);
  }
  return prefixed;
}

/** What a pod's security labels are derived from. */
export interface WorkloadLabelSource {
  readonly namespace: string;
  readonly labels: Labels;
  readonly namespaceLabels: Labels;
  readonly serviceAccount?: string;
}

/**
 * The label set policies select a pod by: its own labels, its namespace, its namespace's labels
 * (prefixed) and its service account. Two pods with equal security labels are the same identity.
 */
export function securityLabels(workload: WorkloadLabelSource): Labels {
  const out: Record<string, string> = {};
  for (const key of Object.keys(workload.labels)) out[key] = workload.labels[key]!;
  out[NAMESPACE_NAME_KEY] = workload.namespace;
  for (const key of Object.keys(workload.namespaceLabels)) out[namespaceLabelKey(key)] = workload.namespaceLabels[key]!;
  out[POD_NAMESPACE_LABEL] = workload.namespace;
  if (workload.serviceAccount !== undefined) out[SERVICE_ACCOUNT_LABEL] = workload.serviceAccount;
  return out;
}

const RESERVED_KEYS: Record<ReservedIdentity, string> = {
  world: `${RESERVED_LABEL_PREFIX}world`,
  host: `${RESERVED_LABEL_PREFIX}host`,
  'remote-node': `${RESERVED_LABEL_PREFIX}remote-node`,
  'kube-apiserver': `${RESERVED_LABEL_PREFIX}kube-apiserver`,
};

/** The label set of a reserved identity, e.g. `{ "reserved:world": "" }`. */
export function reservedLabels(identity: ReservedIdentity): Labels {
  return { [RESERVED_KEYS[identity]]: '' };
}

/** Endpoints are exactly the identities that carry a pod namespace. */
export function isEndpointLabels(labels: Labels): boolean {
  return Object.hasOwn(labels, POD_NAMESPACE_LABEL);
}

export function hasReservedLabel(labels: Labels, identity: ReservedIdentity): boolean {
  return Object.hasOwn(labels, RESERVED_KEYS[identity]);
}
