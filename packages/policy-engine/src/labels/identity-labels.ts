import type { Labels } from './label-selector.js';
import { NAMESPACE_LABELS_PREFIX, POD_NAMESPACE_LABEL, SERVICE_ACCOUNT_LABEL } from './security-labels.js';

/** Source prefix of the labels an identity carries for Kubernetes workloads (`k8s:app=web`). */
export const K8S_LABEL_SOURCE = 'k8s:';

/** The parts of a workload that its identity's labels encode. */
export interface IdentityWorkloadLabels {
  readonly labels: Labels;
  readonly namespaceLabels: Labels;
  readonly serviceAccount?: string;
}

/**
 * An identity's labels as the identity service publishes them (`k8s:key=value`, sorted) turned
 * back into the parts `securityLabels` derives a label set from, so policies are evaluated by
 * identity exactly as by pod: the CLI's trace and the node agent use this on identity events.
 * `reserved:` labels are not a workload's and are left out.
 */
export function workloadFromIdentityLabels(identityLabels: readonly string[]): IdentityWorkloadLabels {
  const labels: Record<string, string> = {};
  const namespaceLabels: Record<string, string> = {};
  let serviceAccount: string | undefined;
  for (const text of identityLabels) {
    if (!text.startsWith(K8S_LABEL_SOURCE)) continue;
    const body = text.slice(K8S_LABEL_SOURCE.length);
    const eq = body.indexOf('=');
    const key = eq < 0 ? body : body.slice(0, eq);
    const value = eq < 0 ? '' : body.slice(eq + 1);
    if (key === POD_NAMESPACE_LABEL) continue;
    if (key === SERVICE_ACCOUNT_LABEL) serviceAccount = value;
    else if (key.startsWith(NAMESPACE_LABELS_PREFIX)) namespaceLabels[key.slice(NAMESPACE_LABELS_PREFIX.length)] = value;
    else labels[key] = value;
  }
  return { labels, namespaceLabels, ...(serviceAccount === undefined ? {} : { serviceAccount }) };
}
