import type { KubeObject } from './kube-object.js';
import type { ResourceDefinition } from './resource-definition.js';

/**
 * A `meta.k8s.io/v1 Table`, what `kubectl get` asks for (`Accept: ...;as=Table`). Each row carries
 * the object's metadata (`PartialObjectMetadata`), which kubectl reads for the NAMESPACE column of
 * `-A` and for `--show-labels`.
 */
export function toTable(
  def: ResourceDefinition,
  objects: readonly KubeObject[],
  listMeta: Record<string, unknown>,
  now: Date,
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: def.columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description,
      priority: c.priority,
    })),
    rows: objects.map((o) => ({
      cells: def.columns.map((c) => c.cell(o, now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
