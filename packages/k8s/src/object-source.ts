import type { KubeObject } from './kube-types.js';

/** One change to a watched object. `delete` carries the last known state. */
export interface ObjectChange<T extends KubeObject> {
  readonly type: 'upsert' | 'delete';
  readonly object: T;
}

/**
 * A stream of changes to one kind of Kubernetes object (an informer behind a port we own).
 * `start` delivers every existing object as an upsert, then resolves (the source is synced),
 * then keeps delivering changes in order. After a relist (410 Gone, reconnect) it delivers
 * what changed, including deletes of objects that vanished meanwhile. Handlers run one at a
 * time: a change is delivered only after the previous handler call settled.
 */
export interface ObjectSource<T extends KubeObject> {
  readonly kind: string;
  start(handler: (change: ObjectChange<T>) => void | Promise<void>): Promise<void>;
  stop(): Promise<void>;
  /** The current objects as last seen. */
  list(): T[];
}

/** Key of an object in caches and streams: `namespace/name`, or `name` when cluster-scoped. */
export function objectKey(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}
