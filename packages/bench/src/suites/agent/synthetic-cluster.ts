import type { EventEnvelope } from '@netledger/contracts';
import { parsePolicy } from '@netledger/policy-engine';
import { BenchEvents } from '../bench-events.js';

/** The size of a cluster the agent is fed without the services. */
export interface SyntheticClusterSize {
  readonly endpoints: number;
  readonly services: number;
  /** Label sets (one identity and one NetworkPolicy each). */
  readonly apps: number;
  readonly namespaces: number;
  /** Endpoints per node: the agent's node holds the first ones. */
  readonly endpointsPerNode: number;
}

export const SYNTHETIC_DEFAULTS: SyntheticClusterSize = { endpoints: 100_000, services: 10_000, apps: 1000, namespaces: 100, endpointsPerNode: 100 };

/** The node of the agent fed the synthetic cluster. */
export const SYNTHETIC_NODE = 'node-0';

const RESERVED = ['host', 'world', 'unmanaged', 'health', 'init', 'remote-node', 'kube-apiserver'] as const;
const FIRST_CLUSTER_IDENTITY = 256;

/**
 * Events of the three streams as the services would publish them for a cluster of `size`, with
 * gap-free seqs per service, each checked against its schema: identities (reserved, then one per
 * app), one NetworkPolicy per app, endpoints spread over nodes, and ClusterIP services whose
 * backends are the endpoints (each endpoint backs one service). Made lazily, so the caller holds
 * only what it keeps.
 */
export class SyntheticCluster {
  readonly size: SyntheticClusterSize;
  // A fixed time: the generated cluster is the same on every run.
  readonly #events = new BenchEvents(() => '2025-01-01T00:00:00.000Z');
  #revision = 0;

  constructor(size: SyntheticClusterSize = SYNTHETIC_DEFAULTS) {
    this.size = size;
  }

  *bootstrap(): Generator<EventEnvelope> {
    for (const [i, name] of RESERVED.entries()) {
      yield this.#events.envelope('identity', `identity/${i + 1}`, 'IdentityAllocated', { id: i + 1, scope: 'reserved', labels: [`reserved:${name}`] });
    }
    for (let a = 0; a < this.size.apps; a++) {
      const id = FIRST_CLUSTER_IDENTITY + a;
      yield this.#events.envelope('identity', `identity/${id}`, 'IdentityAllocated', { id, scope: 'cluster', labels: identityLabels(this.#namespace(a), `app-${a}`) });
    }
    for (let a = 0; a < this.size.apps; a++) yield this.#policy(a);
    for (let i = 0; i < this.size.endpoints; i++) yield this.#endpoint(i);
    const perService = Math.max(1, Math.floor(this.size.endpoints / this.size.services));
    for (let s = 0; s < this.size.services; s++) {
      yield this.service(s);
      for (let b = 0; b < perService; b++) yield this.backend(s, s * perService + b);
    }
  }

  /** Service `s` (ids from 1) with one ClusterIP frontend on port 80. */
  service(s: number): EventEnvelope {
    const serviceId = s + 1;
    return this.#events.envelope('lb', `service/${this.#namespace(s)}/svc-${s}`, 'ServiceUpserted', {
      serviceId,
      namespace: this.#namespace(s),
      name: `svc-${s}`,
      frontends: [{ id: serviceId, type: 'ClusterIP', ip: `172.20.${serviceId >> 8}.${serviceId & 255}`, port: 80, protocol: 'TCP', portName: 'http' }],
      sessionAffinity: 'None',
      affinityTimeoutSeconds: 0,
      externalTrafficLocal: false,
      internalTrafficLocal: false,
    });
  }

  /** Endpoint `i` as a backend of service `s` (backend ids from 1). */
  backend(s: number, i: number): EventEnvelope {
    return this.#events.envelope('lb', `service/${this.#namespace(s)}/svc-${s}`, 'BackendAdded', {
      serviceId: s + 1,
      backendId: i + 1,
      portName: 'http',
      ip: endpointIp(i),
      port: 8080,
      protocol: 'TCP',
      node: this.#node(i),
      state: 'active',
    });
  }

  backendRemoved(s: number, i: number): EventEnvelope {
    return this.#events.envelope('lb', `service/${this.#namespace(s)}/svc-${s}`, 'BackendRemoved', { serviceId: s + 1, backendId: i + 1, portName: 'http' });
  }

  #endpoint(i: number): EventEnvelope {
    const a = i % this.size.apps;
    const namespace = this.#namespace(a);
    return this.#events.envelope('identity', `endpoint/${namespace}/pod-${i}`, 'EndpointUpserted', {
      namespace,
      pod: `pod-${i}`,
      uid: `uid-${i}`,
      node: this.#node(i),
      ips: [endpointIp(i)],
      identity: FIRST_CLUSTER_IDENTITY + a,
      labels: { app: `app-${a}` },
      namedPorts: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
  }

  // App a's pods admit app a+1's from any namespace on the named port and a port range, and
  // reach DNS in kube-system.
  #policy(a: number): EventEnvelope {
    const namespace = this.#namespace(a);
    const parsed = parsePolicy({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { namespace, name: `app-${a}` },
      spec: {
        podSelector: { matchLabels: { app: `app-${a}` } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: `app-${(a + 1) % this.size.apps}` } } }],
            ports: [{ port: 'http' }, { protocol: 'TCP', port: 8000, endPort: 8100 }],
          },
        ],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: 'UDP', port: 53 }] }],
      },
    });
    if (!parsed.ok) throw new Error(`agent bench: policy app-${a} rejected: ${parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    const revision = ++this.#revision;
    return this.#events.envelope('policy', `policy/${namespace}/app-${a}`, 'PolicyAccepted', {
      kind: 'NetworkPolicy',
      namespace,
      name: `app-${a}`,
      uid: `policy-uid-${a}`,
      resourceVersion: String(revision),
      revision,
      rules: parsed.policy.subjects,
    });
  }

  #namespace(n: number): string {
    return `ns-${n % this.size.namespaces}`;
  }

  #node(i: number): string {
    return `node-${Math.floor(i / this.size.endpointsPerNode)}`;
  }


}

/** Endpoint `i`'s address, in 10.128.0.0/9. */
export function endpointIp(i: number): string {
  return `10.${128 + ((i >> 16) & 127)}.${(i >> 8) & 255}.${i & 255}`;
}

// The identity labels the identity service gives a pod (`k8s:` source, sorted).
function identityLabels(namespace: string, app: string): string[] {
  return [
    `k8s:app=${app}`,
    `k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${namespace}`,
    'k8s:io.cilium.k8s.policy.serviceaccount=default',
    `k8s:io.kubernetes.pod.namespace=${namespace}`,
  ].sort();
}
