import type { Cause } from '@netledger/contracts';
import type { KubeObject, Namespace, ObjectChange, Pod } from '@netledger/k8s';
import type { LabelFilter } from './label-filter.js';
import { namespaceSecurityLabels } from './security-labels.js';

/** A pod to look at again, and the object whose change is the reason. */
export interface Touched {
  readonly key: string;
  readonly cause: Cause;
}

/** The cause of a decision taken because of a Kubernetes object. */
export function kubernetesCause(objectKind: string, o: KubeObject): Cause {
  const m = o.metadata;
  return {
    kind: 'kubernetes',
    objectKind,
    ...(m.namespace ? { namespace: m.namespace } : {}),
    name: m.name,
    uid: m.uid ?? '',
    resourceVersion: m.resourceVersion ?? '',
  };
}

/**
 * The pods and namespaces as the sources last delivered them, indexed so that a namespace
 * change finds its own pods without scanning the cluster. Each change returns the pods whose
 * endpoint may have to be decided again.
 */
export class ObservedCluster {
  private readonly pods = new Map<string, Pod>();
  private readonly podsByNamespace = new Map<string, Set<string>>();
  private readonly namespaceLabels = new Map<string, readonly string[]>();

  constructor(private readonly filter: LabelFilter) {}

  pod(key: string): Pod | undefined {
    return this.pods.get(key);
  }

  hasPod(key: string): boolean {
    return this.pods.has(key);
  }

  podKeys(): IterableIterator<string> {
    return this.pods.keys();
  }

  /** The namespace's part of its pods' security labels; undefined when the namespace is not known. */
  namespacePart(namespace: string): readonly string[] | undefined {
    return this.namespaceLabels.get(namespace);
  }

  onPod(change: ObjectChange<Pod>): Touched {
    const pod = change.object;
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
    const namespace = pod.metadata.namespace ?? '';
    if (change.type === 'delete') {
      this.pods.delete(key);
      const keys = this.podsByNamespace.get(namespace);
      keys?.delete(key);
      if (keys?.size === 0) this.podsByNamespace.delete(namespace);
    } else {
      this.pods.set(key, pod);
      let keys = this.podsByNamespace.get(namespace);
      if (!keys) this.podsByNamespace.set(namespace, (keys = new Set()));
      keys.add(key);
    }
    return { key, cause: kubernetesCause('Pod', pod) };
  }

  /**
   * A namespace appeared, changed or went. Only a change of its identity-relevant labels
   * touches its pods (each of them, and only them). A deleted namespace touches nothing: its
   * pods' deletions follow, and until then their endpoints stay as they are.
   */
  onNamespace(change: ObjectChange<Namespace>): Touched[] {
    const name = change.object.metadata.name;
    if (change.type === 'delete') {
      this.namespaceLabels.delete(name);
      return [];
    }
    const part = namespaceSecurityLabels(name, change.object.metadata.labels, this.filter);
    const previous = this.namespaceLabels.get(name);
    this.namespaceLabels.set(name, part);
    if (previous && previous.length === part.length && previous.every((l, i) => l === part[i])) return [];
    const cause = kubernetesCause('Namespace', change.object);
    return [...(this.podsByNamespace.get(name) ?? [])].map((key) => ({ key, cause }));
  }
}
