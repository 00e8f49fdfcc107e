import type { KubeObject } from './kube-object.js';

/** One column of the `meta.k8s.io/v1 Table` that `kubectl get` prints. */
export interface TableColumn {
  readonly name: string;
  readonly type: 'string' | 'integer';
  readonly format?: 'name';
  readonly description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  readonly priority: 0 | 1;
  readonly cell: (obj: KubeObject, now: Date) => string | number;
}

/** Which DNS rule an object's name follows (the API differs per kind). */
export type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label';

/** Everything the server knows about one resource type: routing, discovery, selectors, printing. */
export interface ResourceDefinition {
  /** Stable storage key, `<group>/<plural>` (core group empty). */
  readonly key: string;
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** Serves the `status` subresource: main-resource writes keep the old status and vice versa. */
  readonly hasStatus: boolean;
  readonly nameRule: NameRule;
  /** Field selector labels beyond `metadata.name` and `metadata.namespace`. */
  readonly fieldLabels: Readonly<Record<string, (obj: KubeObject) => string>>;
  readonly columns: readonly TableColumn[];
}

export function apiVersionOf(def: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}
