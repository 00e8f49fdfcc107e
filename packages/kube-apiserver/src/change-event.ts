import type { StoredObject } from './kube-object.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One committed write. Every write gets the next resourceVersion (a single counter across all
 * resources, as etcd's revision), so "all changes after N" is a contiguous slice of history.
 */
export interface ChangeEvent {
  readonly resourceVersion: number;
  readonly type: ChangeType;
  /** `ResourceDefinition.key` of the object. */
  readonly resource: string;
  /** The object after the change; for DELETED, its last state stamped with the deletion's version. */
  readonly object: StoredObject;
  /** The object before the change (MODIFIED and DELETED), so filtered watches can tell enter/leave. */
  readonly previous?: StoredObject;
}
