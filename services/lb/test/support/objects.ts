import type { EndpointSlice, Service } from '@netledger/k8s';

let rv = 0;

/** A Service in `namespace` with the given spec (and status), with a fresh resourceVersion. */
export function svc(namespace: string, name: string, spec: Service['spec'], status?: Service['status']): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name, uid: `uid-svc-${namespace}-${name}`, resourceVersion: String(++rv) },
    spec,
    ...(status ? { status } : {}),
  };
}

type Endpoint = NonNullable<EndpointSlice['endpoints']>[number];

/** An IPv4 EndpointSlice of `service` with the given endpoints and ports. */
export function slice(
  namespace: string,
  name: string,
  service: string | undefined,
  endpoints: readonly Endpoint[],
  ports: EndpointSlice['ports'],
  addressType: EndpointSlice['addressType'] = 'IPv4',
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace,
      name,
      uid: `uid-slice-${namespace}-${name}`,
      resourceVersion: String(++rv),
      ...(service ? { labels: { 'kubernetes.io/service-name': service } } : {}),
    },
    addressType,
    endpoints,
    ports,
  };
}

/** A ready endpoint on a node. */
export function ready(ip: string, nodeName = 'node-a'): Endpoint {
  return { addresses: [ip], conditions: { ready: true, serving: true, terminating: false }, nodeName };
}

/** A terminating endpoint that still serves. */
export function terminating(ip: string, nodeName = 'node-a'): Endpoint {
  return { addresses: [ip], conditions: { ready: false, serving: true, terminating: true }, nodeName };
}
