import type { KubeObject, KubeResource } from '@netledger/k8s';

/**
 * The writes the controllers make, a port they own (the informer sources do the reading).
 * An answer of the API server that is an error throws KubeApiError; an unreachable server
 * throws KubeConnectionError (both from @netledger/k8s).
 */
export interface KubeWriter {
  /** Creates an object in `namespace` and returns it as stored. */
  create<T extends KubeObject>(resource: KubeResource, namespace: string, object: object): Promise<T>;
  /** JSON merge patch (RFC 7386) of an object, or of its status subresource; returns it as stored. */
  patch<T extends KubeObject>(
    resource: KubeResource,
    namespace: string,
    name: string,
    patch: object,
    subresource?: 'status',
  ): Promise<T>;
  /**
   * Deletes an object; with `uid`, only that incarnation of the name. Returns the deleted
   * object as the server answered it (stamped with the deletion's resourceVersion; undefined
   * when the server answered with a Status instead), or `gone`.
   */
  delete<T extends KubeObject>(
    resource: KubeResource,
    namespace: string,
    name: string,
    uid?: string,
  ): Promise<{ readonly outcome: 'deleted'; readonly object: T | undefined } | { readonly outcome: 'gone' }>;
}
