import { KubeNotFoundError, createKubeWriteClient, findResource, type KubeWriteClient } from '@netledger/k8s';
import type { NodeApi } from './node-api.js';

/** NodeApi over the API server of a kubeconfig, through @netledger/k8s's KubeWriteClient. */
export function createKubeNodeApi(options: { readonly kubeconfigPath: string; readonly timeoutMs?: number }): NodeApi {
  const client = createKubeWriteClient({ kubeconfigPath: options.kubeconfigPath, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
  return kubeNodeApi(client);
}

/** NodeApi over a KubeWriteClient: the node's registration and the pods' annotations and status. */
export function kubeNodeApi(client: KubeWriteClient): NodeApi {
  const nodes = findResource('nodes');
  const pods = findResource('pods');
  // A pod deleted while we write to it needs nothing more from us.
  const ignoreNotFound = (e: unknown): void => {
    if (!(e instanceof KubeNotFoundError)) throw e;
  };
  return {
    async registerNode(object, status) {
      const ref = { resource: nodes, namespace: undefined, name: (object['metadata'] as { name: string }).name };
      try {
        await client.patch(ref, { metadata: object['metadata'], spec: object['spec'] });
      } catch (e) {
        ignoreNotFound(e);
        await client.create(nodes, undefined, object);
      }
      await client.patch(ref, { status }, 'status');
    },
    async annotatePod(namespace, name, annotations) {
      await client.patch({ resource: pods, namespace, name }, { metadata: { annotations } }).catch(ignoreNotFound);
    },
    async patchPodStatus(namespace, name, status) {
      await client.patch({ resource: pods, namespace, name }, { status }, 'status').catch(ignoreNotFound);
    },
  };
}
