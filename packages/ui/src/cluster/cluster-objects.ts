import { createKubeClient, KubeApiError, KubeConfigError, KubeConnectionError, type KubeClient, type Pod, type Service } from '@netledger/k8s';
import { ApiError } from '../http/api-error.js';

/** The cluster objects the service map is drawn from: the port the UI owns over Kubernetes. */
export interface ClusterObjects {
  pods(): Promise<readonly Pod[]>;
  services(): Promise<readonly Service[]>;
}

/**
 * Lists pods and services of every namespace through the kubeconfig's API server. The client
 * is made on first use and again after a failure, so the UI can start before the API server
 * has written its kubeconfig. Failures are ApiError(503) naming the kubeconfig.
 */
export function kubeClusterObjects(kubeconfigPath: string): ClusterObjects {
  let client: KubeClient | undefined;
  const list = async (kind: 'pods' | 'services'): Promise<readonly unknown[]> => {
    try {
      client ??= createKubeClient({ kubeconfigPath });
      return await client.list(kind);
    } catch (e) {
      if (e instanceof KubeConfigError) client = undefined;
      if (e instanceof KubeConfigError || e instanceof KubeConnectionError || e instanceof KubeApiError) {
        throw new ApiError(503, `listing ${kind} through ${kubeconfigPath}: ${e.message}`, { cause: e });
      }
      throw e;
    }
  };
  return {
    pods: async () => (await list('pods')) as readonly Pod[],
    services: async () => (await list('services')) as readonly Service[],
  };
}
