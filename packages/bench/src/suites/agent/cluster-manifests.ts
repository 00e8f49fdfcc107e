import type { KubeManifest } from '@netledger/k8s';

// The objects the propagation runs apply: pods with a named port, ClusterIP services on that
// port, and the EndpointSlices an endpoint-slice controller would write for them.

export const BENCH_NAMESPACE = 'bench';

export function namespaceManifest(name: string): KubeManifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { purpose: 'bench' } } };
}

export function podManifest(name: string, ip: string, node: string, app: string): KubeManifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: BENCH_NAMESPACE, labels: { app } },
    spec: { nodeName: node, containers: [{ name: 'main', image: 'bench', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

export function serviceManifest(name: string, app: string): KubeManifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: BENCH_NAMESPACE },
    spec: { selector: { app }, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }] },
  };
}

export interface SliceEndpoint {
  readonly ip: string;
  readonly node: string;
}

export function endpointSliceManifest(service: string, endpoints: readonly SliceEndpoint[]): KubeManifest {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-bench`, namespace: BENCH_NAMESPACE, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: true, serving: true, terminating: false }, nodeName: e.node })),
  };
}
