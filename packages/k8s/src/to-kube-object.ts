import { KubeObjectError } from './kube-errors.js';
import { apiVersionOf, type KubeResource } from './kube-resources.js';
import type { KubeObject } from './kube-types.js';

/**
 * Turns an object as the API server sent it (list item or watch event, plain JSON) into our
 * kube type: checks the metadata every object has and fills in `kind`/`apiVersion`, which list
 * items of a real server leave out. Fields our types do not name are kept.
 */
export function toKubeObject<T extends KubeObject>(raw: unknown, resource: KubeResource): T {
  if (!isRecord(raw)) throw new KubeObjectError(resource.kind, 'object', 'is not a JSON object');
  const metadata = raw['metadata'];
  if (!isRecord(metadata)) throw new KubeObjectError(resource.kind, 'metadata', 'is missing');
  if (typeof metadata['name'] !== 'string' || metadata['name'] === '') throw new KubeObjectError(resource.kind, 'metadata.name', 'is missing');
  if (resource.namespaced && typeof metadata['namespace'] !== 'string') {
    throw new KubeObjectError(resource.kind, 'metadata.namespace', `is missing on ${metadata['name']}`);
  }
  return {
    ...raw,
    apiVersion: typeof raw['apiVersion'] === 'string' ? raw['apiVersion'] : apiVersionOf(resource),
    kind: typeof raw['kind'] === 'string' ? raw['kind'] : resource.kind,
    metadata: {
      ...metadata,
      uid: typeof metadata['uid'] === 'string' ? metadata['uid'] : '',
      resourceVersion: typeof metadata['resourceVersion'] === 'string' ? metadata['resourceVersion'] : '',
    },
  } as unknown as T;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
