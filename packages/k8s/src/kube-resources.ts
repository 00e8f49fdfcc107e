import { UnsupportedKindError } from './kube-errors.js';

/** One kind netledger reads and writes, with the names `get` accepts for it. */
export interface KubeResource {
  readonly kind: string;
  /** `''` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
}

function resource(kind: string, group: string, version: string, plural: string, namespaced: boolean, shortNames: string[] = []): KubeResource {
  return Object.freeze({ kind, group, version, plural, singular: kind.toLowerCase(), namespaced, shortNames: Object.freeze(shortNames) });
}

export const NAMESPACE_RESOURCE = resource('Namespace', '', 'v1', 'namespaces', false, ['ns']);
export const POD_RESOURCE = resource('Pod', '', 'v1', 'pods', true, ['po']);
export const SERVICE_RESOURCE = resource('Service', '', 'v1', 'services', true, ['svc']);
export const NODE_RESOURCE = resource('Node', '', 'v1', 'nodes', false, ['no']);
export const DEPLOYMENT_RESOURCE = resource('Deployment', 'apps', 'v1', 'deployments', true, ['deploy']);
export const ENDPOINT_SLICE_RESOURCE = resource('EndpointSlice', 'discovery.k8s.io', 'v1', 'endpointslices', true);
export const NETWORK_POLICY_RESOURCE = resource('NetworkPolicy', 'networking.k8s.io', 'v1', 'networkpolicies', true, ['netpol']);
export const CILIUM_NETWORK_POLICY_RESOURCE = resource('CiliumNetworkPolicy', 'cilium.io', 'v2', 'ciliumnetworkpolicies', true, ['cnp', 'ciliumnp']);
export const CILIUM_CLUSTERWIDE_NETWORK_POLICY_RESOURCE = resource(
  'CiliumClusterwideNetworkPolicy',
  'cilium.io',
  'v2',
  'ciliumclusterwidenetworkpolicies',
  false,
  ['ccnp'],
);

/** Every kind netledger handles, in the order `apply` would create them from scratch. */
export const KUBE_RESOURCES: readonly KubeResource[] = Object.freeze([
  NAMESPACE_RESOURCE,
  NODE_RESOURCE,
  POD_RESOURCE,
  SERVICE_RESOURCE,
  DEPLOYMENT_RESOURCE,
  ENDPOINT_SLICE_RESOURCE,
  NETWORK_POLICY_RESOURCE,
  CILIUM_NETWORK_POLICY_RESOURCE,
  CILIUM_CLUSTERWIDE_NETWORK_POLICY_RESOURCE,
]);

/** `v1` or `group/version`. */
export function apiVersionOf(r: KubeResource): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** `pod`, `networkpolicy.networking.k8s.io`: how kubectl names a kind in its messages. */
export function qualifiedName(r: KubeResource): string {
  return r.group === '' ? r.singular : `${r.singular}.${r.group}`;
}

/** URL path of a resource's collection (`namespace` ignored for cluster-scoped kinds), or of one object. */
export function resourcePath(r: KubeResource, namespace?: string, name?: string): string {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}

/**
 * The resource a command-line name means: kind, plural, singular or short name, any case,
 * optionally qualified with the group (`networkpolicies.networking.k8s.io`).
 */
export function findResource(name: string): KubeResource {
  const wanted = name.toLowerCase();
  const found = KUBE_RESOURCES.find((r) => {
    const names = [r.kind.toLowerCase(), r.plural, r.singular, ...r.shortNames];
    return names.includes(wanted) || (r.group !== '' && (wanted === `${r.plural}.${r.group}` || wanted === `${r.singular}.${r.group}`));
  });
  if (!found) throw new UnsupportedKindError(name, KUBE_RESOURCES.map((r) => r.plural));
  return found;
}

/** The resource of a manifest's `kind` (exact, as Kubernetes spells it). */
export function resourceForKind(kind: string): KubeResource {
  const found = KUBE_RESOURCES.find((r) => r.kind === kind);
  if (!found) throw new UnsupportedKindError(kind, KUBE_RESOURCES.map((r) => r.kind));
  return found;
}
