import { createKubeWriteClient, type KubeObject, type KubeResource, type KubeWriteClient } from '@netledger/k8s';
import type { KubeWriter } from './kube-writer.js';

/** Options of `createKubeWriter`. */
export interface KubeWriterOptions {
  /** Kubeconfig file(s) (`a:b`); the caller's main decides the default. */
  readonly kubeconfigPath: string;
  /** Per request (default 30 s). */
  readonly timeoutMs?: number;
}

/** A KubeWriter for the cluster of a kubeconfig (read once, here). */
export function createKubeWriter(options: KubeWriterOptions): HttpKubeWriter {
  return new HttpKubeWriter(createKubeWriteClient({ kubeconfigPath: options.kubeconfigPath, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) }));
}

/**
 * KubeWriter over @netledger/k8s's KubeWriteClient (keep-alive connections, the kubeconfig's
 * credentials). Only the shape differs: the controllers' port names objects by resource,
 * namespace and name.
 */
export class HttpKubeWriter implements KubeWriter {
  constructor(private readonly client: KubeWriteClient) {}

  create<T extends KubeObject>(resource: KubeResource, namespace: string, object: object): Promise<T> {
    return this.client.create<T>(resource, namespace, object);
  }

  patch<T extends KubeObject>(resource: KubeResource, namespace: string, name: string, patch: object, subresource?: 'status'): Promise<T> {
    return this.client.patch<T>({ resource, namespace, name }, patch, subresource);
  }

  delete<T extends KubeObject>(
    resource: KubeResource,
    namespace: string,
    name: string,
    uid?: string,
  ): Promise<{ readonly outcome: 'deleted'; readonly object: T | undefined } | { readonly outcome: 'gone' }> {
    return this.client.delete<T>({ resource, namespace, name }, { uid });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.client.close();
  }
}
