import type { KubeObject } from '@netledger/k8s';

/** One entry of `metadata.ownerReferences`. */
export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

/** The reference a controller puts on what it creates: it manages the object, and owns its lifetime. */
export function controllerReference(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/** The owner with `controller: true`, if the object has one (entries that are not references are skipped). */
export function controllerOf(o: KubeObject): OwnerReference | undefined {
  const refs: unknown = (o.metadata as { ownerReferences?: unknown }).ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs as unknown[]) {
    if (typeof r !== 'object' || r === null) continue;
    const ref = r as Record<string, unknown>;
    if (ref['controller'] !== true) continue;
    if (typeof ref['kind'] !== 'string' || typeof ref['name'] !== 'string' || typeof ref['uid'] !== 'string') continue;
    return { apiVersion: String(ref['apiVersion'] ?? ''), kind: ref['kind'], name: ref['name'], uid: ref['uid'], controller: true };
  }
  return undefined;
}
