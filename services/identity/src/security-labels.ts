import type { Pod } from '@netledger/k8s';
import type { LabelFilter } from './label-filter.js';

/** Source prefix of labels that come from Kubernetes objects. */
export const K8S_SOURCE = 'k8s:';
/** The pod's namespace, as Cilium names it. */
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
/** Prefix under which a pod carries its namespace's labels. */
export const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';
/** The pod's service account. */
export const SERVICE_ACCOUNT_LABEL = 'io.cilium.k8s.policy.serviceaccount';
/** The label the Kubernetes API server puts on every namespace; added when a source lacks it. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The namespace's part of its pods' security labels: the namespace itself and its labels
 * (prefixed), computed once per namespace change rather than once per pod.
 */
export function namespaceSecurityLabels(namespace: string, labels: Readonly<Record<string, string>> | undefined, filter: LabelFilter): string[] {
  const out = [`${K8S_SOURCE}${POD_NAMESPACE_LABEL}=${namespace}`];
  const all: Readonly<Record<string, string>> = { [NAMESPACE_NAME_LABEL]: namespace, ...labels };
  for (const key of Object.keys(all)) {
    if (filter.includes(key)) out.push(`${K8S_SOURCE}${NAMESPACE_LABELS_PREFIX}${key}=${all[key]!}`);
  }
  return out.sort();
}

/**
 * A pod's security-relevant label set, sorted: its own labels that pass the filter, its
 * service account (default `default`), and its namespace's part. Two pods with equal sets
 * share one identity.
 */
export function podSecurityLabels(pod: Pod, namespacePart: readonly string[], filter: LabelFilter): string[] {
  const out = [...namespacePart];
  const labels = pod.metadata.labels;
  if (labels) {
    for (const key of Object.keys(labels)) {
      if (filter.includes(key)) out.push(`${K8S_SOURCE}${key}=${labels[key]!}`);
    }
  }
  out.push(`${K8S_SOURCE}${SERVICE_ACCOUNT_LABEL}=${pod.spec?.serviceAccountName || 'default'}`);
  return out.sort();
}

/** The map key of a label set (labels cannot contain a newline, so joining is unambiguous). */
export function labelSetKey(labels: readonly string[]): string {
  return labels.join('\n');
}
