import type { Pod } from '@netledger/k8s';

// Labels that name an application, in the order Hubble's service map prefers them.
const APP_LABELS = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name'];

/**
 * The workload a pod belongs to: its controller (a Deployment's ReplicaSet counts as the
 * Deployment), else the first application label, else the pod itself.
 */
export function workloadOfPod(pod: Pod): string {
  const owner = controllerOf(pod);
  if (owner) {
    // A ReplicaSet made by a Deployment is named <deployment>-<pod-template-hash>.
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) return owner.name.slice(0, -hash.length - 1);
    return owner.name;
  }
  return appLabel(pod.metadata.labels ?? {}) ?? pod.metadata.name;
}

/**
 * The workload of a flow endpoint whose pod is gone (or unknown to the API server): from its
 * identity labels (`k8s:app=web`), else undefined.
 */
export function workloadOfIdentityLabels(labels: readonly string[]): string | undefined {
  const plain: Record<string, string> = {};
  for (const l of labels) {
    if (!l.startsWith('k8s:')) continue;
    const eq = l.indexOf('=');
    if (eq > 4) plain[l.slice(4, eq)] = l.slice(eq + 1);
  }
  return appLabel(plain);
}

function appLabel(labels: Readonly<Record<string, string>>): string | undefined {
  for (const key of APP_LABELS) {
    const value = labels[key];
    if (value) return value;
  }
  return undefined;
}

function controllerOf(pod: Pod): { readonly kind: string; readonly name: string } | undefined {
  // ownerReferences is not in our Pod type: it is read here only, defensively.
  const refs: unknown = (pod.metadata as { ownerReferences?: unknown }).ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs as unknown[]) {
    if (typeof r !== 'object' || r === null) continue;
    const { controller, kind, name } = r as Record<string, unknown>;
    if (controller === true && typeof kind === 'string' && typeof name === 'string') return { kind, name };
  }
  return undefined;
}
