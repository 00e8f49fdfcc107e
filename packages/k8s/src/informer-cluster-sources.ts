import type { ClusterSources, WorkloadSources } from './cluster-sources.js';
import { KubeHttp } from './kube-http.js';
import {
  CILIUM_CLUSTERWIDE_NETWORK_POLICY_RESOURCE,
  CILIUM_NETWORK_POLICY_RESOURCE,
  DEPLOYMENT_RESOURCE,
  ENDPOINT_SLICE_RESOURCE,
  NAMESPACE_RESOURCE,
  NETWORK_POLICY_RESOURCE,
  NODE_RESOURCE,
  POD_RESOURCE,
  SERVICE_RESOURCE,
  type KubeResource,
} from './kube-resources.js';
import type { Deployment, EndpointSlice, KubeObject, Namespace, Node, Pod, PolicyObject, Service } from './kube-types.js';
import { InformerObjectSource, type InformerSourceSettings, type SourceLogger } from './informer-object-source.js';
import { loadKubeConfig } from './load-kube-config.js';
import type { ObjectSource } from './object-source.js';

/** Options of `createInformerSources`; only `kubeconfigPath` matters in production. */
export interface InformerSourcesOptions {
  /**
   * Kubeconfig file(s) (`a:b` like `$KUBECONFIG`). Undefined: client-node's default search
   * (`$KUBECONFIG`, `~/.kube/config`, in-cluster). The caller's main reads the environment.
   */
  readonly kubeconfigPath?: string | undefined;
  readonly logger?: SourceLogger;
  /** Restart delays after errors (default 500 ms doubling to 30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Server-side watch timeout range in seconds (default 300 to 600, like client-go). */
  readonly watchTimeoutSeconds?: readonly [number, number];
  /** Items per list page (default 500). */
  readonly pageSize?: number;
}

const silentLogger: SourceLogger = { info: () => undefined, error: () => undefined };

/**
 * ClusterSources backed by the API server of a kubeconfig: each call starts a new informer
 * (ListWatch) for one kind, cluster-wide. The kubeconfig is read here, once; a missing file
 * throws KubeConfigError. Connection problems do not throw: a source retries with backoff and
 * its `start` resolves once it has synced.
 */
export function createInformerSources(options: InformerSourcesOptions = {}): ClusterSources & WorkloadSources {
  const kubeConfig = loadKubeConfig(options.kubeconfigPath);
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const watchTimeoutSeconds = options.watchTimeoutSeconds ?? [300, 600];
  const pageSize = options.pageSize ?? 500;
  if (!(watchTimeoutSeconds[0] >= 1 && watchTimeoutSeconds[1] >= watchTimeoutSeconds[0])) {
    throw new RangeError(`watchTimeoutSeconds [${watchTimeoutSeconds.join(', ')}]: need 1 <= min <= max`);
  }
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize ${pageSize}: need a positive integer`);
  const base: Omit<InformerSourceSettings, 'resource'> = Object.freeze({
    kubeConfig,
    http: new KubeHttp(kubeConfig),
    logger: options.logger ?? silentLogger,
    backoff,
    watchTimeoutSeconds,
    pageSize,
  });
  const source = <T extends KubeObject>(resource: KubeResource): ObjectSource<T> => new InformerObjectSource<T>({ ...base, resource });
  return {
    pods: () => source<Pod>(POD_RESOURCE),
    namespaces: () => source<Namespace>(NAMESPACE_RESOURCE),
    nodes: () => source<Node>(NODE_RESOURCE),
    services: () => source<Service>(SERVICE_RESOURCE),
    endpointSlices: () => source<EndpointSlice>(ENDPOINT_SLICE_RESOURCE),
    networkPolicies: () => source<PolicyObject>(NETWORK_POLICY_RESOURCE),
    ciliumNetworkPolicies: () => source<PolicyObject>(CILIUM_NETWORK_POLICY_RESOURCE),
    ciliumClusterwideNetworkPolicies: () => source<PolicyObject>(CILIUM_CLUSTERWIDE_NETWORK_POLICY_RESOURCE),
    deployments: () => source<Deployment>(DEPLOYMENT_RESOURCE),
  };
}
