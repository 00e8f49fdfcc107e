import type { ObjectRef } from './kube-client.js';
import type { KubeResource } from './kube-resources.js';
import type { KubeObject } from './kube-types.js';

/** What `KubeWriteClient.delete` found: the deleted object, or no such object any more. */
export type WriteDeleteResult<T extends KubeObject> =
  | {
      readonly outcome: 'deleted';
      /** As the server answered (stamped with the deletion's resourceVersion); undefined when it sent a Status instead. */
      readonly object: T | undefined;
    }
  | {
      /** Already deleted, or (with a uid precondition) the name now belongs to another object. */
      readonly outcome: 'gone';
    };

/**
 * The writes programs make (controllers, the node runtime), as opposed to `KubeClient`'s apply
 * for people: create, JSON merge patch (RFC 7386) of an object or its status subresource,
 * delete guarded by a uid, and a plain read. Objects travel exactly as the server sends them.
 *
 * An error answer about the object throws a KubeApiError; the common ones as subclasses naming
 * the object: KubeNotFoundError, KubeAlreadyExistsError, KubeConflictError. An unreachable
 * server throws KubeConnectionError.
 */
export interface KubeWriteClient {
  /** The object, or undefined when there is none. */
  get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined>;
  /** Creates `object` in `namespace` (undefined for cluster-scoped kinds); returns it as stored. */
  create<T extends KubeObject>(resource: KubeResource, namespace: string | undefined, object: object): Promise<T>;
  /** Merge-patches the object, or its status subresource; returns it as stored. */
  patch<T extends KubeObject>(ref: ObjectRef, mergePatch: object, subresource?: 'status'): Promise<T>;
  /** Deletes the object; with `uid`, only that incarnation of the name. A missing object is `gone`. */
  delete<T extends KubeObject>(ref: ObjectRef, options?: { readonly uid?: string | undefined }): Promise<WriteDeleteResult<T>>;
  /** Closes kept-alive connections. The client stays usable (it reconnects). */
  close(): void;
}
