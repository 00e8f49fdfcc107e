import type { KubeApiError } from './kube-errors.js';
import type { KubeResource } from './kube-resources.js';
import type { KubeObject } from './kube-types.js';

/** An object as written in a manifest: the fields every object needs, the rest as given. */
export interface KubeManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

/** Which object a result is about. */
export interface ObjectRef {
  readonly resource: KubeResource;
  readonly name: string;
  /** Undefined for cluster-scoped kinds. */
  readonly namespace: string | undefined;
}

/** What `apply` did with one object; an API rejection is a result carrying the server's answer. */
export type ApplyResult =
  | (ObjectRef & { readonly outcome: 'created' | 'configured' | 'unchanged'; readonly object: KubeObject })
  | (ObjectRef & { readonly outcome: 'failed'; readonly error: KubeApiError });

export type DeleteResult =
  | (ObjectRef & { readonly outcome: 'deleted' })
  | (ObjectRef & { readonly outcome: 'not-found' })
  | (ObjectRef & { readonly outcome: 'failed'; readonly error: KubeApiError });

/** Rows as the API server renders them for `kubectl get` (its Table), columns of priority 0 unless wide. */
export interface KubeTable {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<{ readonly namespace: string | undefined; readonly name: string; readonly cells: readonly string[] }>;
}

/** Which objects `get`/`table` look at. */
export interface ObjectQuery {
  readonly name?: string | undefined;
  /** Namespace of namespaced kinds; undefined = the client's default namespace. */
  readonly namespace?: string | undefined;
  /** Every namespace (ignored when `name` is given). */
  readonly allNamespaces?: boolean;
}

/**
 * Reading and writing Kubernetes objects, the port the CLI uses. `kind` arguments accept kinds,
 * plurals and short names (`po`, `svc`, `netpol`, `cnp`…). Connection failures throw
 * KubeConnectionError; answers of the server about one object are results.
 */
export interface KubeClient {
  /**
   * Creates each object, or merge-patches it when it exists, in order. Fields a previous apply
   * set and the manifest no longer has are removed (last-applied annotation, as kubectl does).
   * Every object is checked before the first request; an unsupported kind throws.
   */
  apply(objects: readonly KubeManifest[]): Promise<ApplyResult[]>;
  /** Deletes each object, in the order given; a missing one is `not-found`. */
  delete(objects: readonly KubeManifest[]): Promise<DeleteResult[]>;
  /** One named object (none if it does not exist), or all of a namespace's (sorted by name). */
  get(kind: string, name?: string, namespace?: string): Promise<KubeObject[]>;
  /** All objects of a kind in one namespace, or in all of them when `namespace` is undefined. */
  list(kind: string, namespace?: string): Promise<KubeObject[]>;
  /** The server's table of the objects `query` selects, for human output. */
  table(kind: string, query: ObjectQuery, wide?: boolean): Promise<KubeTable>;
  /** The namespace used when a manifest or query names none. */
  readonly defaultNamespace: string;
}
