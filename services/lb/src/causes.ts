import type { Cause } from '@netledger/contracts';
import type { KubeObject } from '@netledger/k8s';

/** The cause naming a Kubernetes object at the version that made the decision. */
export function kubernetesCause(objectKind: string, o: KubeObject): Cause {
  const m = o.metadata;
  return {
    kind: 'kubernetes',
    objectKind,
    ...(m.namespace !== undefined ? { namespace: m.namespace } : {}),
    name: m.name,
    uid: m.uid,
    resourceVersion: m.resourceVersion,
  };
}

/**
 * Cause of what the service decides when it compares the cluster with its log, with no watch
 * event to blame: objects deleted while it was down, or a resync after its state was rebuilt.
 */
export const RECONCILE_CAUSE: Cause = Object.freeze({
  kind: 'command',
  command: 'lb reconcile: the cluster no longer lists it',
  actor: 'lb-service',
});
